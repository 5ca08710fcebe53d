from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel

from kam_core.enums import AccountStatus, BuyingRole, SizeSegment, TeamRole, Tier
from kam_core.interactions.schemas import FollowUpView
from kam_core.opportunities.schemas import PipelineTotals
from kam_core.plans.health import HealthAssessment
from kam_core.tiers.schemas import TierExplanation
from kam_core.paging import Paged


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
    # Whether the viewer may add a deal here (kam_core.permissions.may_create_opportunity): "New deal" is
    # offered only then.
    may_create_deal: bool = False


class AttentionScope(StrEnum):
    mine = "mine"  # the accounts I own or am on the team of
    team = "team"  # those, and the accounts owned by the people who report to me


class AttentionItem(BaseModel):
    account_id: int
    name: str
    tier: Tier
    owner_name: str | None
    # The ranking (kam_core.accounts.attention): band 1 a late promise or a quiet key account,
    # 2 anything else wrong, 3 all good; then tier, then days_late, most first.
    band: int
    days_late: int
    days_since_touch: int | None
    cadence_days: int
    overdue_follow_ups: int
    oldest_overdue_days: int | None  # how late the oldest overdue follow-up is; None: none overdue
    plan_health: HealthAssessment | None
    # Codes, worst first: overdue_follow_ups, stale, plan_off_track, plan_at_risk.
    reasons: list[str]


class AttentionPage(Paged):
    """One page of the ranked list, and what it needs to say "and N more" and to turn the page."""

    scope: AttentionScope
    items: list[AttentionItem]
    needing_attention: int  # in the whole list, not only this page
    reports: int | None = None  # team: how many people report to the actor
