"""Sums of money in the reporting currency where people read them: the card's pipeline, /kam opps, the
digest, the team pipeline. A deal shows in its own currency and, where different, in the reporting one;
a sum that needs a missing rate says so instead of adding unlike money."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from handlers.render.card import card_message
from handlers.render.digest import digest_message
from handlers.render.opportunities import opportunities_message
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.digests.builder import build_digest
from kam_core.enums import Role, Tier
from kam_core.fx.rates import set_rate
from kam_core.opportunities.service import open_opportunities, pipeline_of, team_pipeline
from kam_core.policy import Policy
from templates import render
from tests.conftest import count_statements
from tests.factories import make_account, make_opportunity, make_person

ADMIN = Actor.system("test")
TODAY = date(2026, 6, 1)
USD = Policy()
NO_GBP = "excludes 1 deal in GBP: no rate to USD — `kam fx set GBP …`"


def keep(session, currency, rate, valid_from="2026-01-01", reporting="USD"):
    set_rate(session, actor=ADMIN, reporting=reporting, currency=currency, rate=rate, valid_from=valid_from,
             today=TODAY)


def text_of(message) -> str:
    return "\n".join(b["text"]["text"] for b in message.blocks if isinstance(b.get("text"), dict))


@pytest.fixture
def rep(session):
    return make_person(session, name="Ray Rep")


def card_of(session, account, policy=USD):
    return account_card(session, actor=ADMIN, account_id=account.id, policy=policy, today=TODAY)


def test_the_card_shows_a_eur_pipeline_in_eur_and_in_usd(session, rep):
    keep(session, "EUR", "1.08")
    acme = make_account(session, name="Acme", owner=rep)
    make_opportunity(session, account=acme, amount=50000, currency="EUR")  # Prospecting: 10%

    card = card_of(session, acme)

    assert (card.pipeline.count, card.pipeline.amount, card.pipeline.weighted_amount, card.pipeline.currency) == (
        1, Decimal("54000.00"), Decimal("5400.00"), "USD")
    assert "*Open pipeline:* 1 deal, 50k EUR (≈ 54k USD, 5.4k USD weighted)" in text_of(card_message(card))
    assert "Open pipeline: 1 deal, 50k EUR (≈ 54k USD, 5.4k USD weighted)" in render(
        "cli/account_card.txt.j2", card=card)


def test_a_card_pipeline_in_the_reporting_currency_reads_as_before(session, rep):
    acme = make_account(session, owner=rep)
    make_opportunity(session, account=acme, amount=20000)
    assert "*Open pipeline:* 1 deal, 20k USD (2k USD weighted)" in text_of(card_message(card_of(session, acme)))


def test_the_card_says_which_deals_its_sum_leaves_out(session, rep):
    acme = make_account(session, owner=rep)
    make_opportunity(session, account=acme, amount=20000)
    make_opportunity(session, account=acme, amount=10000, currency="GBP")

    card = card_of(session, acme)

    assert (card.pipeline.count, card.pipeline.amount, card.pipeline.excluded) == (2, Decimal("20000.00"), {"GBP": 1})
    assert (f"*Open pipeline:* 2 deals, 10k GBP + 20k USD (≈ 20k USD, 2k USD weighted; {NO_GBP})"
            in text_of(card_message(card)))


def test_a_pipeline_with_no_rate_at_all_adds_nothing_up(session, rep):
    acme = make_account(session, owner=rep)
    make_opportunity(session, account=acme, amount=10000, currency="GBP")
    text = text_of(card_message(card_of(session, acme)))
    assert "*Open pipeline:* 1 deal, 10k GBP (no rate from GBP to USD — `kam fx set GBP …`)" in text
    assert "0 USD" not in text


def test_another_reporting_currency_converts_the_other_way(session, rep):
    keep(session, "USD", "0.9", reporting="EUR")
    acme = make_account(session, owner=rep)
    make_opportunity(session, account=acme, amount=10000)
    card = card_of(session, acme, policy=Policy(reporting_currency="eur"))
    assert "*Open pipeline:* 1 deal, 10k USD (≈ 9k EUR, 900 EUR weighted)" in text_of(card_message(card))


def test_opps_show_each_deal_in_its_currency_and_the_total_in_usd(session, rep):
    keep(session, "EUR", "1.08")
    acme = make_account(session, name="Acme", owner=rep)
    make_opportunity(session, account=acme, name="Euro deal", amount=50000, currency="EUR")
    make_opportunity(session, account=acme, name="Dollar deal", amount=40000)
    make_opportunity(session, account=acme, name="Pound deal", amount=10000, currency="GBP")

    deals = open_opportunities(session, actor=ADMIN, account_id=acme.id, policy=USD, today=TODAY)
    text = text_of(opportunities_message("Acme", deals, pipeline_of(deals, reporting="USD")))

    assert "*Euro deal* · Prospecting · *50k EUR* (≈ 54k USD) (10%)" in text
    assert "*Dollar deal* · Prospecting · *40k USD* (10%)" in text
    assert "*Pound deal* · Prospecting · *10k GBP* (no rate to USD) (10%)" in text
    assert ("*Open pipeline:* 3 deals, 50k EUR + 10k GBP + 40k USD (≈ 94k USD, 9.4k USD weighted; "
            f"{NO_GBP})") in text


WEEK = "2026-W47"  # Mon 16 Nov - Sun 22 Nov 2026
IN_WEEK = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_the_digest_sums_in_usd_at_the_weeks_rates_and_names_what_it_leaves_out(session):
    keep(session, "EUR", "1.10", "2026-01-01")
    keep(session, "EUR", "2.00", "2026-12-01")  # after the week: not the week's rate
    mia = make_person(session, role=Role.manager, name="Mia Manager")
    ray = make_person(session, name="Ray Rep", manager=mia)
    acme = make_account(session, name="Acme", owner=ray, computed_tier=Tier.key)
    make_opportunity(session, account=acme, name="Dollar deal", amount=7000, created_at=IN_WEEK)
    make_opportunity(session, account=acme, name="Euro deal", amount=10000, currency="EUR", created_at=IN_WEEK)
    make_opportunity(session, account=acme, name="Pound deal", amount=3000, currency="GBP", created_at=IN_WEEK)

    digest = build_digest(session, actor=ADMIN, policy=USD, manager_id=mia.id, week=WEEK, now=AFTER)

    assert (digest.currency, digest.movement.new_amount, digest.movement.new_excluded) == (
        "USD", Decimal("18000.00"), {"GBP": 1})
    text = text_of(digest_message(digest))
    assert f"• New: 3 deals, 18k USD ({NO_GBP})" in text
    assert "*Acme* — Euro deal, 10k EUR (≈ 11k USD) (Prospecting)" in text
    assert "*Acme* — Pound deal, 3k GBP (no rate to USD) (Prospecting)" in text
    assert ("3 deals, 10k EUR + 3k GBP + 7k USD (≈ 18k USD, 1.8k USD weighted; "
            f"{NO_GBP})") in text


def test_the_team_pipeline_breaks_down_in_usd_and_counts_what_it_leaves_out(session):
    keep(session, "EUR", "1.10")
    mia = make_person(session, role=Role.manager, name="Mia Manager")
    ray = make_person(session, name="Ray Rep", manager=mia)
    acme = make_account(session, owner=ray)
    make_opportunity(session, account=acme, amount=1000)
    make_opportunity(session, account=acme, amount=1000, currency="EUR")
    make_opportunity(session, account=acme, amount=5000, currency="GBP")

    view = team_pipeline(session, actor=ADMIN, manager_id=mia.id, policy=USD, today=TODAY)

    assert (view.totals.count, view.totals.amount, view.totals.weighted_amount, view.totals.excluded) == (
        3, Decimal("2100.00"), Decimal("210.00"), {"GBP": 1})
    ray_row = next(g for g in view.by_rep if g.label == "Ray Rep")
    assert (ray_row.totals.amount, ray_row.totals.native, ray_row.totals.excluded) == (
        Decimal("2100.00"), {"USD": Decimal("1000"), "EUR": Decimal("1000"), "GBP": Decimal("5000")}, {"GBP": 1})
    assert [(g.label, g.totals.amount) for g in view.by_stage] == [("Prospecting", Decimal("2100.00"))]


def test_the_card_reads_the_rates_once_however_many_currencies_its_deals_are_in(session, rep):
    for currency in ("EUR", "GBP", "JPY"):
        keep(session, currency, "1.5")
    one, many = make_account(session, owner=rep), make_account(session, owner=rep)
    make_opportunity(session, account=one, currency="EUR")
    for currency in ("EUR", "GBP", "JPY", "CHF", "USD", "EUR"):
        make_opportunity(session, account=many, currency=currency)
    session.flush()
    card_of(session, one)  # the rates are read once per process, then kept until one changes
    assert count_statements(session, lambda: card_of(session, one)) == count_statements(
        session, lambda: card_of(session, many))


def test_a_card_valued_by_its_won_deals_reads_the_rates_once(session, rep):
    keep(session, "EUR", "1.08")
    acme = make_account(session, owner=rep)
    make_opportunity(session, account=acme, currency="EUR", amount=50_000)
    make_opportunity(session, account=acme, currency="EUR", stage="Closed Won", amount=10_000,
                     closed_on=date(2026, 3, 1))
    session.flush()
    reads = []

    def seen(_conn, _cursor, statement, *_):
        if "fx_rates" in statement:
            reads.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        card = card_of(session, acme)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert (card.why.figures.revenue, card.pipeline.amount) == (Decimal("10800.00"), Decimal("54000.00"))
    assert len(reads) == 1
