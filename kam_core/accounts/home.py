"""The App Home read model: what a rep (and a manager) should look at today.

- key accounts I own or am on the team of, most in need of attention first
  (the ranking of kam_core.accounts.attention), with plan health and days since the last touch;
- my open follow-ups that are overdue or due today, oldest first;
- my open opportunities whose expected close date falls in the current month;
- plans of my accounts that are at risk or off track, with their worst reason;
- for a manager: key accounts owned by their direct reports that are past the
  key-account contact cadence (never touched counts as past it), longest silence first.

Every list is cut to `limit` rows and carries its full count, so a screen can say "and N more".
"""

import calendar
from datetime import date
from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from kam_core.accounts.attention import my_accounts
from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.enums import PlanHealth, Role, Tier
from kam_core.interactions.models import Interaction
from kam_core.interactions.schemas import FollowUpView
from kam_core.interactions.service import open_follow_ups
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.opportunities.priority import high_value_threshold
from kam_core.opportunities.schemas import OpportunityView
from kam_core.opportunities.service import view as opportunity_view
from kam_core.people.models import Person
from kam_core.plans.health import SEVERITY, HealthReason
from kam_core.policy import Policy
from kam_core.base import as_date

T = TypeVar("T")
ROWS = 8
TEAM_ROWS = 5
AT_RISK = (PlanHealth.off_track, PlanHealth.at_risk)


class Capped(BaseModel, Generic[T]):
    items: list[T] = []
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


class HomeAccount(BaseModel):
    account_id: int
    name: str
    plan_status: PlanHealth | None
    days_since_touch: int | None  # None: never touched
    cadence_days: int
    past_cadence: bool
    overdue_follow_ups: int


class HomePlan(BaseModel):
    account_id: int
    name: str
    status: PlanHealth
    top_reason: HealthReason | None


class TeamAccount(BaseModel):
    account_id: int
    name: str
    owner_name: str
    days_since_touch: int | None
    cadence_days: int


class HomeSummary(BaseModel):
    person_name: str
    today: date
    key_accounts: Capped[HomeAccount]
    follow_ups: Capped[FollowUpView]
    overdue_follow_ups: int
    follow_ups_today: int
    closing_this_month: Capped[OpportunityView]
    plans_at_risk: Capped[HomePlan]
    # None unless the actor is a manager.
    team_past_cadence: Capped[TeamAccount] | None = None


def home_summary(session: Session, *, actor: Actor, policy: Policy, today: date, limit: int = ROWS,
                 team_limit: int = TEAM_ROWS) -> HomeSummary:
    person = session.get(Person, actor.person_id) if actor.person_id else None
    attention = my_accounts(session, actor=actor, policy=policy, today=today, limit=None)
    key = [_home_account(i) for i in attention if i.tier == Tier.key]
    plans = sorted((i for i in attention if i.plan_health and i.plan_health.status in AT_RISK),
                   key=lambda i: AT_RISK.index(i.plan_health.status))  # stable: attention order within a status
    due = open_follow_ups(session, actor=actor, due_by=today)
    overdue = sum(1 for f in due if f.due_on < today)
    return HomeSummary(
        person_name=person.name if person else actor.label,
        today=today,
        key_accounts=Capped(items=key[:limit], total=len(key)),
        follow_ups=Capped(items=due[:limit], total=len(due)),
        overdue_follow_ups=overdue,
        follow_ups_today=len(due) - overdue,
        closing_this_month=_closing_this_month(session, actor=actor, policy=policy, today=today, limit=limit),
        plans_at_risk=Capped(items=[_home_plan(i) for i in plans[:limit]], total=len(plans)),
        team_past_cadence=(_team_past_cadence(session, actor=actor, policy=policy, today=today, limit=team_limit)
                           if actor.role == Role.manager else None),
    )


def _home_account(item) -> HomeAccount:
    return HomeAccount(account_id=item.account_id, name=item.name,
                       plan_status=item.plan_health.status if item.plan_health else None,
                       days_since_touch=item.days_since_touch, cadence_days=item.cadence_days,
                       past_cadence="stale" in item.reasons, overdue_follow_ups=item.overdue_follow_ups)


def _home_plan(item) -> HomePlan:
    health = item.plan_health
    worst = max(health.reasons, key=lambda r: SEVERITY[r.severity], default=None)
    return HomePlan(account_id=item.account_id, name=item.name, status=health.status, top_reason=worst)


def _closing_this_month(session: Session, *, actor: Actor, policy: Policy, today: date,
                        limit: int) -> Capped[OpportunityView]:
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    mine = (select(Opportunity).join(Stage, Stage.id == Opportunity.stage_id)
            .where(Stage.is_open, Opportunity.owner_id == actor.person_id,
                   Opportunity.expected_close_date.between(first, last)))
    total = session.scalar(select(func.count()).select_from(mine.subquery()))
    if not total:
        return Capped()
    rows = session.scalars(
        mine.options(joinedload(Opportunity.account), joinedload(Opportunity.owner))
        .order_by(Opportunity.expected_close_date, Opportunity.amount.desc(), Opportunity.id).limit(limit)
    ).unique()
    high_value = high_value_threshold(session, policy.priority)
    return Capped(items=[opportunity_view(o, high_value=high_value, policy=policy, today=today) for o in rows],
                  total=total)


def _team_past_cadence(session: Session, *, actor: Actor, policy: Policy, today: date,
                       limit: int) -> Capped[TeamAccount]:
    cadence = policy.cadence.days_for(Tier.key)
    is_key = or_(Account.tier_override == Tier.key,
                 and_(Account.tier_override.is_(None), Account.computed_tier == Tier.key))
    rows = session.execute(
        select(Account.id, Account.name, Person.name.label("owner_name"),
               func.max(Interaction.occurred_at).label("last_touch"))
        .join(Person, Person.id == Account.owner_id)
        .outerjoin(Interaction, Interaction.account_id == Account.id)
        .where(Person.manager_id == actor.person_id, is_key)
        .group_by(Account.id, Account.name, Person.name)
    ).all()
    quiet = []
    for row in rows:
        days = (today - as_date(row.last_touch)).days if row.last_touch else None
        if days is None or days > cadence:
            quiet.append(TeamAccount(account_id=row.id, name=row.name, owner_name=row.owner_name,
                                     days_since_touch=days, cadence_days=cadence))
    # Never touched first, then the longest silence.
    quiet.sort(key=lambda a: (a.days_since_touch is not None, -(a.days_since_touch or 0), a.name))
    return Capped(items=quiet[:limit], total=len(quiet))
