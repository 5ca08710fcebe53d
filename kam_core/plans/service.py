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
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Date, and_, bindparam, case, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from kam_core.accounts.access import require_visible
from kam_core.accounts.models import Account, AccountTeamMember, tier_of
from kam_core.actors import Actor
from kam_core.audit.service import last_change, last_changed_by, record
from kam_core.base import as_date
from kam_core.enums import ActionStatus, Lever
from kam_core.errors import Conflict, NotFound
from kam_core.opportunities.service import account_team_ids, flush_or_conflict, lock_row
from kam_core.people.models import Person
from kam_core.permissions import Action, may_change_plan_action, may_edit_plan, may_review_plan, require
from kam_core.plans.health import PENDING, HealthAssessment, PlanLike, assess, objective_progress
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.schemas import AccountPlanView, ActionView, ObjectiveView, PlanStatusView, ReviewView
from kam_core.plans.units import is_countable, shown
from kam_core.policy import Policy
from kam_core.sqljson import as_decimal, json_rows, rows_of

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
    return rights_of(actor, account_owner_id=plan.account.owner_id,
                     account_owner_manager_id=owner.manager_id if owner else None,
                     executive_sponsor_id=plan.executive_sponsor_id, account_team=account_team)


def rights_of(actor: Actor, *, account_owner_id: int | None, account_owner_manager_id: int | None,
              executive_sponsor_id: int | None, account_team: Collection[int]) -> PlanRights:
    """What one person may do to one plan, from plain ids."""
    return PlanRights(
        edit=may_edit_plan(actor, account_owner_id=account_owner_id, account_owner_manager_id=account_owner_manager_id,
                           executive_sponsor_id=executive_sponsor_id, account_team_ids=account_team),
        review=may_review_plan(actor, account_owner_id=account_owner_id,
                               account_owner_manager_id=account_owner_manager_id,
                               executive_sponsor_id=executive_sponsor_id),
        account_team=frozenset(account_team))


def _in_order(actions: Iterable) -> tuple[list, list]:
    """The open and in-progress actions due (by due date), and those without a date (by id)."""
    pending = [a for a in actions if a.status in PENDING]
    by_due = sorted((a for a in pending if a.due_date is not None), key=lambda a: (a.due_date, a.id))
    undated = sorted((a for a in pending if a.due_date is None), key=lambda a: a.id)
    return by_due, undated


def _due_lists(by_due: list, today: date) -> tuple[list, list]:
    """Overdue (before today) and upcoming (today to UPCOMING_DAYS ahead), of actions in due order."""
    horizon = today + timedelta(days=UPCOMING_DAYS)
    return ([a for a in by_due if a.due_date < today], [a for a in by_due if today <= a.due_date <= horizon])


