from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.plans.health import HealthAssessment


class ObjectiveView(BaseModel):
    id: int = 0
    description: str
    lever: Lever | None = None
    # As shown: whole numbers when the unit is countable (kam_core.plans.units).
    target: Decimal
    actual: Decimal
    unit: str | None
    countable: bool
    # actual / target of the figures above; None when the target is zero.
    progress: float | None


class ActionView(BaseModel):
    id: int
    description: str
    owner_id: int | None = None
    owner_name: str | None
    owner_email: str | None
    due_date: date | None
    status: ActionStatus
    version: int


class PlanStatusView(BaseModel):
    plan_id: int
    account_id: int
    account_name: str
    period_start: date
    period_end: date
    focus: str | None
    value_proposition: str | None
    executive_sponsor: str | None
    health: HealthAssessment
    objectives: list[ObjectiveView]
    # Open or in progress and due before today, oldest first.
    overdue_actions: list[ActionView]
    # Open or in progress and due from today to UPCOMING_DAYS ahead.
    upcoming_actions: list[ActionView]
    last_reviewed_at: datetime | None
    customer_trends: str | None = None
    customer_priorities: str | None = None
    our_impact: str | None = None
    team_roles: str | None = None
    # Why a plan exists for an account that is not a key account.
    reason: str | None = None
    tier: Tier | None = None
    executive_sponsor_id: int | None = None
    # Every open or in-progress action, by due date, undated last.
    actions: list[ActionView] = []
    # The latest reviews, newest first (at most REVIEWS_SHOWN).
    reviews: list["ReviewView"] = []
    # What the viewer may do (so a surface offers only the buttons that work).
    may_edit: bool = False
    may_review: bool = False


class ReviewView(BaseModel):
    reviewed_on: date
    reviewer_name: str | None
    notes: str
    customer_view: str | None


PlanStatusView.model_rebuild()


class AccountPlanView(BaseModel):
    """/kam plan: the account and its current plan; None when it has none (then `may_create` says whether
    the viewer may write one)."""
    account_id: int
    account_name: str
    tier: Tier
    may_create: bool
    plan: PlanStatusView | None = None


class PlanChanges(BaseModel):
    """The plan's parts to change: only the fields set (`model_fields_set`) change; None clears one."""
    period_start: date | None = None
    period_end: date | None = None
    focus: str | None = None
    customer_trends: str | None = None
    customer_priorities: str | None = None
    our_impact: str | None = None
    value_proposition: str | None = None
    team_roles: str | None = None
    reason: str | None = None
    executive_sponsor_id: int | None = None


class ObjectiveChanges(BaseModel):
    description: str | None = None
    lever: Lever | None = None
    target: Decimal | None = None
    unit: str | None = None
    actual: Decimal | None = None


class ActionChanges(BaseModel):
    description: str | None = None
    owner_id: int | None = None
    due_date: date | None = None
    status: ActionStatus | None = None


class HistoryEntry(BaseModel):
    """One line of a plan's history: `kind` names a macro of the plan history template, given `params`."""
    at: datetime
    who: str | None
    kind: str
    params: dict[str, Any]


class PlanHistoryView(BaseModel):
    plan_id: int
    account_id: int
    account_name: str
    period_start: date
    period_end: date
    # Newest first.
    entries: list[HistoryEntry]
    # More entries exist than `limit` let through.
    more: bool = False
