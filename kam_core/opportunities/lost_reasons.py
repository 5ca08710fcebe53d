"""Why deals are lost: the list a rep picks from when closing a deal as lost, kept by admins
(`kam lost-reasons list|add|retire`).

Rules:
- Names are unique whatever their case ("price" is "Price").
- Retiring a reason takes it off the list offered; deals lost for it keep it. Adding a retired
  name again brings it back, where it was in the list.
- New reasons go to the end of the list.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.errors import InvalidInput, NotFound
from kam_core.opportunities.models import LostReason
from kam_core.opportunities.schemas import LostReasonView
from kam_core.permissions import Action, require

NAME_LIMIT = 100


def reason_view(reason: LostReason) -> LostReasonView:
    return LostReasonView(id=reason.id, name=reason.name, position=reason.position, active=reason.active)


def lost_reasons(session: Session, *, include_retired: bool = False) -> list[LostReasonView]:
    """The reasons in list order; only those still offered unless `include_retired`."""
    query = select(LostReason).order_by(LostReason.position, LostReason.id)
    if not include_retired:
        query = query.where(LostReason.active)
    return [reason_view(r) for r in session.scalars(query)]


def _named(session: Session, name: str) -> LostReason | None:
    return session.scalar(select(LostReason).where(func.lower(LostReason.name) == name.lower()))


def _clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(field="name", problem="lost_reason_name_missing")
    if len(name) > NAME_LIMIT:
        raise InvalidInput(field="name", problem="lost_reason_name_too_long", length=len(name), limit=NAME_LIMIT)
    return name


def add_lost_reason(session: Session, *, actor: Actor, name: str) -> tuple[LostReasonView, str]:
    """Add a reason at the end of the list (or bring a retired one back). Returns the reason and what
    happened: "added", "restored" or "exists" (then nothing was written)."""
    require(actor, Action.manage_lost_reasons)
    name = _clean(name)
    existing = _named(session, name)
    if existing is not None and existing.active:
        return reason_view(existing), "exists"
    if existing is not None:
        existing.active = True
        record(session, actor=actor, action="restore_lost_reason", entity="lost_reason", entity_id=existing.id,
               changes={"active": [False, True]})
        session.flush()
        return reason_view(existing), "restored"
    last = session.scalar(select(func.max(LostReason.position))) or 0
    reason = LostReason(name=name, position=last + 1, active=True)
    session.add(reason)
    session.flush()
    record(session, actor=actor, action="add_lost_reason", entity="lost_reason", entity_id=reason.id,
           changes={"name": [None, name]})
    return reason_view(reason), "added"


def retire_lost_reason(session: Session, *, actor: Actor, name: str) -> tuple[LostReasonView, str]:
    """No longer offer a reason; deals lost for it keep it. Returns the reason and "retired", or
    "already_retired" (nothing written)."""
    require(actor, Action.manage_lost_reasons)
    name = _clean(name)
    reason = _named(session, name)
    if reason is None:
        raise NotFound(what="lost reason", name=name)
    if not reason.active:
        return reason_view(reason), "already_retired"
    reason.active = False
    record(session, actor=actor, action="retire_lost_reason", entity="lost_reason", entity_id=reason.id,
           changes={"active": [True, False]})
    session.flush()
    return reason_view(reason), "retired"
