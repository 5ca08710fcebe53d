from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from kam_core.enums import Tier, TierSource
from kam_core.tiers.value import ValueFigures


class TierExplanation(BaseModel):
    account_id: int
    account_name: str
    tier: Tier
    computed_tier: Tier
    rank: int | None
    ranked_accounts: int
    share: float | None
    share_before: float | None
    key_share: float
    important_share: float
    figures: ValueFigures | None
    # Nothing recorded and no won deal in the value window: the window's first and last day, to say so.
    won_deals_window: tuple[date, date] | None = None
    override_reason: str | None = None
    override_by: str | None = None
    override_at: datetime | None = None
    computed_at: datetime | None = None


class TierChangeView(BaseModel):
    old_tier: Tier | None
    new_tier: Tier
    source: TierSource
    author: str | None
    reason: str | None
    changed_at: datetime


class TierMove(BaseModel):
    """One account whose tier moved in a recompute (or would have, but for a manager's override)."""

    account_id: int
    account_name: str
    old_tier: Tier
    new_tier: Tier
    old_rank: int | None
    new_rank: int
    old_value: Decimal | None
    new_value: Decimal
    # Set when a manager's override kept the effective tier: the tier it stays at.
    kept_tier: Tier | None = None

    @property
    def rank_change(self) -> int:
        return abs(self.new_rank - self.old_rank) if self.old_rank is not None else 0

    @property
    def value_change(self) -> Decimal:
        return abs(self.new_value - (self.old_value or Decimal(0)))


class TierFlow(BaseModel):
    old_tier: Tier
    new_tier: Tier
    accounts: int


class RecomputeReport(BaseModel):
    ranked: int
    total_value: Decimal
    counts: dict[Tier, int]
    # Effective tier changes written to the tier history (accounts ranked for the first time included).
    changed: int
    currency: str = "USD"
    # Accounts ranked before whose effective tier moved: how many, from → to, the largest few.
    moved: int = 0
    flows: list[TierFlow] = []
    largest: list[TierMove] = []
    # Accounts ranked for the first time (new since the last recompute), by their tier.
    first_ranked: dict[Tier, int] = {}
    # Accounts whose computed tier moved while a manager's override kept their tier: how many, a few.
    kept: int = 0
    kept_examples: list[TierMove] = []
    # Currencies without a rate to the reporting one, and how many accounts' value they left out or unranked.
    no_rate: dict[str, int] = {}
