from datetime import datetime
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


class RecomputeReport(BaseModel):
    ranked: int
    total_value: Decimal
    counts: dict[Tier, int]
    changed: int
