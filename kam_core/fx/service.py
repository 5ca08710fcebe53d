"""Rates into the reporting currency, kept per process until they change, and sums that never add unlike money.

A rate says what 1 unit of a currency is worth in the reporting currency from its valid-from day on;
the rate on a day is the currency's latest one from that day or before. Before a currency's first
rate its earliest one stands in, so a deal won before anyone kept rates still counts (docs/currencies.md).
"""

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.changes import FX_RATES, KeptUntilChanged
from kam_core.clock import today
from kam_core.fx.models import FxRate

CENT = Decimal("0.01")


def currency_code(value: str | None) -> str:
    """A stored currency as the rates know it (codes are kept upper-case; blanks stay blank)."""
    return (value or "").strip().upper()


@cache
def iso_currency_codes() -> frozenset[str]:
    """The ISO 4217 codes, current and past (CLDR): what a kept rate or an imported amount may be in."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


class Total(BaseModel):
    """A sum in `currency`; amounts in `missing` currencies (no rate) are left out of it,
    `excluded` counts them per currency so the sum can say what it leaves out."""

    amount: Decimal = Decimal(0)
    currency: str
    missing: set[str] = set()
    excluded: dict[str, int] = {}

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def excluded_count(self) -> int:
        return sum(self.excluded.values())


class Rates:
    """Every rate quoted in the reporting currency, by currency, oldest first."""

    def __init__(self, reporting: str, rates: Mapping[str, Iterable[tuple[date, Decimal]]] | None = None):
        self.reporting = currency_code(reporting)
        self._default_day: date | None = None
        self._days: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, dated in (rates or {}).items():
            ordered = sorted(dated)
            self._days[currency_code(currency)] = [day for day, _ in ordered]
            self._rates[currency_code(currency)] = [Decimal(rate) for _, rate in ordered]

    def on(self, day: date) -> "Rates":
        """The same rates, with `day` (not today) as the day a conversion without its own `on` is made."""
        dated = Rates(self.reporting)
        dated._days, dated._rates, dated._default_day = self._days, self._rates, day
        return dated

    def rate(self, currency: str, *, on: date | None = None) -> Decimal | None:
        """What 1 unit of `currency` is worth in the reporting currency on `on` (today when None)."""
        code = currency_code(currency)
        if code == self.reporting:
            return Decimal(1)
        days = self._days.get(code)
        if not days:
            return None
        index = bisect.bisect_right(days, on or self._default_day or today()) - 1
        return self._rates[code][max(index, 0)]

    def has_rate(self, currency: str) -> bool:
        return self.rate(currency) is not None

    def convert(self, amount: Decimal, currency: str, *, on: date | None = None) -> Decimal | None:
        """`amount` of `currency` in the reporting currency (to the cent); None when there is no rate."""
        if currency_code(currency) == self.reporting:
            return amount
        rate = self.rate(currency, on=on)
        return None if rate is None else (Decimal(amount) * rate).quantize(CENT, ROUND_HALF_UP)

    def total(self, pairs: Iterable[tuple[Decimal, str] | tuple[Decimal, str, date | None]], *,
              on: date | None = None) -> Total:
        """The sum of (amount, currency) pairs in the reporting currency, each at its rate on `on`; a
        (amount, currency, day) triple is converted at its own day's rate (a won deal at its close date).
        Amounts without a rate are left out and named in `missing` (with how many in `excluded`)."""
        amount = Decimal(0)
        excluded: Counter[str] = Counter()
        for value, currency, *day in pairs:
            code = currency_code(currency)
            rate = self.rate(code, on=(day[0] if day else None) or on)
            if rate is None:
                excluded[code] += 1
            else:
                amount += Decimal(value or 0) * rate
        return Total(amount=amount.quantize(CENT, ROUND_HALF_UP), currency=self.reporting,
                     missing=set(excluded), excluded=dict(excluded))


def load_rates(session: Session, *, reporting: str) -> Rates:
    """Every rate quoted in the reporting currency. Read once per process and kept until a rate changes
    (kam_core.changes.FX_RATES): no statement of its own in a request once read."""
    code = currency_code(reporting)
    return Rates(code, _kept_rates.get(session).get(code, {}))


def _every_rate(session: Session) -> dict[str, dict[str, list[tuple[date, Decimal]]]]:
    """quote → currency → (valid from, rate): one small query."""
    quoted: dict[str, dict[str, list[tuple[date, Decimal]]]] = {}
    for quote, currency, valid_from, rate in session.execute(
            select(FxRate.quote, FxRate.currency, FxRate.valid_from, FxRate.rate)):
        quoted.setdefault(quote, {}).setdefault(currency, []).append((valid_from, rate))
    return quoted


_kept_rates = KeptUntilChanged(FX_RATES, _every_rate)
