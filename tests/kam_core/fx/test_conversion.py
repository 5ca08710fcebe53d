"""Rates into the reporting currency: the rate on a day is the currency's latest from that day or before;
sums leave out (and name) what has no rate."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from kam_core.actors import Actor
from kam_core.changes import remember_versions, versions_column
from kam_core.clock import today
from kam_core.fx.rates import set_rate
from kam_core.fx.service import Rates, load_rates
from kam_core.policy import Policy
from tests.conftest import count_statements

ADMIN = Actor.system("test")


def keep(session, currency, rate, valid_from, reporting="USD"):
    set_rate(session, actor=ADMIN, reporting=reporting, currency=currency, rate=rate, valid_from=valid_from,
             today=date(2026, 6, 1))


def test_a_rate_applies_from_its_day_until_the_next_one(session):
    keep(session, "EUR", "1.02", "2025-01-01")
    keep(session, "EUR", "1.08", "2026-01-01")
    rates = load_rates(session, reporting="USD")

    assert rates.convert(Decimal("100"), "EUR", on=date(2025, 12, 31)) == Decimal("102.00")
    assert rates.convert(Decimal("100"), "EUR", on=date(2026, 1, 1)) == Decimal("108.00")
    assert rates.convert(Decimal("100"), "eur", on=date(2026, 7, 1)) == Decimal("108.00")
    # Before the first rate, the earliest stands in: a deal won before anyone kept rates still counts.
    assert rates.convert(Decimal("100"), "EUR", on=date(2020, 3, 1)) == Decimal("102.00")


def test_no_day_means_today(session):
    keep(session, "EUR", "1.02", "2000-01-01")
    keep(session, "EUR", "1.50", today().replace(year=today().year + 1).isoformat())
    assert load_rates(session, reporting="USD").convert(Decimal("10"), "EUR") == Decimal("10.20")


def test_the_reporting_currency_is_unchanged_and_an_unknown_one_has_no_rate(session):
    rates = load_rates(session, reporting="usd")
    assert rates.reporting == "USD"
    assert rates.convert(Decimal("1234.567"), "USD") == Decimal("1234.567")
    assert rates.convert(Decimal("10"), "GBP") is None


def test_a_total_leaves_out_amounts_without_a_rate_and_says_which(session):
    keep(session, "EUR", "1.10", "2026-01-01")
    total = load_rates(session, reporting="USD").total(
        [(Decimal("100"), "USD"), (Decimal("50"), "EUR"), (Decimal("7"), "GBP"), (Decimal("8"), "GBP"),
         (Decimal("1"), "JPY")], on=date(2026, 2, 1))
    assert (total.amount, total.currency) == (Decimal("155.00"), "USD")
    assert total.missing == {"GBP", "JPY"} and total.excluded == {"GBP": 2, "JPY": 1}


def test_a_total_of_dated_amounts_converts_each_at_its_own_day(session):
    keep(session, "EUR", "1.00", "2025-01-01")
    keep(session, "EUR", "2.00", "2026-01-01")
    total = load_rates(session, reporting="USD").total(
        [(Decimal("10"), "EUR", date(2025, 6, 1)), (Decimal("10"), "EUR", date(2026, 6, 1))])
    assert total.amount == Decimal("30.00") and not total.missing


def test_rates_in_another_reporting_currency_are_not_used(session):
    keep(session, "GBP", "1.27", "2026-01-01", reporting="USD")
    assert load_rates(session, reporting="EUR").convert(Decimal("10"), "GBP") is None
    assert load_rates(session, reporting="USD").convert(Decimal("10"), "GBP") == Decimal("12.70")


def test_the_rates_are_read_once_and_again_only_when_one_changes(session):
    for currency in ("EUR", "GBP", "JPY", "CHF"):
        keep(session, currency, "1.5", "2026-01-01")
    session.flush()
    load_rates(session, reporting="USD")
    remember_versions(session, session.scalar(select(versions_column())))  # as a request's first statement does
    assert count_statements(session, lambda: load_rates(session, reporting="USD")) == 0
    keep(session, "EUR", "1.6", "2026-06-01")
    session.flush()
    assert load_rates(session, reporting="USD").convert(Decimal("10"), "EUR", on=date(2026, 7, 1)) == Decimal("16.00")


def test_rates_made_in_memory_convert_alike():
    rates = Rates("USD", {"EUR": [(date(2026, 1, 1), Decimal("1.08"))]})
    assert rates.convert(Decimal("50000"), "EUR", on=date(2026, 3, 1)) == Decimal("54000.00")
    assert rates.on(date(2026, 3, 1)).total([(Decimal("1"), "EUR")]).amount == Decimal("1.08")


def test_the_reporting_currency_is_a_3_letter_code_usd_unless_set():
    assert Policy().reporting_currency == "USD"
    assert Policy(reporting_currency=" eur ").reporting_currency == "EUR"
    with pytest.raises(ValidationError, match="must be a 3-letter currency code"):
        Policy(reporting_currency="euro")
