"""/kam plan and marking plan actions done, end to end through the emulator."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import ActionStatus
from kam_core.people.models import Person
from kam_core.plans.models import PlanAction
from tests.factories import make_plan
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of
from tests.handlers.test_opportunities import blocks_text, buttons, valid_message

NOW = utcnow()
TODAY = NOW.date()


@pytest.fixture
def plan(local, world):
    """Acme's plan, half-way through its period: revenue behind, one action overdue, one due next week."""
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, world["acme_id"])
        rep, manager = (session.scalar(select(Person).where(Person.slack_user_id == u)) for u in (REP, MANAGER))
        plan = make_plan(
            session, account=acme, period_start=TODAY - timedelta(days=180), period_end=TODAY + timedelta(days=180),
            last_reviewed_at=NOW - timedelta(days=20), executive_sponsor=manager, focus="Grow <ops> spend",
            objectives=[{"description": "Revenue 2026", "target": 1_000_000, "actual": 100_000, "unit": "USD"}],
            actions=[
                {"description": "Call the CFO", "owner": rep, "due_date": TODAY - timedelta(days=5)},
                {"description": "Run the QBR", "owner": manager, "due_date": TODAY + timedelta(days=7)},
                {"description": "Send the survey", "owner": rep, "due_date": TODAY - timedelta(days=9),
                 "status": ActionStatus.done},
                {"description": "Plan 2027", "owner": rep, "due_date": TODAY + timedelta(days=90)},
            ])
        return {"plan_id": plan.id, **{a.description: a.id for a in plan.actions}}


def show_plan(driver, user: str, text: str):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(user, text))
    valid_message(reply["blocks"])
    return reply, driver.replies_since(mark, user)[0]


def done_buttons(blocks: list[dict]) -> list[dict]:
    return [b for b in buttons(blocks) if b["action_id"].startswith("kam.complete_action")]


def status_of(local, action_id: int) -> ActionStatus:
    with transaction(local.runtime.sessions) as session:
        return session.get(PlanAction, action_id).status


def test_plan_shows_health_with_reasons_objectives_actions_and_last_review(driver, plan):
    reply, _ = show_plan(driver, REP, "plan acme corp")
    text = blocks_text(reply["blocks"])
    assert "Account plan · Acme Corporation" in text
    assert "Plan at risk" in text
    assert "1 action is overdue, the oldest by 5 days." in text
    assert "“Revenue 2026” is at 10.0% of target; 50.0% of the period has passed." in text
    assert "Revenue 2026: *100k USD of 1M USD* (10.0%)" in text
    assert "Grow &lt;ops&gt; spend" in text and "*Executive sponsor:* Mia Manager" in text
    assert f"*Last review:* {(NOW - timedelta(days=20)).strftime('%d %b %Y')} (20 days ago)" in text
    assert "*Open actions (3, 1 overdue)*" in text
    assert "*Call the CFO*\nRay Rep · due" in text and "5 days overdue" in text
    assert "*Run the QBR*\nMia Manager · due" in text and "in 7 days" in text
    assert "*Plan 2027*\nRay Rep · due" in text and "in 90 days" in text
    assert text.index("Call the CFO") < text.index("Run the QBR") < text.index("Plan 2027")
    assert "Send the survey" not in text
    done = [b for b in buttons(reply["blocks"]) if b["action_id"].startswith("kam.complete_action")]
    assert [b["text"]["text"] for b in done] == ["Done", "Done", "Done"]
    assert done[0]["value"] == f"{plan['Call the CFO']}:1"


def test_marking_an_action_done_updates_the_plan_message(driver, slack, local, plan):
    reply, shown = show_plan(driver, REP, "plan acme corp")
    call_cfo = done_buttons(reply["blocks"])[0]
    driver.block_action(REP, call_cfo["action_id"], message=shown)
    updated = slack.wait_for("response_url")
    assert updated.params["replace_original"] is True
    text = blocks_text(valid_message(updated.params["blocks"]))
    assert "Call the CFO" not in text and "action is overdue" not in text and "Run the QBR" in text
    assert status_of(local, plan["Call the CFO"]) == ActionStatus.done


def test_done_on_an_action_someone_changed_meanwhile_says_who_and_changes_nothing(driver, slack, local, plan):
    reply, shown = show_plan(driver, REP, "plan acme corp")
    with transaction(local.runtime.sessions) as session:
        action = session.get(PlanAction, plan["Call the CFO"])
        manager = session.scalar(select(Person).where(Person.slack_user_id == MANAGER))
        action.due_date = TODAY + timedelta(days=3)
        record(session, actor=Actor.of(manager), action="edit_plan_action", entity="plan_action",
               entity_id=action.id, changes={"due_date": ["earlier", "later"]})
    call_cfo = done_buttons(reply["blocks"])[0]
    driver.block_action(REP, call_cfo["action_id"], message=shown)
    answer = slack.wait_for("response_url")
    assert answer.params.get("replace_original") is False and answer.params["response_type"] == "ephemeral"
    assert "changed by Mia Manager" in answer.params["text"] and "Reload" in answer.params["text"]
    valid_message(answer.params["blocks"])
    assert status_of(local, plan["Call the CFO"]) == ActionStatus.open


def test_an_account_without_a_plan_says_so_and_a_key_account_should_have_one(driver, slack, world):
    reply, shown = show_plan(driver, REP, "plan acm")
    choices = {b["text"]["text"]: b for b in buttons(reply["blocks"])}
    assert choices["Acme Corporation"]["action_id"].startswith("kam.show_plan:")
    driver.block_action(REP, choices["Acme Corporation"]["action_id"], message=shown)
    key = slack.wait_for("response_url").params["text"]
    assert "*Acme Corporation* has no account plan. It is a key account, so it should have one" in key
    general = show_plan(driver, REP, "plan acme logistics")[0]["text"]
    assert general == "*Acme Logistics GmbH* has no account plan."


def test_the_cards_plan_button_shows_the_plan(driver, slack, plan):
    _, card = show_plan(driver, REP, "acme corporation")
    plan_button = next(b for b in buttons(card.blocks) if b["action_id"] == "kam.show_plan")
    driver.block_action(REP, plan_button["action_id"], message=card)
    shown = slack.wait_for("response_url")
    assert shown.params["response_type"] == "ephemeral"
    assert "Run the QBR" in blocks_text(valid_message(shown.params["blocks"]))
