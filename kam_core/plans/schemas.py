from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from kam_core.enums import ActionStatus
from kam_core.plans.health import HealthAssessment


class ObjectiveView(BaseModel):
    description: str
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
