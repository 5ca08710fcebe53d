"""What a weekly digest holds: pydantic read models, no Slack.

Every list is a Section: the top items (already ordered, most important first)
and the total, so a renderer can say "and N more" without the rest.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel

from kam_core.digests.week import WeekState
from kam_core.enums import Lever, PlanHealth, Tier
from kam_core.plans.health import HealthReason

T = TypeVar("T")
TOP = 5


class Section(BaseModel, Generic[T]):
    items: list[T] = []
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


class DealItem(BaseModel):
    """A deal that was created, moved, slipped, won or lost in the week."""

    opportunity_id: int
    name: str
    account_id: int
    account_name: str
    owner_name: str | None  # the deal's own owner, as the deal card shows it
    amount: Decimal
    currency: str
    stage: str
    from_stage: str | None = None  # advanced: where it came from
    expected_close_date: date | None = None  # slipped: the date that passed
    # Where the deal's currency is not the reporting one: its amount in that (None: no rate, kam_core.fx).
    reporting_currency: str | None = None
    reporting_amount: Decimal | None = None


class Movement(BaseModel):
    """The amounts are in the digest's (reporting) currency; *_excluded: deals left out of them for want
    of a rate, per currency (kam_core.fx)."""

    new: Section[DealItem] = Section()
    new_amount: Decimal = Decimal(0)
    new_excluded: dict[str, int] = {}
    advanced: Section[DealItem] = Section()
    slipped: Section[DealItem] = Section()
    won: Section[DealItem] = Section()
    won_amount: Decimal = Decimal(0)
    won_excluded: dict[str, int] = {}
    lost: Section[DealItem] = Section()
    lost_amount: Decimal = Decimal(0)
    lost_excluded: dict[str, int] = {}


class PipelineLine(BaseModel):
    label: str
    lever: Lever | None = None  # by lever: the lever (None: deals without one)
    count: int = 0  # every open deal, those without a rate too
    amount: Decimal = Decimal(0)
    weighted_amount: Decimal = Decimal(0)
    native: dict[str, Decimal] = {}  # the amounts in the deals' own currencies
    excluded: dict[str, int] = {}  # deals left out of the amounts for want of a rate, per currency


class WeightedPipeline(BaseModel):
    """The open pipeline at the digest's moment (DigestData.as_of), weighted by probability."""

    total: PipelineLine = PipelineLine(label="total")
    by_stage: list[PipelineLine] = []
    by_lever: list[PipelineLine] = []


class UntouchedItem(BaseModel):
    account_id: int
    account_name: str
    owner_name: str | None
    days_since_touch: int | None  # None: never touched
    cadence_days: int


class PlanItem(BaseModel):
    account_id: int
    account_name: str
    owner_name: str | None
    status: PlanHealth
    reasons: list[HealthReason]


class RepFollowUps(BaseModel):
    rep_name: str
    overdue: int
    oldest_days: int


class TierChangeItem(BaseModel):
    account_id: int
    account_name: str
    old_tier: Tier | None
    new_tier: Tier
    reason: str | None
    changed_at: datetime


class RepCoverage(BaseModel):
    rep_name: str
    key_accounts: int
    touched: int  # key accounts with at least one touch in the week
    touches: int

    @property
    def per_account(self) -> float:
        return self.touches / self.key_accounts if self.key_accounts else 0.0


class ComplaintItem(BaseModel):
    account_id: int
    account_name: str
    author_name: str | None
    occurred_at: datetime
    text: str


class DigestData(BaseModel):
    manager_id: int
    manager_name: str
    manager_email: str
    slack_user_id: str | None
    timezone: str
    language: str | None = None  # the manager's ("en", "zh"); None: the default language
    week: str
    week_start: date
    week_end: date  # the last day of the week (a Sunday)
    # ended: every figure is as of the week's end; current: as of now (the week so far);
    # future: the week has not started where the manager is, and the digest holds nothing.
    state: WeekState = WeekState.ended
    as_of: datetime  # aware UTC: the week's end, or now in a current week
    team_size: int
    accounts: int
    currency: str = "USD"  # the reporting currency every sum is in (KAM_REPORTING_CURRENCY)
    movement: Movement = Movement()
    pipeline: WeightedPipeline = WeightedPipeline()
    untouched: Section[UntouchedItem] = Section()
    plans: Section[PlanItem] = Section()
    follow_ups: Section[RepFollowUps] = Section()
    tier_changes: Section[TierChangeItem] = Section()
    coverage: Section[RepCoverage] = Section()
    complaints: Section[ComplaintItem] = Section()
