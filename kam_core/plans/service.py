"""Account plan services: a plan's status, plan health for many accounts, completing actions, reviews
(writing plans: kam_core.plans.editing).

An account's current plan is the one whose period covers today (the latest
starting one if several do), else the one that started last, so an ended
plan keeps showing (as at risk) until the next one is written.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.audit.service import last_change, last_changed_by, record
from kam_core.enums import ActionStatus
from kam_core.errors import Conflict, NotFound
from kam_core.opportunities.service import account_team_ids, flush_or_conflict, lock_row
from kam_core.people.models import Person
from kam_core.permissions import Action, may_change_plan_action, may_edit_plan, may_review_plan, require
from kam_core.plans.health import PENDING, HealthAssessment, PlanLike, assess, objective_progress
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.schemas import ActionView, ObjectiveView, PlanStatusView, ReviewView
from kam_core.plans.units import is_countable, shown
from kam_core.policy import Policy

UPCOMING_DAYS = 30
REVIEWS_SHOWN = 3
Plan = TypeVar("Plan", bound=PlanLike)

PLAN_DETAIL = (
    joinedload(AccountPlan.account).joinedload(Account.owner),
    joinedload(AccountPlan.executive_sponsor),
    selectinload(AccountPlan.objectives),
    selectinload(AccountPlan.actions).joinedload(PlanAction.owner),
    selectinload(AccountPlan.reviews).joinedload(PlanReview.reviewer),
)


def current_plan(plans: Iterable[Plan], today: date) -> Plan | None:
    return max(plans, key=lambda p: (p.period_start <= today <= p.period_end, p.period_start, p.id), default=None)


def _action_view(action: PlanAction) -> ActionView:
    owner = action.owner
    return ActionView(id=action.id, description=action.description, owner_id=action.owner_id,
                      owner_name=owner.name if owner else None,
                      owner_email=owner.email if owner else None, due_date=action.due_date, status=action.status,
                      version=action.version)


@dataclass(frozen=True)
class PlanRights:
    """What one person may do to one plan."""
    edit: bool
    review: bool
    account_team: frozenset[int]


def plan_rights(actor: Actor, plan: AccountPlan, *, account_team: Collection[int]) -> PlanRights:
    owner = plan.account.owner
    manager_id = owner.manager_id if owner else None
    return PlanRights(
        edit=may_edit_plan(actor, account_owner_id=plan.account.owner_id, account_owner_manager_id=manager_id,
                           executive_sponsor_id=plan.executive_sponsor_id, account_team_ids=account_team),
        review=may_review_plan(actor, account_owner_id=plan.account.owner_id, account_owner_manager_id=manager_id,
                               executive_sponsor_id=plan.executive_sponsor_id),
        account_team=frozenset(account_team))


def status_view(plan: AccountPlan, *, policy: Policy, today: date, rights: PlanRights | None = None) -> PlanStatusView:
    """`rights`: the viewer's (may_edit / may_review); without them the view offers nothing to change."""
    pending = [a for a in plan.actions if a.status in PENDING]
    horizon = today + timedelta(days=UPCOMING_DAYS)
    by_due = sorted((a for a in pending if a.due_date is not None), key=lambda a: (a.due_date, a.id))
    undated = sorted((a for a in pending if a.due_date is None), key=lambda a: a.id)
    reviews = sorted(plan.reviews, key=lambda r: (r.reviewed_on, r.created_at, r.id), reverse=True)
    sponsor = plan.executive_sponsor
    return PlanStatusView(
        plan_id=plan.id, account_id=plan.account_id, account_name=plan.account.name,
        period_start=plan.period_start, period_end=plan.period_end, focus=plan.focus,
        value_proposition=plan.value_proposition, executive_sponsor=sponsor.name if sponsor else None,
        health=assess(plan, today=today, policy=policy.plan_health),
        objectives=[_objective_view(o) for o in plan.objectives],
        overdue_actions=[_action_view(a) for a in by_due if a.due_date < today],
        upcoming_actions=[_action_view(a) for a in by_due if today <= a.due_date <= horizon],
        last_reviewed_at=plan.last_reviewed_at,
        customer_trends=plan.customer_trends, customer_priorities=plan.customer_priorities,
        our_impact=plan.our_impact, team_roles=plan.team_roles, reason=plan.reason, tier=plan.account.tier,
        executive_sponsor_id=plan.executive_sponsor_id,
        actions=[_action_view(a) for a in (*by_due, *undated)],
        reviews=[_review_view(r) for r in reviews[:REVIEWS_SHOWN]],
        may_edit=bool(rights and rights.edit), may_review=bool(rights and rights.review),
    )


