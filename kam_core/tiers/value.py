"""Total customer value (KAM_DOMAIN.md §2), and where its figures come from."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from kam_core.policy import ValuePolicy


class ValueSource(StrEnum):
    # An AccountValue row: figures recorded (entered or imported) for a period ("2026", "2026-Q4").
    recorded = "recorded"
    # No such row: revenue is the sum of the account's won deals over the value window (won_deals.py).
    won_deals = "won_deals"


class LeftOut(BaseModel):
    """Won deals in a currency without a rate to the reporting one: not added, said."""

    currency: str
    deals: int
    amount: Decimal


class ValueFigures(BaseModel):
    period: str
    currency: str
    revenue: Decimal
    profit_contribution: Decimal | None
    cost_to_serve: Decimal
    learning_score: int
    capability_score: int
    referral_score: int
    intangible_value: Decimal
    total_value: Decimal
    # True when profit is unknown and revenue stood in for it.
    revenue_as_profit: bool
    source: ValueSource = ValueSource.recorded
    # Derived figures only: how many won deals the revenue adds up, the window's first and last day,
    # and the deals left out for want of a rate.
    won_deals: int = 0
    window_start: date | None = None
    window_end: date | None = None
    left_out: list[LeftOut] = []


def compute_value(row, policy: ValuePolicy) -> ValueFigures:
    """profit contribution − cost to serve + intangible points × point value."""
    revenue_as_profit = row.profit_contribution is None
    contribution = row.revenue if revenue_as_profit else row.profit_contribution
    points = row.learning_score + row.capability_score + row.referral_score
    intangible = policy.intangible_point_value * points
    return ValueFigures(
        period=row.period, currency=row.currency, revenue=row.revenue,
        profit_contribution=row.profit_contribution, cost_to_serve=row.cost_to_serve,
        learning_score=row.learning_score, capability_score=row.capability_score,
        referral_score=row.referral_score, intangible_value=intangible,
        total_value=Decimal(contribution) - Decimal(row.cost_to_serve) + intangible,
        revenue_as_profit=revenue_as_profit,
    )
