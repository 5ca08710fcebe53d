"""Writing account plans: create and edit a plan, its objectives and actions, and record reviews.

Every function checks who may (kam_core.permissions), checks the input (every problem at once, as
Invalid), audits each change as field → [old, new] and returns the plan's refreshed PlanStatusView,
dated by `today` (the user's own day).
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.errors import InvalidInput, NotFound
from kam_core.opportunities.service import account_team_ids, flush_or_conflict
from kam_core.people.models import Person
from kam_core.permissions import Action, may_edit_plan, require
from kam_core.plans import checks
from kam_core.plans.checks import DESCRIPTION, LONG_TEXT, UNIT, parse_amount
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective
from kam_core.plans.schemas import ActionChanges, ObjectiveChanges, PlanChanges, PlanStatusView
from kam_core.plans.service import (
    PlanRights, check_action_version, current_plan, locked_action, may_change_action, plan_and_rights, plan_rights,
    status_view,
    write_review,
)
from kam_core.policy import Policy

__all__ = ["parse_amount", "create_plan", "update_plan", "add_objective", "update_objective", "set_objective_actual",
           "add_action", "update_action", "record_review"]

PLAN_TEXTS = ("focus", "customer_trends", "customer_priorities", "our_impact", "value_proposition", "team_roles",
              "reason")
# A review more than this long ago is a typo more likely than a late entry.
REVIEW_DAYS_BACK = 366
# The words people use for each growth lever (`/kam plan Acme objective usage 45`).
LEVER_WORDS = {
    Lever.raise_usage: {"usage", "use", "raise_usage", "raise usage"},
    Lever.cross_sell: {"cross-sell", "cross_sell", "cross sell", "crosssell"},
    Lever.price_mix: {"price", "mix", "price_mix", "price mix", "price/mix"},
    Lever.new_core: {"new core", "new_core", "core"},
    Lever.new_adjacent: {"adjacent", "new adjacent", "new_adjacent"},
    Lever.retention: {"retention", "retain", "churn"},
}


def default_period(today: date, after: date | None = None) -> tuple[date, date]:
    """A year from today (the seed's plan is the yearly account plan, reviewed each quarter), or from
    the day after the current plan ends when that is later."""
    start = max(today, after + timedelta(days=1)) if after else today
    try:
        end = start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 1, day=28)
    return start, end


def may_create_plan(session: Session, *, actor: Actor, account: Account, account_team: set[int] | None = None) -> bool:
    """Whether the actor may write a plan for the account (kam_core.permissions.may_edit_plan; a new plan has no
    sponsor yet): create_plan enforces it, the Slack side offers "Create plan" by it. `account_team`: the
    account team's person ids when the caller has them already."""
    owner = account.owner
    team = account_team_ids(session, account.id) if account_team is None else account_team
    return may_edit_plan(actor, account_owner_id=account.owner_id,
                         account_owner_manager_id=owner.manager_id if owner else None, executive_sponsor_id=None,
                         account_team_ids=team)


def create_plan(session: Session, *, actor: Actor, account_id: int, period_start: date, period_end: date,
                reason: str | None = None, focus: str | None = None, now: datetime, today: date,
                policy: Policy) -> PlanStatusView:
    """A new plan for the account. A plan is for key accounts; another tier's needs a reason."""
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy)
    team = account_team_ids(session, account.id)
    require(actor, Action.edit_plan, allowed=may_create_plan(session, actor=actor, account=account, account_team=team))
    problems: list[InvalidInput] = []
    checks.period(period_start, period_end, problems)
    reason = checks.text(reason, field="reason", limit=LONG_TEXT, problems=problems)
    focus = checks.text(focus, field="focus", limit=LONG_TEXT, problems=problems)
    if account.tier != Tier.key and reason is None:
        problems.append(InvalidInput(field="reason", problem="plan_needs_reason", tier=account.tier))
    _check_overlap(session, account_id=account.id, start=period_start, end=period_end, problems=problems)
    checks.raise_any(problems)
    plan = AccountPlan(account=account, period_start=period_start, period_end=period_end, focus=focus, reason=reason)
    session.add(plan)
    session.flush()
    record(session, actor=actor, action="create_plan", entity="account_plan", entity_id=plan.id, changes={
        "account_id": account.id, "period_start": [None, period_start], "period_end": [None, period_end],
        "focus": [None, focus], "reason": [None, reason]})
    return status_view(plan, policy=policy, today=today, rights=plan_rights(actor, plan, account_team=team))