def _review_view(review: PlanReview) -> ReviewView:
    reviewer = review.reviewer
    return ReviewView(reviewed_on=review.reviewed_on, reviewer_name=reviewer.name if reviewer else None,
                      notes=review.notes, customer_view=review.customer_view)


def _objective_view(objective: PlanObjective) -> ObjectiveView:
    unit = objective.unit
    progress = objective_progress(objective.actual, objective.target, unit)
    return ObjectiveView(id=objective.id, description=objective.description, lever=objective.lever,
                         target=shown(objective.target, unit),
                         actual=shown(objective.actual, unit), unit=unit, countable=is_countable(unit),
                         progress=None if progress is None else round(float(progress), 6))


def plan_status(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                today: date) -> PlanStatusView | None:
    """The account's current plan with its health; None when the account has no plan."""
    visible_account(session, actor=actor, account_id=account_id, policy=policy)
    plans = session.scalars(select(AccountPlan).where(AccountPlan.account_id == account_id).options(*PLAN_DETAIL))
    plan = current_plan(plans.unique(), today)
    if plan is None:
        return None
    rights = plan_rights(actor, plan, account_team=account_team_ids(session, account_id))
    return status_view(plan, policy=policy, today=today, rights=rights)


@dataclass
class PlanFacts:
    """What assess() reads of a plan, from plain rows: /kam mine judges dozens of plans per request,
    and loading them as ORM objects with their objectives and actions cost more than the rest of it."""
    id: int
    account_id: int
    period_start: date
    period_end: date
    last_reviewed_at: datetime | None
    objectives: list = field(default_factory=list)  # rows: description, target, actual, unit
    actions: list = field(default_factory=list)  # rows: status, due_date


# Built once: the card and /kam mine run them on every request (see kam_core/accounts/service.py).
_PLANS = (select(AccountPlan.id, AccountPlan.account_id, AccountPlan.period_start, AccountPlan.period_end,
                 AccountPlan.last_reviewed_at)
          .where(AccountPlan.account_id.in_(bindparam("account_ids", expanding=True))))
_OBJECTIVES = (select(PlanObjective.plan_id, PlanObjective.description, PlanObjective.target, PlanObjective.actual,
                      PlanObjective.unit)
               .where(PlanObjective.plan_id.in_(bindparam("plan_ids", expanding=True))).order_by(PlanObjective.id))
_ACTIONS = (select(PlanAction.plan_id, PlanAction.status, PlanAction.due_date)
            .where(PlanAction.plan_id.in_(bindparam("plan_ids", expanding=True))))


def plan_health_by_account(session: Session, account_ids: list[int], *, policy: Policy,
                           today: date) -> dict[int, HealthAssessment]:
    """Health of each account's current plan; accounts without a plan are left out."""
    if not account_ids:
        return {}
    by_account: dict[int, list[PlanFacts]] = defaultdict(list)
    for row in session.execute(_PLANS, {"account_ids": list(account_ids)}):
        by_account[row.account_id].append(PlanFacts(*row))
    current = {plan.id: plan for plan in (current_plan(plans, today) for plans in by_account.values())}
    if not current:
        return {}
    for objective in session.execute(_OBJECTIVES, {"plan_ids": list(current)}):
        current[objective.plan_id].objectives.append(objective)
    for action in session.execute(_ACTIONS, {"plan_ids": list(current)}):
        current[action.plan_id].actions.append(action)
    return {plan.account_id: assess(plan, today=today, policy=policy.plan_health) for plan in current.values()}


def _plan_with_detail(session: Session, plan_id: int) -> AccountPlan:
    plan = session.scalars(select(AccountPlan).where(AccountPlan.id == plan_id).options(*PLAN_DETAIL)).unique().first()
    if plan is None:
        raise NotFound(what="account plan", name=str(plan_id))
    return plan


def plan_and_rights(session: Session, actor: Actor, plan_id: int) -> tuple[AccountPlan, PlanRights]:
    """The plan with what status_view reads, and what `actor` may do to it."""
    plan = _plan_with_detail(session, plan_id)
    return plan, plan_rights(actor, plan, account_team=account_team_ids(session, plan.account_id))


