from datetime import date, datetime

from pydantic import BaseModel

from kam_core.enums import AccountStatus, BuyingRole, SizeSegment, TeamRole, Tier
from kam_core.interactions.schemas import FollowUpView
from kam_core.opportunities.schemas import PipelineTotals
from kam_core.plans.health import HealthAssessment
from kam_core.tiers.schemas import TierExplanation


class PersonRef(BaseModel):
    id: int
    name: str
    email: str
    slack_user_id: str | None


class TeamMemberView(BaseModel):
    person: PersonRef
    role: TeamRole


class ContactView(BaseModel):
    id: int
    name: str
    title: str | None
    buying_role: BuyingRole | None
    relationship_strength: int | None
    last_contacted_at: datetime | None


class LastTouch(BaseModel):
    occurred_at: datetime
    kind: str
    author_name: str | None
    days_since: int


class AccountCard(BaseModel):
    as_of: date
    id: int
    name: str
    aliases: list[str]
    industry: str | None
    region: str | None
    size_segment: SizeSegment | None
    status: AccountStatus
    parent_name: str | None
    tier: Tier
    why: TierExplanation
    owner: PersonRef | None
    team: list[TeamMemberView]
    pipeline: PipelineTotals
    plan_health: HealthAssessment | None
    last_touch: LastTouch | None
    cadence_days: int
    overdue_touch: bool
    next_follow_up: FollowUpView | None
    key_contacts: list[ContactView]
    whitespace: list[str]


class AttentionItem(BaseModel):
    account_id: int
    name: str
    tier: Tier
    score: float
    days_since_touch: int | None
    cadence_days: int
    overdue_follow_ups: int
    plan_health: HealthAssessment | None
    # Codes, worst first: stale, overdue_follow_ups, plan_off_track, plan_at_risk.
    reasons: list[str]

