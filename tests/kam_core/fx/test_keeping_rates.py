"""`kam fx set|list` as services: who may, what is refused, what is audited, what the listing says."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Role
from kam_core.errors import Forbidden, Invalid, InvalidInput
from kam_core.fx.rates import list_rates, set_rate
from templates import error_message
from tests.factories import make_account, make_opportunity, make_person, make_value

ADMIN = Actor.system("cli")
TODAY = date(2026, 6, 1)


def keep(session, currency="EUR", rate="1.08", valid_from="2026-01-01", *, actor=ADMIN, reporting="USD"):
    return set_rate(session, actor=actor, reporting=reporting, currency=currency, rate=rate, valid_from=valid_from,
                    today=TODAY)


def test_a_rate_is_added_then_changed_then_left_as_it_is_and_each_change_audited(session):
    added = keep(session, "eur", "1.08")
    assert (added.outcome, added.rate.currency, added.rate.rate, added.rate.quote) == (
        "added", "EUR", Decimal("1.08"), "USD")
    changed = keep(session, "EUR", "1.07")
    assert (changed.outcome, changed.old_rate, changed.rate.rate) == ("changed", Decimal("1.08"), Decimal("1.07"))
    assert keep(session, "EUR", "1.0700").outcome == "unchanged"

    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "fx_rate").order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_label, e.changes["rate"]) for e in entries] == [
        ("set_fx_rate", "cli", [None, "1.08"]), ("set_fx_rate", "cli", ["1.08", "1.07"])]


def test_without_a_day_a_rate_applies_from_today(session):
    assert keep(session, "GBP", "1.27", None).rate.valid_from == TODAY


def test_only_an_admin_keeps_rates(session):
    manager = make_person(session, role=Role.manager)
    with pytest.raises(Forbidden) as refused:
        keep(session, actor=Actor.of(manager))
    assert error_message(refused.value) == "You are not allowed to change the exchange rates: only an admin can."


def test_the_reporting_currency_needs_no_rate(session):
    with pytest.raises(InvalidInput) as refused:
        keep(session, "usd", "1")
    assert error_message(refused.value) == (
        "USD is the reporting currency (KAM_REPORTING_CURRENCY): it needs no rate, 1 USD is 1 USD")


def test_every_bad_value_is_named_at_once(session):
    with pytest.raises(Invalid) as refused:
        keep(session, "EURO", "-1.08", "2026-02-30")
    assert error_message(refused.value).splitlines() == [
        "“EURO” is not a currency code; write the 3-letter code, e.g. USD, EUR, CNY.",
        "“-1.08” is not a rate; it must be more than 0 (what 1 unit of the currency is worth in the reporting "
        "currency, e.g. 1.08)",
        "“2026-02-30” is not a date; write it as YYYY-MM-DD",
    ]


@pytest.mark.parametrize(("rate", "problem"), [("abc", "not_a_number"), ("0", "rate_not_positive"),
                                               ("0.000000001", "rate_not_positive"),
                                               ("99999999999", "rate_too_large")])
def test_a_rate_is_a_positive_number_of_sensible_size(session, rate, problem):
    with pytest.raises(InvalidInput) as refused:
        keep(session, rate=rate)
    assert (refused.value.field, refused.value.problem) == ("rate", problem)


def test_the_listing_marks_todays_rate_and_names_currencies_in_use_without_one(session):
    keep(session, "EUR", "1.02", "2025-01-01")
    keep(session, "EUR", "1.08", "2026-01-01")
    keep(session, "EUR", "1.20", "2027-01-01")
    keep(session, "CHF", "1.10", "2026-01-01", reporting="EUR")  # kept while EUR was the reporting currency
    account = make_account(session)
    make_opportunity(session, account=account, currency="GBP")
    make_opportunity(session, account=account, currency="GBP")
    make_opportunity(session, account=account, currency="GBP", stage="Closed Won")  # not open: not counted
    make_opportunity(session, account=account, currency="EUR")
    make_value(session, account=account, currency="JPY")

    listing = list_rates(session, reporting="USD", today=TODAY)

    assert [(r.currency, str(r.rate), r.valid_from.isoformat(), r.current) for r in listing.rates] == [
        ("EUR", "1.2", "2027-01-01", False), ("EUR", "1.08", "2026-01-01", True), ("EUR", "1.02", "2025-01-01", False)]
    assert [(u.currency, u.open_deals, u.value_rows) for u in listing.unrated] == [("GBP", 2, 0), ("JPY", 0, 1)]
    assert listing.other_quotes == {"EUR": 1}


def test_a_currency_whose_rates_all_start_later_lists_its_earliest_as_todays(session):
    keep(session, "GBP", "1.30", "2027-01-01")
    keep(session, "GBP", "1.27", "2026-09-01")
    keep(session, "EUR", "1.08", "2026-01-01")

    listing = list_rates(session, reporting="USD", today=TODAY)

    assert [(r.currency, r.valid_from.isoformat(), r.current) for r in listing.rates] == [
        ("EUR", "2026-01-01", True), ("GBP", "2027-01-01", False), ("GBP", "2026-09-01", True)]