def update_plan(session: Session, *, actor: Actor, plan_id: int, changes: PlanChanges, now: datetime, today: date,
                policy: Policy) -> PlanStatusView:
    """Change the parts of the plan that `changes` sets; None clears a part."""
    plan, rights = _editable(session, actor, plan_id)
    fields = changes.model_fields_set
    problems: list[InvalidInput] = []
    new = {name: checks.text(getattr(changes, name), field=name, limit=LONG_TEXT, problems=problems)
           for name in PLAN_TEXTS if name in fields}
    start = changes.period_start if "period_start" in fields else plan.period_start
    end = changes.period_end if "period_end" in fields else plan.period_end
    if start is None or end is None:
        problems.append(InvalidInput(field="period_start" if start is None else "period_end", problem="date_missing"))
    elif {"period_start", "period_end"} & fields:
        checks.period(start, end, problems)
        _check_overlap(session, account_id=plan.account_id, start=start, end=end, problems=problems,
                       except_plan=plan.id)
        new.update(period_start=start, period_end=end)
    if "reason" in fields and new["reason"] is None and plan.account.tier != Tier.key:
        problems.append(InvalidInput(field="reason", problem="plan_needs_reason", tier=plan.account.tier))
    if "executive_sponsor_id" in fields:
        new["executive_sponsor_id"] = _person_id(session, changes.executive_sponsor_id, field="executive_sponsor_id",
                                                 problems=problems)
    checks.raise_any(problems)
    changed = {name: [getattr(plan, name), value] for name, value in new.items() if getattr(plan, name) != value}
    if changed:
        for name, (_old, value) in changed.items():
            setattr(plan, name, value)
        if "executive_sponsor_id" in changed:
            plan.executive_sponsor = _person(session, plan.executive_sponsor_id)
            rights = plan_rights(actor, plan, account_team=rights.account_team)
        record(session, actor=actor, action="update_plan", entity="account_plan", entity_id=plan.id, changes=changed)
        session.flush()
    return status_view(plan, policy=policy, today=today, rights=rights)


def add_objective(session: Session, *, actor: Actor, plan_id: int, description: str, lever: Lever | None,
                  target: Decimal, unit: str | None, actual: Decimal = Decimal(0), now: datetime, today: date,
                  policy: Policy) -> PlanStatusView:
    plan, rights = _editable(session, actor, plan_id)
    problems: list[InvalidInput] = []
    description = checks.required(description, field="description", limit=DESCRIPTION, problems=problems)
    target = checks.figure(target, field="target", problems=problems, positive=True)
    actual = checks.figure(actual, field="actual", problems=problems)
    unit = checks.text(unit, field="unit", limit=UNIT, problems=problems)
    checks.raise_any(problems)
    objective = PlanObjective(plan=plan, description=description, lever=lever, target=target, unit=unit,
                              actual=actual)
    session.add(objective)
    session.flush()
    record(session, actor=actor, action="add_plan_objective", entity="plan_objective", entity_id=objective.id,
           changes={"plan_id": plan.id, "description": [None, description], "lever": [None, lever],
                    "target": [None, target], "unit": [None, unit], "actual": [None, actual]})
    return status_view(plan, policy=policy, today=today, rights=rights)


def update_objective(session: Session, *, actor: Actor, objective_id: int, changes: ObjectiveChanges, now: datetime,
                     today: date, policy: Policy) -> PlanStatusView:
    objective = session.get(PlanObjective, objective_id)
    if objective is None:
        raise NotFound(what="plan objective", name=str(objective_id))
    plan, rights = _editable(session, actor, objective.plan_id)
    fields = changes.model_fields_set
    problems: list[InvalidInput] = []
    new = {}
    if "description" in fields:
        new["description"] = checks.required(changes.description, field="description", limit=DESCRIPTION,
                                             problems=problems)
    if "lever" in fields:
        new["lever"] = changes.lever
    if "unit" in fields:
        new["unit"] = checks.text(changes.unit, field="unit", limit=UNIT, problems=problems)
    if "target" in fields:
        new["target"] = checks.figure(changes.target, field="target", problems=problems, positive=True)
    if "actual" in fields:
        new["actual"] = checks.figure(changes.actual, field="actual", problems=problems)
    checks.raise_any(problems)
    _change_objective(session, actor, objective, new)
    return status_view(plan, policy=policy, today=today, rights=rights)


