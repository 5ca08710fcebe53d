"""A deal's history: its stage changes and its audited edits, newest first (who, when, what).

Stage changes come from StageChange (every writer keeps them: the services, the demo, imports);
audited changes from the audit log. A change written by a service is in both, at the same moment
by the same person: it is shown once, as the audit entry (which also holds what else changed).
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload

from kam_core.accounts.access import visible_account
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Lever
from kam_core.errors import NotFound
from kam_core.opportunities.models import Opportunity, Stage, StageChange
from kam_core.opportunities.priority import high_value_threshold
from kam_core.opportunities.schemas import DealHistory, DealHistoryEntry, FieldChange
from kam_core.opportunities.service import may_move, view
from kam_core.people.models import Person
from kam_core.policy import Policy

# The order fields are told in, within one entry.
FIELD_ORDER = ("stage", "name", "amount", "currency", "product", "lever", "probability", "expected_close_date",
               "next_step", "closed_on", "lost_reason", "lost_note")
ACTIONS = {"create_opportunity": "created", "update_opportunity": "changed", "move_stage": "moved",
           "close_opportunity_won": "closed_won", "close_opportunity_lost": "closed_lost"}
PAGE = 20


def _typed(field: str, value):
    """An audited value (kept as JSON) back as what it was: a lever, an amount, a day, a percent."""
    if value is None:
        return None
    try:
        if field == "lever":
            return Lever(value)
        if field == "amount":
            return Decimal(str(value))
        if field in ("expected_close_date", "closed_on"):
            return date.fromisoformat(str(value))
        if field == "probability":
            return int(value)
    except (ValueError, ArithmeticError):
        return value
    return value


def _changes(changes: dict | None) -> list[FieldChange]:
    items = (changes or {}).items()
    ordered = sorted(items, key=lambda item: FIELD_ORDER.index(item[0]) if item[0] in FIELD_ORDER else len(FIELD_ORDER))
    return [FieldChange(field=field, old=_typed(field, pair[0]), new=_typed(field, pair[1])) for field, pair in ordered
            if isinstance(pair, list | tuple) and len(pair) == 2]


def _action(entry: AuditEntry) -> str:
    closed_on = (entry.changes or {}).get("closed_on")
    if closed_on and closed_on[1] is None:
        return "reopened"
    return ACTIONS.get(entry.action, "changed")


def deal_history(session: Session, *, actor: Actor, opportunity_id: int, policy: Policy, today: date,
                 limit: int = PAGE) -> DealHistory:
    """The deal and its last `limit` changes, newest first, for anyone who may see its account."""
    opportunity = session.get(Opportunity, opportunity_id, options=[joinedload(Opportunity.owner),
                                                                     joinedload(Opportunity.account)])
    if opportunity is None:
        raise NotFound(what="opportunity", name=str(opportunity_id))
    visible_account(session, actor=actor, account_id=opportunity.account_id, policy=policy)

    audited = session.execute(
        select(AuditEntry, Person.name).outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(AuditEntry.entity == "opportunity", AuditEntry.entity_id == opportunity_id)
    ).all()
    entries = [DealHistoryEntry(at=entry.at, who=name or entry.actor_label, action=_action(entry),
                                changes=_changes(entry.changes)) for entry, name in audited]
    told = {(entry.at, entry.actor_id) for entry, _ in audited if "stage" in (entry.changes or {})}
    before, after = aliased(Stage), aliased(Stage)
    moves = session.execute(
        select(StageChange, before.name, after.name, Person.name)
        .outerjoin(before, before.id == StageChange.from_stage_id).join(after, after.id == StageChange.to_stage_id)
        .outerjoin(Person, Person.id == StageChange.changed_by_id)
        .where(StageChange.opportunity_id == opportunity_id)
    ).all()
    entries += [DealHistoryEntry(at=move.changed_at, who=who or "someone", action="moved",
                                 changes=[FieldChange(field="stage", old=old, new=new)])
                for move, old, new, who in moves if (move.changed_at, move.changed_by_id) not in told]
    entries.sort(key=lambda e: e.at, reverse=True)
    deal = view(opportunity, high_value=high_value_threshold(session, policy.priority), policy=policy, today=today,
                may_move=may_move(actor, opportunity))
    return DealHistory(deal=deal, entries=entries[:limit], total=len(entries))
