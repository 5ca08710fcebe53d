"""The rates an admin keeps (`kam fx set|list`): 1 unit of a currency in the reporting currency, from a day on.

Rules:
- A rate is more than 0, with at most 8 decimals (more are rounded) and under 10,000,000,000.
- The reporting currency needs no rate (its rate is 1 by definition); setting one is refused.
- A rate without a valid-from day applies from today. Setting a currency's rate for a day that already has
  one replaces it (the change is audited); the same rate again writes nothing.
- Each rate remembers the reporting currency it is in, so changing KAM_REPORTING_CURRENCY never reads a USD
  rate as a EUR one: rates in another reporting currency are listed as unused.
"""

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kam_core.accounts.models import AccountValue
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.errors import Invalid, InvalidInput
from kam_core.fx.models import FxRate
from kam_core.fx.schemas import RateChange, RatesListing, RateView, UnratedCurrency
from kam_core.fx.service import currency_code, iso_currency_codes
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.permissions import Action, require

RATE_PLACES = Decimal("0.00000001")
RATE_LIMIT = Decimal(10) ** 10
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse_currency(value: str | None, *, reporting: str) -> str:
    code = currency_code(value)
    if code not in iso_currency_codes():
        raise InvalidInput(field="currency", problem="currency_code", value=(value or "").strip())
    if code == currency_code(reporting):
        raise InvalidInput(field="currency", problem="rate_for_reporting_currency", currency=code)
    return code


def parse_rate(value: str | Decimal | None) -> Decimal:
    text = str(value if value is not None else "").strip()
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field="rate", problem="not_a_number", value=text) from None
    if not rate.is_finite():
        raise InvalidInput(field="rate", problem="not_a_number", value=text)
    rate = rate.quantize(RATE_PLACES, ROUND_HALF_UP) if rate.as_tuple().exponent < -8 else rate
    if rate <= 0:
        raise InvalidInput(field="rate", problem="rate_not_positive", value=text)
    if rate >= RATE_LIMIT:
        raise InvalidInput(field="rate", problem="rate_too_large", value=text, limit=int(RATE_LIMIT))
    return rate


def parse_day(value: str | date | None, *, today: date) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(field="valid_from", problem="not_a_date", value=value.strip()) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(field="valid_from", problem="implausible_date", value=str(value).strip(),
                           first_year=FIRST_YEAR, last_year=LAST_YEAR)
    return day


def rate_view(rate: FxRate, *, current: bool = False) -> RateView:
    return RateView(currency=rate.currency, quote=rate.quote, rate=Decimal(rate.rate).normalize(),
                    valid_from=rate.valid_from, set_by=rate.set_by, set_at=rate.set_at, current=current)


def set_rate(session: Session, *, actor: Actor, reporting: str, currency: str, rate: str | Decimal,
             valid_from: str | date | None = None, today: date) -> RateChange:
    """Keep `rate` (1 `currency` = rate `reporting`) from `valid_from` (today when None)."""
    require(actor, Action.manage_fx_rates)
    problems = []
    parsed = {}
    for name, parse in (("currency", lambda: parse_currency(currency, reporting=reporting)),
                        ("rate", lambda: parse_rate(rate)), ("valid_from", lambda: parse_day(valid_from, today=today))):
        try:
            parsed[name] = parse()
        except InvalidInput as problem:
            problems.append(problem)
    if problems:
        raise problems[0] if len(problems) == 1 else Invalid(problems)
    return keep_rate(session, actor=actor, reporting=currency_code(reporting), **parsed)


def keep_rate(session: Session, *, actor: Actor, reporting: str, currency: str, rate: Decimal, valid_from: date,
              source: str | None = None) -> RateChange:
    """Store a checked rate (set_rate and the CSV import): added, changed or unchanged."""
    existing = session.scalar(select(FxRate).where(FxRate.currency == currency, FxRate.quote == reporting,
                                                   FxRate.valid_from == valid_from))
    extra = {"source": [None, source]} if source else {}
    if existing is not None and Decimal(existing.rate) == rate:
        return RateChange(outcome="unchanged", rate=rate_view(existing))
    if existing is not None:
        old = Decimal(existing.rate).normalize()
        existing.rate, existing.set_by, existing.set_at = rate, actor.label, utcnow()
        session.flush()
        record(session, actor=actor, action="set_fx_rate", entity="fx_rate", entity_id=existing.id,
               changes={"currency": [currency, currency], "valid_from": [valid_from, valid_from],
                        "rate": [old, rate.normalize()], **extra})
        return RateChange(outcome="changed", rate=rate_view(existing), old_rate=old)
    kept = FxRate(currency=currency, quote=reporting, rate=rate, valid_from=valid_from, set_by=actor.label,
                  set_at=utcnow())
    session.add(kept)
    session.flush()
    record(session, actor=actor, action="set_fx_rate", entity="fx_rate", entity_id=kept.id,
           changes={"currency": [None, currency], "valid_from": [None, valid_from], "rate": [None, rate.normalize()],
                    **extra})
    return RateChange(outcome="added", rate=rate_view(kept))


def list_rates(session: Session, *, reporting: str, today: date) -> RatesListing:
    """Every rate into the reporting currency (by currency, newest first; today's marked), the currencies
    in use that have none, and how many rates are kept in other reporting currencies."""
    reporting = currency_code(reporting)
    rows = session.scalars(select(FxRate).order_by(FxRate.currency, FxRate.valid_from.desc())).all()
    ours = [r for r in rows if r.quote == reporting]
    current: dict[str, FxRate] = {}
    for rate in ours:  # newest first: the first from today or before is today's
        if rate.valid_from <= today and rate.currency not in current:
            current[rate.currency] = rate
    for rate in reversed(ours):  # a currency whose rates all start later: its earliest stands in (fx.service)
        current.setdefault(rate.currency, rate)
    rated = {r.currency for r in ours} | {reporting}
    deals = Counter(dict(session.execute(
        select(func.upper(Opportunity.currency), func.count()).join(Stage, Stage.id == Opportunity.stage_id)
        .where(Stage.is_open).group_by(func.upper(Opportunity.currency))).all()))
    values = Counter(dict(session.execute(select(func.upper(AccountValue.currency), func.count())
                                          .group_by(func.upper(AccountValue.currency))).all()))
    unrated = [UnratedCurrency(currency=code, open_deals=deals.get(code, 0), value_rows=values.get(code, 0))
               for code in sorted((set(deals) | set(values)) - rated) if code]
    return RatesListing(reporting=reporting, rates=[rate_view(r, current=current.get(r.currency) is r) for r in ours],
                        unrated=unrated, other_quotes=dict(Counter(r.quote for r in rows if r.quote != reporting)))
