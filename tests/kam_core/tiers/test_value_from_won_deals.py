"""Value from won business: an account without recorded figures is worth its won deals over the value
window (docs/value.md), and the card and "why" say where each figure comes from."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.enums import Tier
from kam_core.fx.models import FxRate
from kam_core.policy import Policy
from kam_core.tiers.service import explain_tier, recompute_tiers, tier_history
from kam_core.tiers.value import ValueSource
from templates import i18n, piece, render
from tests.factories import make_account, make_opportunity, make_value

POLICY = Policy()
ADMIN = Actor.system("test")
# A year after the deals: the window still ends on the last win, so the export still yields a pyramid.
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
TODAY = NOW.date()


def won(session, account, amount, day, currency="USD"):
    return make_opportunity(session, account=account, stage="Closed Won", amount=amount, closed_on=day,
                            currency=currency)


def why(session, account):
    return explain_tier(session, account_id=account.id, policy=POLICY, today=TODAY)


@pytest.fixture
def book(session):
    """Won deals closed in 2025 only: Acme 3 (one of them 13 months before the last win), Globex 1.
    Initech has an open and a lost deal, nothing won."""
    acme, globex, initech = (make_account(session, name=n) for n in ("Acme", "Globex", "Initech"))
    won(session, acme, 40_000, date(2025, 3, 10))
    won(session, acme, 60_000, date(2025, 12, 15))
    won(session, acme, 99_000, date(2024, 11, 30))  # before the window: Jan 2025 – Dec 2025
    won(session, globex, 30_000, date(2025, 6, 1))
    make_opportunity(session, account=initech, stage="Negotiation/Review", amount=500_000)
    make_opportunity(session, account=initech, stage="Closed Lost", amount=500_000, closed_on=date(2025, 7, 1))
    return {"acme": acme, "globex": globex, "initech": initech}


def test_an_account_without_figures_is_worth_its_won_deals_of_the_window(session, book):
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    assert report.counts == {Tier.key: 1, Tier.important: 1, Tier.general: 1}
    acme = why(session, book["acme"])
    f = acme.figures
    assert (acme.tier, acme.rank, f.source, f.won_deals) == (Tier.key, 1, ValueSource.won_deals, 2)
    assert (f.revenue, f.profit_contribution, f.total_value, f.revenue_as_profit) == (100_000, None, 100_000, True)
    assert (f.window_start, f.window_end, f.currency) == (date(2025, 1, 1), date(2025, 12, 15), "USD")
    assert why(session, book["globex"]).tier == Tier.important
    initech = why(session, book["initech"])
    assert (initech.tier, initech.figures) == (Tier.general, None)  # open and lost deals are worth nothing yet
    assert tier_history(session, account_id=book["acme"].id)[-1].new_tier == Tier.key


def test_the_window_ends_on_the_last_win_up_to_today_never_later(session, book):
    won(session, book["globex"], 1_000_000, date(2027, 1, 5))  # a close date in the future: not yet business
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    globex = why(session, book["globex"]).figures
    assert (globex.revenue, globex.window_start, globex.window_end) == (30_000, date(2025, 1, 1), date(2025, 12, 15))
    won(session, book["globex"], 5_000, date(2026, 11, 2))
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    globex = why(session, book["globex"]).figures  # Dec 2025 – Nov 2026 now: only Acme's last deal and this
    assert (globex.revenue, globex.won_deals, globex.window_start) == (5_000, 1, date(2025, 12, 1))
    assert why(session, book["acme"]).figures.revenue == 60_000


def test_an_account_without_a_win_in_the_window_is_told_which_months_were_looked_at(session, book):
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    initech = why(session, book["initech"])
    assert initech.won_deals_window == (date(2025, 1, 1), date(2025, 12, 15))
    text = render("cli/tier_why.txt.j2", why=initech, history=[])
    assert ("No figures are recorded for this account and it won no deal from Jan 2025 to Dec 2025 (the 12 months up "
            "to the latest won deal on record), so it is worth nothing for now.") in text
    assert why(session, book["acme"]).won_deals_window is None  # it has figures: they say their months


def test_recorded_figures_replace_the_derived_ones(session, book):
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    make_value(session, account=book["globex"], period="2026", revenue=900_000, profit=200_000)
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    globex = why(session, book["globex"])
    assert (globex.tier, globex.figures.source, globex.figures.period) == (Tier.key, ValueSource.recorded, "2026")
    assert globex.figures.total_value == 200_000
    assert [(m.account_name, m.old_tier, m.new_tier) for m in report.largest] == [
        ("Globex", Tier.important, Tier.key), ("Acme", Tier.key, Tier.important)]


def test_deals_in_other_currencies_are_converted_and_one_without_a_rate_is_left_out_and_said(session, book):
    session.add(FxRate(currency="EUR", quote="USD", rate=Decimal("1.10"), valid_from=date(2025, 1, 1), set_by="t"))
    session.flush()
    won(session, book["globex"], 100_000, date(2025, 8, 1), currency="EUR")
    won(session, book["globex"], 1_000_000, date(2025, 9, 1), currency="JPY")
    won(session, book["globex"], 2_000_000, date(2025, 10, 1), currency="JPY")
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    f = why(session, book["globex"]).figures
    assert (f.revenue, f.currency, f.won_deals) == (Decimal("140000.00"), "USD", 2)  # 30k USD + 110k for 100k EUR
    assert [(x.currency, x.deals, x.amount) for x in f.left_out] == [("JPY", 2, 3_000_000)]
    assert report.no_rate == {"JPY": 1}
    shown = render("cli/tier_why.txt.j2", why=why(session, book["globex"]), history=[])
    assert "revenue 140k USD, from 2 won deals, Jan 2025 – Dec 2025" in shown
    assert ("2 won deals in JPY (3M JPY) left out: no rate to USD; an admin sets one with `kam fx set JPY RATE`."
            in shown)
    assert ("No rate from JPY to USD: 1 account's value in JPY is left out of the ranking"
            in render("cli/recompute.txt.j2", report=report))


def test_a_recorded_value_in_another_currency_ranks_converted(session):
    euro, dollar = make_account(session, name="Euro GmbH"), make_account(session, name="Dollar Inc")
    make_value(session, account=euro, revenue=0, profit=100_000).currency = "EUR"
    make_value(session, account=dollar, revenue=0, profit=105_000)
    session.add(FxRate(currency="EUR", quote="USD", rate=Decimal("1.10"), valid_from=date(2025, 1, 1), set_by="t"))
    session.flush()
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    assert (why(session, euro).rank, why(session, dollar).rank) == (1, 2)  # 110k USD beats 105k USD


def test_the_why_and_the_cards_say_where_each_figure_comes_from(session, book):
    make_value(session, account=book["globex"], period="2026", revenue=900_000, profit=200_000, cost_to_serve=10_000)
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)

    acme_why = render("cli/tier_why.txt.j2", why=why(session, book["acme"]), history=[])
    assert ("Figures (USD): revenue 100k USD, from 2 won deals, Jan 2025 – Dec 2025; profit contribution unknown "
            "(revenue used); no cost to serve or intangibles recorded; total 100k USD.") in acme_why
    assert "No figures are recorded for this account, so its value comes from its won deals" in acme_why
    globex_why = render("cli/tier_why.txt.j2", why=why(session, book["globex"]), history=[])
    assert "Figures (recorded for 2026, USD): revenue 900k USD; profit contribution 200k USD;" in globex_why

    acme = account_card(session, actor=ADMIN, account_id=book["acme"].id, policy=POLICY, today=TODAY)
    assert ("Value: 100k USD — revenue from 2 won deals, Jan 2025 – Dec 2025 (profit unknown, so revenue stands in)"
            in render("cli/account_card.txt.j2", card=acme))
    assert ("*Value:* 100k USD (revenue from 2 won deals, Jan 2025 – Dec 2025; profit unknown)"
            in piece("slack/card.j2", "facts", card=acme))
    globex = account_card(session, actor=ADMIN, account_id=book["globex"].id, policy=POLICY, today=TODAY)
    assert "*Value:* 190k USD (recorded for 2026)" in piece("slack/card.j2", "facts", card=globex)
    assert ("Value: total 190k USD = profit 200k USD − cost to serve 10k USD + intangibles 0 USD, recorded for 2026"
            in render("cli/account_card.txt.j2", card=globex))


def test_the_source_of_the_figures_reads_in_chinese(session, book):
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=NOW)
    won(session, book["globex"], 1, date(2025, 2, 1), currency="JPY")
    acme = account_card(session, actor=ADMIN, account_id=book["acme"].id, policy=POLICY, today=TODAY)
    globex = why(session, book["globex"])
    i18n.set_language("zh")
    assert "*客户总价值：* 10万 USD（收入来自 2 笔赢单，2025年1月 – 2025年12月；利润未知）" in piece(
        "slack/card.j2", "facts", card=acme)
    shown = render("cli/tier_why.txt.j2", why=globex, history=[])
    assert "收入 3万 USD，来自 1 笔赢单，2025年1月 – 2025年12月" in shown
    assert "1 笔 JPY 赢单（1 JPY）未计入：没有从 JPY 到 USD 的汇率" in shown