def status_view(plan: AccountPlan, *, policy: Policy, today: date, rights: PlanRights | None = None) -> PlanStatusView:
    """`rights`: the viewer's (may_edit / may_review); without them the view offers nothing to change."""
    by_due, undated = _in_order(plan.actions)
    overdue, upcoming = _due_lists(by_due, today)
    reviews = sorted(plan.reviews, key=lambda r: (r.reviewed_on, r.created_at, r.id), reverse=True)
    sponsor = plan.executive_sponsor
    return PlanStatusView(
        plan_id=plan.id, account_id=plan.account_id, account_name=plan.account.name,
        period_start=plan.period_start, period_end=plan.period_end, focus=plan.focus,
        value_proposition=plan.value_proposition, executive_sponsor=sponsor.name if sponsor else None,
        health=assess(plan, today=today, policy=policy.plan_health),
        objectives=[_objective_view(o) for o in plan.objectives],
        overdue_actions=[_action_view(a) for a in overdue],
        upcoming_actions=[_action_view(a) for a in upcoming],
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
    return account_plan(session, actor=actor, account_id=account_id, policy=policy, today=today).plan


# Built once: /kam plan runs it on every request. The account with its owner (visibility, rights), its
# account team's ids, and its current plan (as current_plan chooses it) with the sponsor's name, the
# objectives, the open and in-progress actions with their owners, the latest reviews: one statement.
_ACCOUNT_OWNER, _SPONSOR, _ACTION_OWNER, _REVIEWER = aliased(Person), aliased(Person), aliased(Person), aliased(Person)
_OTHER_PLAN = aliased(AccountPlan)
_TODAY = bindparam("today", type_=Date)
_CURRENT_PLAN_ID = (
    select(_OTHER_PLAN.id).where(_OTHER_PLAN.account_id == Account.id)
    .order_by(case((and_(_OTHER_PLAN.period_start <= _TODAY, _TODAY <= _OTHER_PLAN.period_end), 1), else_=0).desc(),
              _OTHER_PLAN.period_start.desc(), _OTHER_PLAN.id.desc())
    .limit(1).correlate(Account).scalar_subquery()
)
_PLAN_OBJECTIVES = (
    select(PlanObjective.id, PlanObjective.description, PlanObjective.lever, PlanObjective.unit, PlanObjective.target,
           PlanObjective.actual)
    .where(PlanObjective.plan_id == AccountPlan.id).order_by(PlanObjective.id)
    .correlate(AccountPlan)  # a subquery in FROM (kam_core.sqljson) is not correlated by itself
)
_PLAN_ACTIONS = (
    select(PlanAction.id, PlanAction.description, PlanAction.owner_id, _ACTION_OWNER.name.label("owner_name"),
           _ACTION_OWNER.email.label("owner_email"), PlanAction.due_date, PlanAction.status, PlanAction.version)
    .outerjoin(_ACTION_OWNER, _ACTION_OWNER.id == PlanAction.owner_id)
    .where(PlanAction.plan_id == AccountPlan.id, PlanAction.status.in_(sorted(PENDING)))
    .order_by(PlanAction.id).correlate(AccountPlan)
)
_PLAN_REVIEWS = (
    select(PlanReview.reviewed_on, _REVIEWER.name.label("reviewer_name"), PlanReview.notes, PlanReview.customer_view)
    .outerjoin(_REVIEWER, _REVIEWER.id == PlanReview.reviewer_id)
    .where(PlanReview.plan_id == AccountPlan.id)
    .order_by(PlanReview.reviewed_on.desc(), PlanReview.created_at.desc(), PlanReview.id.desc())
    .limit(REVIEWS_SHOWN).correlate(AccountPlan)
)
_ACCOUNT_PLAN = (
    select(Account.id, Account.name, Account.computed_tier, Account.tier_override, Account.owner_id,
           _ACCOUNT_OWNER.team.label("owner_team"), _ACCOUNT_OWNER.manager_id.label("owner_manager_id"),
           json_rows(select(AccountTeamMember.person_id).where(AccountTeamMember.account_id == Account.id)
                     .correlate(Account)).label("team"),
           AccountPlan.id.label("plan_id"), AccountPlan.period_start, AccountPlan.period_end, AccountPlan.focus,
           AccountPlan.value_proposition, AccountPlan.customer_trends, AccountPlan.customer_priorities,
           AccountPlan.our_impact, AccountPlan.team_roles, AccountPlan.reason, AccountPlan.executive_sponsor_id,
           _SPONSOR.name.label("sponsor_name"), AccountPlan.last_reviewed_at,
           json_rows(_PLAN_OBJECTIVES).label("objectives"), json_rows(_PLAN_ACTIONS).label("actions"),
           json_rows(_PLAN_REVIEWS).label("reviews"))
    .outerjoin(_ACCOUNT_OWNER, _ACCOUNT_OWNER.id == Account.owner_id)
    .outerjoin(AccountPlan, AccountPlan.id == _CURRENT_PLAN_ID)
    .outerjoin(_SPONSOR, _SPONSOR.id == AccountPlan.executive_sponsor_id)
    .where(Account.id == bindparam("account_id"))
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class _Objective:
    id: int
    description: str
    lever: Lever | None
    unit: str | None
    target: Decimal
    actual: Decimal


@dataclass(frozen=True)
class _Action:
    id: int
    description: str
    owner_id: int | None
    owner_name: str | None
    owner_email: str | None
    due_date: date | None
    status: ActionStatus
    version: int


def _money(value) -> Decimal:
    return as_decimal(value).quantize(CENT)  # as the ORM's Numeric(16, 2) gives it


def account_plan(session: Session, *, actor: Actor, account_id: int, policy: Policy, today: date) -> AccountPlanView:
    """The account and its current plan with its health (None when it has none), in one statement."""
    row = session.execute(_ACCOUNT_PLAN, {"account_id": account_id, "today": today}).first()
    if row is None:
        raise NotFound(what="account", name=str(account_id))
    require_visible(actor, policy=policy, owner_id=row.owner_id, owner_team=row.owner_team,
                    owner_manager_id=row.owner_manager_id)
    team = {int(member["person_id"]) for member in rows_of(row.team)}
    tier = tier_of(row)
    # Who may write a plan for the account: as kam_core.plans.editing.may_create_plan (no sponsor yet).
    may_create = may_edit_plan(actor, account_owner_id=row.owner_id, account_owner_manager_id=row.owner_manager_id,
                               executive_sponsor_id=None, account_team_ids=team)
    if row.plan_id is None:
        return AccountPlanView(account_id=row.id, account_name=row.name, tier=tier, may_create=may_create)
    rights = rights_of(actor, account_owner_id=row.owner_id, account_owner_manager_id=row.owner_manager_id,
                       executive_sponsor_id=row.executive_sponsor_id, account_team=team)
    objectives = [_Objective(id=int(o["id"]), description=o["description"],
                             lever=Lever(o["lever"]) if o["lever"] else None, unit=o["unit"],
                             target=_money(o["target"]), actual=_money(o["actual"]))
                  for o in rows_of(row.objectives)]
    actions = [_Action(id=int(a["id"]), description=a["description"], owner_id=a["owner_id"],
                       owner_name=a["owner_name"], owner_email=a["owner_email"],
                       due_date=None if a["due_date"] is None else as_date(a["due_date"]),
                       status=ActionStatus(a["status"]), version=int(a["version"])) for a in rows_of(row.actions)]
    last_reviewed_at = row.last_reviewed_at
    facts = PlanFacts(id=row.plan_id, account_id=row.id, period_start=row.period_start, period_end=row.period_end,
                      last_reviewed_at=last_reviewed_at, objectives=objectives, actions=actions)
    by_due, undated = _in_order(actions)
    overdue, upcoming = _due_lists(by_due, today)
    plan = PlanStatusView(
        plan_id=row.plan_id, account_id=row.id, account_name=row.name,
        period_start=row.period_start, period_end=row.period_end, focus=row.focus,
        value_proposition=row.value_proposition, executive_sponsor=row.sponsor_name,
        health=assess(facts, today=today, policy=policy.plan_health),
        objectives=[_objective_view(o) for o in objectives],
        overdue_actions=[_row_action_view(a) for a in overdue],
        upcoming_actions=[_row_action_view(a) for a in upcoming],
        last_reviewed_at=last_reviewed_at,
        customer_trends=row.customer_trends, customer_priorities=row.customer_priorities,
        our_impact=row.our_impact, team_roles=row.team_roles, reason=row.reason, tier=tier,
        executive_sponsor_id=row.executive_sponsor_id,
        actions=[_row_action_view(a) for a in (*by_due, *undated)],
        reviews=[ReviewView(reviewed_on=as_date(r["reviewed_on"]), reviewer_name=r["reviewer_name"], notes=r["notes"],
                            customer_view=r["customer_view"]) for r in rows_of(row.reviews)],
        may_edit=rights.edit, may_review=rights.review,
    )
    return AccountPlanView(account_id=row.id, account_name=row.name, tier=tier, may_create=may_create, plan=plan)


def _row_action_view(action: _Action) -> ActionView:
    return ActionView(id=action.id, description=action.description, owner_id=action.owner_id,
                      owner_name=action.owner_name, owner_email=action.owner_email, due_date=action.due_date,
                      status=action.status, version=action.version)


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