def may_change_action(actor: Actor, plan: AccountPlan, action: PlanAction, rights: PlanRights) -> bool:
    owner = plan.account.owner
    return may_change_plan_action(
        actor, action_owner_id=action.owner_id, account_owner_id=plan.account.owner_id,
        account_owner_manager_id=owner.manager_id if owner else None,
        executive_sponsor_id=plan.executive_sponsor_id, account_team_ids=rights.account_team)


def check_action_version(session: Session, action: PlanAction, expected_version: int | None) -> None:
    """Conflict when the action changed since the viewer saw it (or since this session loaded it)."""
    stored_version = session.scalar(select(PlanAction.version).where(PlanAction.id == action.id))
    if stored_version != action.version or (expected_version is not None and expected_version != stored_version):
        raise Conflict(what="plan action", changed_by=last_changed_by(session, entity="plan_action",
                                                                     entity_id=action.id))


def locked_action(session: Session, action_id: int) -> PlanAction:
    lock_row(session, PlanAction, action_id)  # a concurrent change of this action waits for ours
    action = session.get(PlanAction, action_id)
    if action is None:
        raise NotFound(what="plan action", name=str(action_id))
    return action


def complete_action(session: Session, *, actor: Actor, action_id: int, expected_version: int | None, now: datetime,
                    policy: Policy | None = None, today: date | None = None) -> PlanStatusView:
    """Mark a plan action done. Completing an action that is already done changes nothing."""
    policy = policy or Policy()
    today = today or now.date()
    action = locked_action(session, action_id)
    plan, rights = plan_and_rights(session, actor, action.plan_id)
    require(actor, Action.complete_plan_action, allowed=may_change_action(actor, plan, action, rights))
    if action.status == ActionStatus.done:
        # A double tap is fine; someone else's "done" on the version this person saw is news to them.
        changer_id, changer = last_change(session, entity="plan_action", entity_id=action.id)
        if expected_version not in (None, action.version) and changer_id != actor.person_id:
            raise Conflict(what="plan action", changed_by=changer)
        return status_view(plan, policy=policy, today=today, rights=rights)
    check_action_version(session, action, expected_version)
    old_status = action.status
    action.status = ActionStatus.done
    action.completed_at = now
    record(session, actor=actor, action="complete_plan_action", entity="plan_action", entity_id=action.id,
           changes={"status": [old_status, ActionStatus.done], "plan_id": plan.id})
    flush_or_conflict(session, what="plan action")
    return status_view(plan, policy=policy, today=today, rights=rights)


def review_moment(reviewed_on: date, *, now: datetime, today: date) -> datetime:
    """When a review happened: now if it was today, else noon UTC of its day."""
    return now if reviewed_on == today else datetime.combine(reviewed_on, time(12), tzinfo=UTC)


def write_review(session: Session, *, actor: Actor, plan: AccountPlan, reviewed_on: date, notes: str,
                 customer_view: str | None, now: datetime, today: date) -> PlanReview:
    """Store a review (checked by the caller) and move the plan's last review to it, unless a later one exists."""
    reviewer = session.get(Person, actor.person_id) if actor.person_id is not None else None
    review = PlanReview(plan=plan, reviewed_on=reviewed_on, reviewer=reviewer, notes=notes,
                        customer_view=customer_view, created_at=now)
    session.add(review)
    moment = review_moment(reviewed_on, now=now, today=today)
    previous = plan.last_reviewed_at
    if previous is None or moment > previous:
        plan.last_reviewed_at = moment
    session.flush()
    record(session, actor=actor, action="record_plan_review", entity="plan_review", entity_id=review.id, changes={
        "plan_id": plan.id, "reviewed_on": reviewed_on, "notes": notes, "customer_view": customer_view,
        "last_reviewed_at": [previous, plan.last_reviewed_at]})
    session.flush()
    return review


def review_plan(session: Session, *, actor: Actor, plan_id: int, now: datetime,
                policy: Policy | None = None) -> PlanStatusView:
    """Record that the plan was reviewed now, without notes (older callers; kam_core.plans.editing.record_review
    is the full form)."""
    policy = policy or Policy()
    plan, rights = plan_and_rights(session, actor, plan_id)
    require(actor, Action.review_plan, allowed=rights.review)
    write_review(session, actor=actor, plan=plan, reviewed_on=now.date(), notes="", customer_view=None, now=now,
                 today=now.date())
    return status_view(plan, policy=policy, today=now.date(), rights=rights)