def set_objective_actual(session: Session, *, actor: Actor, account_id: int, words: str, actual: Decimal,
                         now: datetime, today: date, policy: Policy) -> PlanStatusView:
    """Update the actual of the current plan's objective that `words` name: a growth lever ("usage",
    "cross-sell") or words of its description."""
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy)
    plans = session.scalars(select(AccountPlan).where(AccountPlan.account_id == account.id)).all()
    plan = current_plan(plans, today)
    if plan is None:
        raise NotFound(what="account plan", name=account.name)
    plan, rights = _editable(session, actor, plan.id)
    objective = _objective_named(plan.objectives, words)
    problems: list[InvalidInput] = []
    actual = checks.figure(actual, field="actual", problems=problems)
    checks.raise_any(problems)
    _change_objective(session, actor, objective, {"actual": actual})
    return status_view(plan, policy=policy, today=today, rights=rights)


def add_action(session: Session, *, actor: Actor, plan_id: int, description: str, owner_id: int | None,
               due_date: date | None, now: datetime, today: date, policy: Policy) -> PlanStatusView:
    plan, rights = _editable(session, actor, plan_id)
    problems: list[InvalidInput] = []
    description = checks.required(description, field="description", limit=DESCRIPTION, problems=problems)
    owner_id = _person_id(session, owner_id, field="owner_id", problems=problems)
    if due_date is not None and due_date < today:
        problems.append(InvalidInput(field="due_date", problem="due_in_past"))
    checks.raise_any(problems)
    action = PlanAction(plan=plan, description=description, owner_id=owner_id, due_date=due_date,
                        status=ActionStatus.open)
    session.add(action)
    session.flush()
    record(session, actor=actor, action="add_plan_action", entity="plan_action", entity_id=action.id, changes={
        "plan_id": plan.id, "description": [None, description], "owner_id": [None, owner_id],
        "due_date": [None, due_date]})
    return status_view(plan, policy=policy, today=today, rights=rights)


def update_action(session: Session, *, actor: Actor, action_id: int, expected_version: int | None,
                  changes: ActionChanges, now: datetime, today: date, policy: Policy) -> PlanStatusView:
    """Assign, reschedule, complete, reopen or cancel an action, or reword it. The action's owner may do all
    but rewording it; whoever may edit the plan may do everything."""
    action = locked_action(session, action_id)
    plan, rights = plan_and_rights(session, actor, action.plan_id)
    fields = changes.model_fields_set
    require(actor, Action.edit_plan if "description" in fields else Action.complete_plan_action,
            allowed=rights.edit if "description" in fields else may_change_action(actor, plan, action, rights))
    check_action_version(session, action, expected_version)
    problems: list[InvalidInput] = []
    new = {}
    if "description" in fields:
        new["description"] = checks.required(changes.description, field="description", limit=DESCRIPTION,
                                             problems=problems)
    if "owner_id" in fields:
        new["owner_id"] = _person_id(session, changes.owner_id, field="owner_id", problems=problems)
    if "due_date" in fields:
        if changes.due_date is not None and changes.due_date != action.due_date and changes.due_date < today:
            problems.append(InvalidInput(field="due_date", problem="due_in_past"))
        new["due_date"] = changes.due_date
    if "status" in fields:
        if changes.status is None:
            problems.append(InvalidInput(field="status", problem="status_missing"))
        new["status"] = changes.status or action.status
    checks.raise_any(problems)
    changed = {name: [getattr(action, name), value] for name, value in new.items() if getattr(action, name) != value}
    if not changed:
        return status_view(plan, policy=policy, today=today, rights=rights)
    for name, (_old, value) in changed.items():
        setattr(action, name, value)
    if "owner_id" in changed:
        action.owner = _person(session, action.owner_id)
    if "status" in changed:
        action.completed_at = now if action.status == ActionStatus.done else None
    record(session, actor=actor, action="update_plan_action", entity="plan_action", entity_id=action.id,
           changes={"plan_id": plan.id, **changed})
    flush_or_conflict(session, what="plan action")
    return status_view(plan, policy=policy, today=today, rights=rights)


