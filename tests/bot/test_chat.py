"""`kam chat`: the README's main job, through the emulator, on demo data."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def demo_db(database_url):
    made = CliRunner().invoke(app, ["demo", "--accounts", "60", "--database", database_url])
    assert made.exit_code == 0, made.output
    return database_url


def kam(db, *args, input=None):
    return CliRunner().invoke(app, ["chat", *args, "--database", db], input=input)


def test_without_a_user_it_acts_as_a_demo_manager_and_says_so(demo_db):
    result = kam(demo_db, "/kam mine")
    assert result.exit_code == 0, result.output
    assert "a manager from the demo data" in result.output
    assert "use --user EMAIL to be someone else" in result.output


def test_one_shot_prints_the_card_with_numbered_buttons(demo_db):
    result = kam(demo_db, "--user", "rep@demo.kam.test", "/kam mine")
    assert "Your accounts" in result.output and "[1] Open" in result.output


def test_json_prints_the_raw_slack_payloads(demo_db):
    result = kam(demo_db, "--user", "U0DEMOREP1", "--json", "/kam help")
    payload = json.loads(result.output[result.output.index("["):])
    assert payload[0]["kind"] == "ack" and "/kam log" in payload[0]["text"]


def test_interactive_pressing_a_button_opens_the_card(demo_db):
    result = kam(demo_db, "--user", "rep@demo.kam.test", input="/kam mine\n1\nquit\n")
    assert result.exit_code == 0, result.output
    after_press = result.output.split("[1] Open", 1)[1]
    assert "Ranked #" in after_press and "[1] 📝 Log interaction" in after_press


def test_socket_mode_is_the_same_chat_with_the_bot_connected_over_the_websocket(demo_db):
    result = kam(demo_db, "--socket", "--user", "rep@demo.kam.test", input="/kam mine\n1\nquit\n")
    assert result.exit_code == 0, result.output
    after_press = result.output.split("[1] Open", 1)[1]
    assert "Ranked #" in after_press and "[1] 📝 Log interaction" in after_press


def test_an_unknown_user_or_an_empty_database_get_a_clear_answer(demo_db, tmp_path):
    unknown = kam(demo_db, "--user", "ghost@nowhere.test", "/kam mine")
    assert unknown.exit_code == 1 and "Nobody with email or Slack id “ghost@nowhere.test”" in unknown.output
    CliRunner().invoke(app, ["db", "upgrade", "--database", f"sqlite:///{tmp_path / 'empty.db'}"])
    empty = kam(f"sqlite:///{tmp_path / 'empty.db'}", "/kam mine")
    assert empty.exit_code == 1 and "Run `kam demo` first" in empty.output


def test_a_plan_is_created_and_edited_in_the_chat(demo_db):
    """The issue's "make run shows a plan being created and edited in kam chat": the demo manager creates a
    plan for a key account of their team, writes its strategy and adds an objective."""
    from sqlalchemy import select

    from kam_core.accounts.models import Account
    from kam_core.db import make_engine, make_sessionmaker, transaction
    from kam_core.enums import Tier
    from kam_core.people.models import Person
    from kam_core.plans.models import AccountPlan

    with transaction(make_sessionmaker(make_engine(demo_db))) as session:
        manager = session.scalar(select(Person).where(Person.slack_user_id == "U0DEMOMGR1"))
        planned = set(session.scalars(select(AccountPlan.account_id)))
        team = session.scalars(select(Account).join(Person, Person.id == Account.owner_id)
                               .where(Person.manager_id == manager.id).order_by(Account.id)).all()
        account = next(a for a in team if a.id not in planned)
        name, key = account.name, account.tier == Tier.key
    reason = "" if key else "Its parent is a key account\n"
    typed = (f"/kam plan {name} new\ny\n\n\nWin the rollout\n{reason}"  # the create form
             "1\ny\n\nMoving to connected appliances\n\n\n\n"  # ✏️ Strategy
             "4\ny\nConnected users\n1\n1,200\nusers\n\n"  # ➕ Objective
             f"/kam plan {name} objective usage 450\nquit\n")
    result = kam(demo_db, "--user", "U0DEMOMGR1", input=typed)
    assert result.exit_code == 0, result.output
    created, strategy, objective, actual = result.output.split("✅ ")[1:5]
    assert created.startswith("Plan created.") and "*Focus:* Win the rollout" in created
    assert strategy.startswith("Strategy saved.") and "*Customer's trends:* Moving to connected appliances" in strategy
    assert objective.startswith("Objective added.") and "Connected users: *0 of 1,200 users*" in objective
    assert actual.startswith("Objective's actual updated.") and "Connected users: *450 of 1,200 users*" in actual
