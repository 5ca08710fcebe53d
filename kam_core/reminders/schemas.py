from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from kam_core.enums import ActionStatus, Tier
from kam_core.interactions.schemas import FollowUpView


class Kind(StrEnum):
    """A kind of reminder; also the Delivery kind and the NotificationPreference kind."""

    followups = "followups"
    cadence = "cadence"
    care = "care"
    actions = "actions"  # account plan actions a person owns, due today or overdue


KINDS = tuple(Kind)
# Delivery rows of this kind remember which care items a person has been told about.
CARE_ITEM = "care_item"


class Recipient(BaseModel):
    person_id: int
    name: str
    email: str
    slack_user_id: str
    zone: str
    local_date: date
    language: str | None = None  # the rep's ("en", "zh"); None: the default language


class FollowUpReminder(BaseModel):
    today: date
    items: list[FollowUpView]
    total: int
    overdue: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


class CadenceNudge(BaseModel):
    account_id: int
    account_name: str
    tier: Tier
    cadence_days: int
    days_since_touch: int | None  # None: never touched
    last_touch: date | None


class CareItem(BaseModel):
    key: str  # e.g. "birthday:42:2026-12-01", "renewal:7:2026-12-01": one announcement each
    kind: str  # "birthday" | "renewal"
    on: date
    days_until: int
    account_id: int
    account_name: str
    contact_name: str | None = None
    contact_title: str | None = None


class CareReminder(BaseModel):
    today: date
    items: list[CareItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


class PlanActionItem(BaseModel):
    id: int
    version: int
    description: str
    due_date: date
    status: ActionStatus
    account_id: int
    account_name: str


class ActionReminder(BaseModel):
    today: date
    items: list[PlanActionItem]
    total: int
    overdue: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


class DueReminder(BaseModel):
    """One DM owed now: exactly one of follow_ups / cadence / care / actions is set, by kind."""

    kind: Kind
    recipient: Recipient
    period_key: str
    follow_ups: FollowUpReminder | None = None
    cadence: CadenceNudge | None = None
    care: CareReminder | None = None
    actions: ActionReminder | None = None


class ReminderSetting(BaseModel):
    kind: Kind
    enabled: bool
    hour: int


class Outcome(BaseModel):
    kind: Kind
    email: str
    period_key: str
    status: str  # sent | skipped | failed | would_send


class SendReport(BaseModel):
    outcomes: list[Outcome] = []

    def count(self, status: str, kind: Kind | None = None) -> int:
        return sum(1 for o in self.outcomes if o.status == status and (kind is None or o.kind == kind))


class StatusRow(BaseModel):
    kind: str
    status: str
    count: int


class OpenDelivery(BaseModel):
    """A delivery not (yet) sent: pending, being sent, or failed with its last error."""

    kind: str
    email: str
    period_key: str
    status: str
    attempts: int
    last_error: str | None


class StatusReport(BaseModel):
    since: date
    counts: list[StatusRow]
    open: list[OpenDelivery]
    open_total: int