def record_review(session: Session, *, actor: Actor, plan_id: int, reviewed_on: date, notes: str,
                  customer_view: str | None = None, now: datetime, today: date, policy: Policy) -> PlanStatusView:
    """A manager's or the sponsor's review of the plan: it resets the plan's staleness (last_reviewed_at)."""
    plan, rights = plan_and_rights(session, actor, plan_id)
    require(actor, Action.review_plan, allowed=rights.review)
    problems: list[InvalidInput] = []
    if reviewed_on > today:
        problems.append(InvalidInput(field="reviewed_on", problem="date_in_future"))
    elif reviewed_on < today - timedelta(days=REVIEW_DAYS_BACK):
        problems.append(InvalidInput(field="reviewed_on", problem="date_long_ago", years=1))
    notes = checks.text(notes, field="notes", limit=LONG_TEXT, problems=problems)
    if notes is None:
        problems.append(InvalidInput(field="notes", problem="empty_review"))
    customer_view = checks.text(customer_view, field="customer_view", limit=LONG_TEXT, problems=problems)
    checks.raise_any(problems)
    write_review(session, actor=actor, plan=plan, reviewed_on=reviewed_on, notes=notes, customer_view=customer_view,
                 now=now, today=today)
    return status_view(plan, policy=policy, today=today, rights=rights)


# ---- helpers ------------------------------------------------------------------------------------

def _editable(session: Session, actor: Actor, plan_id: int) -> tuple[AccountPlan, PlanRights]:
    plan, rights = plan_and_rights(session, actor, plan_id)
    require(actor, Action.edit_plan, allowed=rights.edit)
    return plan, rights


def _change_objective(session: Session, actor: Actor, objective: PlanObjective, new: dict) -> None:
    changed = {name: [getattr(objective, name), value] for name, value in new.items()
               if getattr(objective, name) != value}
    if not changed:
        return
    for name, (_old, value) in changed.items():
        setattr(objective, name, value)
    record(session, actor=actor, action="update_plan_objective", entity="plan_objective", entity_id=objective.id,
           changes={"plan_id": objective.plan_id, **changed})
    session.flush()


def _check_overlap(session: Session, *, account_id: int, start: date, end: date, problems: list[InvalidInput],
                   except_plan: int | None = None) -> None:
    if end < start:
        return
    found = (select(AccountPlan.period_start, AccountPlan.period_end)
             .where(AccountPlan.account_id == account_id, AccountPlan.period_start <= end,
                    AccountPlan.period_end >= start)
             .order_by(AccountPlan.period_start))
    if except_plan is not None:
        found = found.where(AccountPlan.id != except_plan)
    other = session.execute(found.limit(1)).first()
    if other:
        problems.append(InvalidInput(field=None, problem="plan_exists", period_start=other.period_start,
                                     period_end=other.period_end))


def _person_id(session: Session, person_id: int | None, *, field: str, problems: list[InvalidInput]) -> int | None:
    if person_id is None:
        return None
    if not session.scalar(select(Person.id).where(Person.id == person_id, Person.active)):
        problems.append(InvalidInput(field=field, problem="no_such_person"))
    return person_id


def _person(session: Session, person_id: int | None) -> Person | None:
    return session.get(Person, person_id) if person_id is not None else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _objective_named(objectives: list[PlanObjective], words: str) -> PlanObjective:
    asked = " ".join((words or "").lower().split())
    levers = {lever for lever, names in LEVER_WORDS.items() if asked in names}
    found = [o for o in objectives if o.lever in levers]
    if not found:
        wanted = _words(asked)
        found = [o for o in objectives if wanted and all(w in _words(o.description) for w in wanted)]
    if len(found) == 1:
        return found[0]
    choices = [o.description for o in (found or objectives)]
    problem = "objective_ambiguous" if found else "no_such_objective"
    raise InvalidInput(field="objective", problem=problem, words=words, choices=choices)
