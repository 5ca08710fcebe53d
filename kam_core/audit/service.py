from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.clock import utcnow
from kam_core.people.models import Person


def record(session: Session, *, actor: Actor, action: str, entity: str, entity_id: int | None,
           changes: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """`at`: the moment the service acted (its `now`), so the entry and a StageChange written with it
    share one time; the clock's now when not given."""
    session.add(AuditEntry(at=at or utcnow(), actor_id=actor.person_id, actor_label=actor.label, action=action,
                           entity=entity, entity_id=entity_id, changes=_jsonable(changes)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def last_changed_by(session: Session, *, entity: str, entity_id: int) -> str:
    """The name of whoever made the latest audited change to a record, for conflict messages."""
    return last_change(session, entity=entity, entity_id=entity_id)[1]


def last_change(session: Session, *, entity: str, entity_id: int) -> tuple[int | None, str]:
    """(person id, name) of whoever made the latest audited change to a record; (None, "someone") if unknown."""
    row = session.execute(
        select(AuditEntry.actor_id, Person.name).select_from(AuditEntry)
        .outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1)
    ).first()
    return (row.actor_id, row.name or "someone") if row else (None, "someone")
