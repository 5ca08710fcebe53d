"""What a recompute did to tiers: how many accounts moved, from which tier to which, the largest moves,
the overrides that kept a tier; in `kam accounts recompute-tiers` and every import report."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kam_core.accounts.models import AccountValue
from kam_core.actors import Actor
from kam_core.enums import Tier
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.policy import Policy
from kam_core.tiers.service import recompute_tiers, set_tier
from templates import i18n, render
from tests.factories import make_account, make_value

POLICY = Policy()
ADMIN = Actor.system("test")
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
K, I, G = Tier.key, Tier.important, Tier.general


@pytest.fixture
def book(session):
    """Acme 500, Globex 300, Initech 150, Hooli 50, Umbrella 0: key, important, general × 3; ranked once."""
    accounts = {}
    for name, profit in [("Acme", 500), ("Globex", 300), ("Initech", 150), ("Hooli", 50), ("Umbrella", 0)]:
        accounts[name] = make_account(session, name=name)
        make_value(session, account=accounts[name], revenue=profit, profit=profit)
    first = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    assert (first.moved, first.first_ranked) == (0, {K: 1, I: 1, G: 3})
    return accounts


def worth(session, account, amount):
    value = session.scalars(select(AccountValue).where(AccountValue.account_id == account.id)).one()
    value.revenue = value.profit_contribution = amount
    session.flush()


def test_a_recompute_says_how_many_moved_where_and_the_largest_moves(session, book):
    worth(session, book["Umbrella"], 5000)  # general → key, rank 5 → 1
    worth(session, book["Acme"], 10)        # key → general, rank 1 → 5
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    assert report.moved == 3 and report.first_ranked == {}
    assert [(f.old_tier, f.new_tier, f.accounts) for f in report.flows] == [(K, G, 1), (I, G, 1), (G, K, 1)]
    assert [(m.account_name, m.old_rank, m.new_rank) for m in report.largest] == [
        ("Umbrella", 5, 1), ("Acme", 1, 5), ("Globex", 2, 2)]
    assert render("cli/recompute.txt.j2", report=report).splitlines()[1] == (
        "Tiers: 3 accounts moved — key → general 1, important → general 1, general → key 1; largest: Umbrella "
        "(general → key, rank 5 → 1), Acme (key → general, rank 1 → 5), Globex (important → general, rank 2 → 2).")


def test_a_second_recompute_moves_nothing_and_says_so(session, book):
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    assert (report.moved, report.changed, report.largest) == (0, 0, [])
    assert render("cli/recompute.txt.j2", report=report).splitlines()[1] == "Tiers: no account moved."


def test_a_manager_s_override_keeps_the_tier_and_the_report_says_so(session, book):
    set_tier(session, actor=ADMIN, account_id=book["Acme"].id, tier=K, reason="Reference customer")
    worth(session, book["Acme"], 10)
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    assert (report.counts[K], report.kept) == (2, 1)  # Acme by the override, Globex by value
    assert all(m.account_name != "Acme" for m in report.largest)
    assert ("1 account kept its tier by a manager's override: Acme (stays key; computed key → general)."
            in render("cli/recompute.txt.j2", report=report))


def test_every_import_report_prints_the_moves(session, book, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("name,revenue,profit\nHooli,5000,4000\n")
    report = import_accounts_csv(session, file=path, actor=ADMIN, policy=POLICY, now=NOW)

    assert report.tier_moves.moved == 3
    shown = render("import_report.j2", report=report)
    assert "Tiers now: 1 key, 0 important, 4 general." in shown
    assert "Tiers: 3 accounts moved — " in shown and "largest: Hooli (general → key, rank 4 → 1)" in shown
    i18n.set_language("zh")
    assert "客户层级：3 个客户层级有变化 —— " in render("import_report.j2", report=report)


def test_the_import_and_recompute_commands_print_the_moves(database_url, tmp_path):
    from typer.testing import CliRunner

    from bot.cli import app

    def kam(*args):
        result = CliRunner().invoke(app, [*args, "--database", database_url])
        assert result.exit_code == 0, result.output
        return result.output

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,revenue,profit\nAcme,500,500\nGlobex,300,300\nInitech,150,150\n")
    second.write_text("name,revenue,profit\nInitech,5000,5000\n")
    assert "Ranked for the first time: 1 key, 1 important, 1 general." in kam("import", "accounts", str(first))
    moved = kam("import", "accounts", str(second))
    assert ("Tiers: 3 accounts moved — key → general 1, important → general 1, general → key 1; largest: "
            "Initech (general → key, rank 3 → 1), Acme (key → general, rank 1 → 2), Globex (important → general, "
            "rank 2 → 3).") in moved
    assert kam("accounts", "recompute-tiers").splitlines()[1:] == ["Tiers: no account moved."]
