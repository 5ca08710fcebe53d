"""Revenue and profit go together (docs/value.md): the figures shown and used come from one period and one
source; a revenue-only update never silently keeps a profit stated with another revenue."""

from datetime import UTC, datetime

from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.importers.maven import import_maven
from kam_core.importers.upsert import AccountIndex
from kam_core.policy import Policy
from kam_core.tiers.service import explain_tier
from kam_core.tiers.value import ValueSource
from templates import render
from tests.conftest import shared_path

POLICY = Policy()
ADMIN = Actor.system("import:accounts")
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def import_csv(session, tmp_path, text, name="accounts.csv"):
    path = tmp_path / name
    path.write_text(text)
    return import_accounts_csv(session, file=path, actor=ADMIN, policy=POLICY, now=NOW)


def account_id(session, name):
    return AccountIndex(session).find(name).id


def figures(session, name):
    return explain_tier(session, account_id=account_id(session, name), policy=POLICY, today=NOW.date()).figures


def test_a_new_revenue_without_profit_clears_the_old_profit_and_the_report_says_so(session, tmp_path):
    import_csv(session, tmp_path, "name,revenue,profit,cost_to_serve\nHuawei,2250000,614300,119000\n")
    report = import_csv(session, tmp_path, "name,revenue\nHuawei,999\n", name="revenue-only.csv")

    f = figures(session, "Huawei")
    assert (f.revenue, f.profit_contribution, f.revenue_as_profit, f.period) == (999, None, True, "2026")
    cleared = report.issue("notes", "profit_cleared")
    assert (cleared.count, cleared.examples) == (1, ["Huawei"])
    assert ("1 value: profit cleared for 2026: revenue given without profit, and the stored profit was stated "
            "with another revenue; profit is now unknown (revenue stands in) until a file gives both (e.g. Huawei)"
            in render("import_report.j2", report=report))
    why = render("cli/tier_why.txt.j2", why=explain_tier(session, account_id=account_id(session, "Huawei"),
                                                         policy=POLICY), history=[])
    assert "revenue 999 USD; profit contribution unknown (revenue used)" in why and "614" not in why


def test_the_same_revenue_again_keeps_its_own_profit(session, tmp_path):
    import_csv(session, tmp_path, "name,revenue,profit\nHuawei,2250000,614300\n")
    report = import_csv(session, tmp_path, "name,revenue\nHuawei,2250000\n", name="revenue-only.csv")
    assert figures(session, "Huawei").profit_contribution == 614300
    assert report.issue("notes", "profit_cleared") is None and report.entities["values"].unchanged == 1


def test_a_profit_without_revenue_keeps_the_revenue_and_says_so(session, tmp_path):
    import_csv(session, tmp_path, "name,revenue,profit\nHuawei,2250000,614300\n")
    report = import_csv(session, tmp_path, "name,profit\nHuawei,500000\n", name="profit-only.csv")
    f = figures(session, "Huawei")
    assert (f.revenue, f.profit_contribution) == (2250000, 500000)
    assert report.issue("notes", "revenue_kept").examples == ["Huawei"]


def test_after_maven_a_revenue_only_csv_shows_that_revenue_alone(session, tmp_path):
    """The reported case: Maven's won deals, then a CSV giving only revenue 999 for one of its accounts."""
    import_maven(session, directory=shared_path("data", "maven-crm"), actor=ADMIN, policy=POLICY, now=NOW)
    import_csv(session, tmp_path, "name,revenue\nAcme Corporation,999\n")

    card = account_card(session, actor=ADMIN, account_id=account_id(session, "Acme Corporation"), policy=POLICY,
                        today=NOW.date())
    f = card.why.figures
    assert (f.source, f.period, f.revenue, f.profit_contribution) == (ValueSource.recorded, "2026", 999, None)
    shown = render("cli/account_card.txt.j2", card=card)
    assert ("Value: total 999 USD = revenue 999 USD (profit unknown) − cost to serve 0 USD + intangibles 0 USD, "
            "recorded for 2026") in shown
    assert "profit contribution" not in shown
