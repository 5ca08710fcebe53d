"""A plan's history: its reviews and the audited changes of the plan, its objectives and actions.

Each entry is data (a `kind` and its `params`); the wording is the template's. An audited change of
several fields becomes one entry per field, so "rescheduled" and "assigned" read as two lines.
"""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from kam_core.accounts.access import visible_account
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import ActionStatus
from kam_core.errors import NotFound
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.schemas import HistoryEntry, PlanHistoryView
from kam_core.policy import Policy

# An action's status change, as the reader would say it.
STATUS_KINDS = {ActionStatus.done: "action_completed", ActionStatus.cancelled: "action_cancelled",
                ActionStatus.open: "action_reopened", ActionStatus.in_progress: "action_started"}
ACTION_FIELD_KINDS = {"due_date": "action_rescheduled", "owner_id": "action_assigned",
                      "description": "action_reworded"}


def plan_history(session: Session, *, actor: Actor, plan_id: int, policy: Policy, limit: int = 50) -> PlanHistoryView:
    plan = session.get(AccountPlan, plan_id)
    if plan is None:
        raise NotFound(what="account plan", name=str(plan_id))
    account = visible_account(session, actor=actor, account_id=plan.account_id, policy=policy)
    objectives = {o.id: o.description for o in session.scalars(
        select(PlanObjective).where(PlanObjective.plan_id == plan.id))}
    actions = {a.id: a.description for a in session.scalars(select(PlanAction).where(PlanAction.plan_id == plan.id))}
    entries = [*_reviews(session, plan.id, limit), *_changes(session, plan.id, objectives, actions, limit)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return PlanHistoryView(plan_id=plan.id, account_id=account.id, account_name=account.name,
                           period_start=plan.period_start, period_end=plan.period_end, entries=entries[:limit],
                           more=len(entries) > limit)


def _reviews(session: Session, plan_id: int, limit: int) -> list[HistoryEntry]:
    reviews = session.scalars(select(PlanReview).where(PlanReview.plan_id == plan_id)
                              .options(joinedload(PlanReview.reviewer))
                              .order_by(PlanReview.created_at.desc(), PlanReview.id.desc()).limit(limit + 1))
    return [HistoryEntry(at=r.created_at, who=r.reviewer.name if r.reviewer else None, kind="review", params={
        "reviewed_on": r.reviewed_on, "notes": r.notes, "customer_view": r.customer_view}) for r in reviews]


def _changes(session: Session, plan_id: int, objectives: dict[int, str], actions: dict[int, str],
             limit: int) -> list[HistoryEntry]:
    rows = session.execute(
        select(AuditEntry, Person.name).outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(or_(
            (AuditEntry.entity == "account_plan") & (AuditEntry.entity_id == plan_id),
            (AuditEntry.entity == "plan_objective") & AuditEntry.entity_id.in_(list(objectives) or [-1]),
            (AuditEntry.entity == "plan_action") & AuditEntry.entity_id.in_(list(actions) or [-1]),
        ))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)).all()
    names = _people_named(session, rows)
    entries: list[HistoryEntry] = []
    for entry, who_name in rows:
        who = who_name or entry.actor_label
        changes = entry.changes or {}
        for kind, params in _described(entry, changes, objectives, actions, names):
            entries.append(HistoryEntry(at=entry.at, who=who, kind=kind, params=params))
    return entries


def _described(entry: AuditEntry, changes: dict, objectives: dict[int, str], actions: dict[int, str],
               names: dict[int, str]):
    """(kind, params) for each thing one audit entry says happened."""
    if entry.entity == "account_plan":
        if entry.action == "create_plan":
            yield "plan_created", {"period_start": _new(changes, "period_start"),
                                   "period_end": _new(changes, "period_end")}
            return
        if entry.action == "review_plan":  # before reviews were stored as PlanReview rows
            yield "plan_reviewed", {}
            return
        for field, (old, new) in _pairs(changes):
            if field == "executive_sponsor_id":
                yield "plan_sponsor_changed", {"old": names.get(old), "new": names.get(new)}
            else:
                yield "plan_changed", {"field": field, "old": old, "new": new}
        return
    if entry.entity == "plan_objective":
        description = objectives.get(entry.entity_id, "")
        if entry.action == "add_plan_objective":
            yield "objective_added", {"description": description, "lever": _new(changes, "lever"),
                                      "target": _new(changes, "target"), "unit": _new(changes, "unit")}
            return
        for field, (old, new) in _pairs(changes):
            yield "objective_changed", {"description": description, "field": field, "old": old, "new": new}
        return
    description = actions.get(entry.entity_id, "")
    if entry.action == "add_plan_action":
        owner = _new(changes, "owner_id")
        yield "action_added", {"description": description, "owner": names.get(owner),
                               "due_date": _day(_new(changes, "due_date"))}
        return
    for field, (old, new) in _pairs(changes):
        if field == "status":
            yield STATUS_KINDS.get(new, "action_status_changed"), {"description": description, "old": old,
                                                                  "new": new}
        elif field == "owner_id":
            yield "action_assigned", {"description": description, "old": names.get(old), "new": names.get(new)}
        elif field == "due_date":
            yield "action_rescheduled", {"description": description, "old": _day(old), "new": _day(new)}
        else:
            yield ACTION_FIELD_KINDS.get(field, "action_changed"), {"description": description, "field": field,
                                                                     "old": old, "new": new}


def _pairs(changes: dict):
    """The [old, new] pairs, by field name: a JSON column need not keep the order they were written in."""
    return sorted((field, value) for field, value in changes.items() if isinstance(value, list) and len(value) == 2)


def _new(changes: dict, field: str):
    value = changes.get(field)
    return value[1] if isinstance(value, list) and len(value) == 2 else None


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _people_named(session: Session, rows) -> dict[int, str]:
    """The names of the people an entry mentions (a sponsor, an action's owner), in one statement."""
    ids = set()
    for entry, _name in rows:
        for field in ("owner_id", "executive_sponsor_id"):
            value = (entry.changes or {}).get(field)
            if isinstance(value, list):
                ids.update(v for v in value if isinstance(v, int))
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())
