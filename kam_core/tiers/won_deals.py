"""Value from won business: an account without recorded figures is worth its won deals.

The rule (docs/value.md): revenue = the amounts of the account's won deals closed within the value
window, converted into the reporting currency; profit unknown, so revenue stands in for it; no cost
to serve, no intangibles. The window is the 12 calendar months up to the most recent closed-won date
on record (never later than today), the same for every account so they rank on equal terms, and
an export read a year after its last deal still yields a pyramid.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import Date, String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from kam_core.changes import PIPELINE, KeptUntilChanged
from kam_core.base import as_date
from kam_core.fx.service import CENT, Rates, currency_code
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.sqljson import json_rows
from kam_core.tiers.value import LeftOut, ValueFigures, ValueSource

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def period(self) -> str:
        """"2025-01/2025-12": what Account.value_period keeps (String(16))."""
        return f"{self.start:%Y-%m}/{self.end:%Y-%m}"


def window_ending(last: date, months: int = WINDOW_MONTHS) -> Window:
    """From the first day of the month `months - 1` before `last`'s month, to `last`."""
    index = last.year * 12 + last.month - 1 - (months - 1)
    return Window(start=date(index // 12, index % 12 + 1, 1), end=last)


_WON = select(Stage.id).where(Stage.is_won).scalar_subquery()


def value_window(session: Session, *, today: date) -> Window | None:
    """The window ending on the most recent closed-won date up to today; None when nothing was won.
    Kept per process until a deal moves (kam_core.changes.PIPELINE): the max() reads every won deal
    (120 ms among 300,000 on SQLite), and a card of an account valued by its wins asks for it."""
    by_day = _last_won_by_day.get(session)  # today → the latest won close up to it, filled as days are asked
    if today not in by_day:
        by_day[today] = session.scalar(select(func.max(Opportunity.closed_on))
                                       .where(Opportunity.stage_id.in_(_WON), Opportunity.closed_on <= today))
    last = by_day[today]
    return window_ending(last) if last else None


_last_won_by_day: KeptUntilChanged[dict[date, date | None]] = KeptUntilChanged(PIPELINE, lambda _session: {})


def won_days_column(account_id):
    """One account's won deals up to the statement's `today`, per currency and closing day, as a JSON column
    (for a statement that gathers a whole view; amounts as text: no float on the way). won_in() keeps those
    of the value window: the window is kept per process (value_window), not read with every card."""
    o = Opportunity
    return json_rows(
        select(o.currency, o.closed_on, func.count().label("deals"), cast(func.sum(o.amount), String).label("amount"))
        .where(o.account_id == account_id, o.stage_id.in_(_WON), o.closed_on <= bindparam("today", type_=Date))
        .group_by(o.currency, o.closed_on).order_by(o.currency, o.closed_on).correlate(account_id.table))


def won_in(window: Window, days: list[dict]) -> list[SimpleNamespace]:
    """won_days_column's rows within `window`, one per currency (currency, deals, amount): won_figures' rows."""
    by_currency: dict[str, SimpleNamespace] = {}
    for day in days:
        if window.start <= as_date(day["closed_on"]) <= window.end:
            total = by_currency.setdefault(day["currency"], SimpleNamespace(currency=day["currency"], deals=0,
                                                                            amount=Decimal(0)))
            total.deals += day["deals"]
            total.amount += Decimal(str(day["amount"])).quantize(CENT)
    return [by_currency[c] for c in sorted(by_currency)]


def won_deal_values(session: Session, *, window: Window, rates: Rates, account_ids: list[int] | None = None
                    ) -> dict[int, ValueFigures]:
    """Each account's won deals in the window, as figures in `rates.reporting` (one grouped query)."""
    o = Opportunity
    query = (select(o.account_id, o.currency, func.count().label("deals"), func.sum(o.amount).label("amount"))
             .where(o.stage_id.in_(_WON), o.closed_on >= window.start, o.closed_on <= window.end)
             .group_by(o.account_id, o.currency))
    if account_ids is not None:
        query = query.where(o.account_id.in_(account_ids))
    by_account: dict[int, list] = defaultdict(list)
    for row in session.execute(query):
        by_account[row.account_id].append(row)
    return {account_id: won_figures(rows, window, rates) for account_id, rows in by_account.items()}


def won_figures(rows: list, window: Window, rates: Rates) -> ValueFigures:
    """One account's figures from its won deals in the window, a row per currency (currency, deals, amount)."""
    # At the rates of the window's last day: the same deals and rates give the same value whenever read.
    total = rates.total([(Decimal(r.amount or 0), r.currency) for r in rows], on=window.end)
    left_out = [LeftOut(currency=currency_code(r.currency), deals=r.deals, amount=Decimal(r.amount or 0))
                for r in sorted(rows, key=lambda r: r.currency) if currency_code(r.currency) in total.missing]
    revenue = Decimal(total.amount)
    return ValueFigures(
        period=window.period, currency=total.currency, revenue=revenue, profit_contribution=None,
        cost_to_serve=Decimal(0), learning_score=0, capability_score=0, referral_score=0,
        intangible_value=Decimal(0), total_value=revenue, revenue_as_profit=True, source=ValueSource.won_deals,
        won_deals=sum(r.deals for r in rows) - sum(x.deals for x in left_out),
        window_start=window.start, window_end=window.end, left_out=left_out,
    )
