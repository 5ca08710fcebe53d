"""The shared CRM samples yield a value pyramid, and importing one again moves no tier."""

from datetime import UTC, date, datetime

from kam_core.actors import Actor
from kam_core.enums import Tier
from kam_core.importers.maven import import_maven
from kam_core.importers.salesforce import import_salesforce
from kam_core.importers.upsert import AccountIndex
from kam_core.policy import Policy
from kam_core.tiers.service import explain_tier
from kam_core.tiers.value import ValueSource
from templates import render
from tests.conftest import shared_path

POLICY = Policy()
ADMIN = Actor.system("import")
# The sample's deals close in 2024-2025; read on this day, a year and more later.
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_the_salesforce_sample_yields_key_important_and_general_accounts_from_its_won_deals(session):
    directory = shared_path("data", "salesforce-lwc-recipes")
    report = import_salesforce(session, directory=directory, actor=ADMIN, policy=POLICY, now=NOW)

    assert report.tiers == {Tier.key: 1, Tier.important: 1, Tier.general: 8}
    assert "Ranked for the first time: 1 key, 1 important, 8 general." in render("import_report.j2", report=report)
    index = AccountIndex(session)
    jefferson = explain_tier(session, account_id=index.find("Jefferson Management").id, policy=POLICY,
                             today=NOW.date())
    f = jefferson.figures
    assert (jefferson.tier, f.source, f.revenue, f.won_deals) == (Tier.key, ValueSource.won_deals, 78_000, 1)
    assert (f.window_start, f.window_end) == (date(2024, 3, 1), date(2025, 2, 28))  # up to the last win
    assert explain_tier(session, account_id=index.find("GenePoint").id, policy=POLICY).tier == Tier.important

    again = import_salesforce(session, directory=directory, actor=ADMIN, policy=POLICY, now=NOW)
    assert sum(c.written for c in again.entities.values()) == 0
    assert (again.tiers, again.tier_moves.moved, again.tier_moves.changed) == (report.tiers, 0, 0)
    assert "Tiers: no account moved." in render("import_report.j2", report=again)


def test_maven_imported_twice_changes_nothing_the_second_time_and_moves_no_tier(session):
    directory = shared_path("data", "maven-crm")
    first = import_maven(session, directory=directory, actor=ADMIN, policy=POLICY, now=NOW)
    again = import_maven(session, directory=directory, actor=ADMIN, policy=POLICY, now=NOW)

    assert sum(c.written for c in again.entities.values()) == 0
    assert (again.tiers, again.tier_moves.moved, again.tier_moves.kept) == (first.tiers, 0, 0)
    shown = render("import_report.j2", report=again)
    assert "nothing new, everything already up to date" in shown and "Tiers: no account moved." in shown
