from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from kam_core.enums import Lever, Quadrant


class StageView(BaseModel):
    id: int
    name: str
    position: int
    default_probability: int
    is_open: bool
    is_won: bool
    is_lost: bool


class OpportunityView(BaseModel):
    id: int
    name: str
    account_id: int
    account_name: str
    product: str | None
    lever: Lever | None
    amount: Decimal
    currency: str
    stage: str
    stage_id: int
    is_open: bool
    # The effective probability: the deal's own, else its stage's default.
    probability: int
    weighted_amount: Decimal
    expected_close_date: date | None
    closed_on: date | None
    next_step: str | None
    owner_name: str | None
    owner_email: str | None
    # None for a closed deal: the 2×2 only ranks work still to do.
    quadrant: Quadrant | None
    version: int
    # Negative when the expected close date has passed; None without a date.
    days_to_close: int | None
    overdue: bool
    # Whether the viewer may move (and edit) this deal: worked out for the viewer by the listing and the
    # detail (kam_core.permissions.may_move_stage); False where no one asked (e.g. the Home tab).
    may_move: bool = False
    # What the edit form starts from: the deal's own probability (None: its stage's), its product's id.
    product_id: int | None = None
    own_probability: int | None = None
    is_won: bool = False
    is_lost: bool = False
    # A lost deal's reason (from the list an admin keeps) and the rep's own words.
    lost_reason: str | None = None
    lost_note: str | None = None
    # Set where the deal's currency is not the reporting one and rates were at hand: the amounts in the
    # reporting currency (None: no rate for the deal's currency, kam_core.fx).
    reporting_currency: str | None = None
    reporting_amount: Decimal | None = None
    reporting_weighted: Decimal | None = None


class AccountOpportunities(BaseModel):
    """/kam opps: the account and its open deals, act-now first, then by amount."""

    account_id: int
    account_name: str
    deals: list[OpportunityView]


class PipelineTotals(BaseModel):
    """Open deals counted, their amounts summed in `currency` (the reporting currency, kam_core.fx)."""

    count: int = 0
    amount: Decimal = Decimal(0)
    weighted_amount: Decimal = Decimal(0)
    currency: str = "USD"
    # The amounts in the deals' own currencies, so a sum of EUR deals can read "50k EUR (≈ 54k USD)".
    native: dict[str, Decimal] = {}
    # Deals left out of amount and weighted_amount for want of a rate: currency -> how many (counted in `count`).
    excluded: dict[str, int] = {}

    def add(self, other: "PipelineTotals") -> None:
        self.count += other.count
        self.amount += other.amount
        self.weighted_amount += other.weighted_amount
        self.currency = other.currency
        self.native = _merged(self.native, other.native)
        self.excluded = _merged(self.excluded, other.excluded)


def _merged(mine: dict, theirs: dict) -> dict:
    merged = dict(mine)
    for key, value in theirs.items():
        merged[key] = merged.get(key, 0) + value
    return merged


class PipelineGroup(BaseModel):
    """One row of a breakdown: a stage, a lever or a rep."""

    key: str
    # A stage's or a rep's name; a lever's code ("cross_sell", "unspecified"): its words are the templates'
    # (templates/_vocabulary.j2 lever), in the reader's language.
    label: str
    totals: PipelineTotals


class TeamPipelineView(BaseModel):
    manager_id: int
    manager_name: str
    # Stages in pipeline order (only those holding deals); levers by amount,
    # "unspecified" for deals without one; reps by amount, the manager included
    # and reps without open deals listed with zeros.
    by_stage: list[PipelineGroup]
    by_lever: list[PipelineGroup]
    by_rep: list[PipelineGroup]
    totals: PipelineTotals


class DealOutcome(StrEnum):
    won = "won"
    lost = "lost"


class LostReasonView(BaseModel):
    id: int
    name: str
    position: int
    active: bool


class ProductOption(BaseModel):
    id: int
    name: str


class DealForm(BaseModel):
    """What the new-deal and edit forms offer: the account, its default currency, the products and the
    open stages; for an edit, the deal as it is now."""

    account_id: int
    account_name: str
    currency: str
    products: list[ProductOption]
    stages: list[StageView]
    deal: OpportunityView | None = None


class CloseForm(BaseModel):
    deal: OpportunityView
    lost_reasons: list[LostReasonView]


class FieldChange(BaseModel):
    field: str
    old: Any = None
    new: Any = None


class DealHistoryEntry(BaseModel):
    """One change of a deal: who, when, what (a stage move, an edit, its creation, its close)."""

    at: datetime
    who: str
    # created, changed, moved, closed_won, closed_lost, reopened
    action: str
    changes: list[FieldChange]


class DealHistory(BaseModel):
    deal: OpportunityView
    entries: list[DealHistoryEntry]  # newest first
    total: int
