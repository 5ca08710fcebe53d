"""Change markers: a cheap way for every process to notice that shared data
(e.g. account names) changed, without reloading it on every request.

Each marker is a row (name, version). ORM writes to watched models bump it in
the same transaction, automatically; bulk Core writes call `bump` themselves.
"""

import secrets

from sqlalchemy import BigInteger, String, bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kam_core.base import Base

ACCOUNT_NAMES = "account_names"
PIPELINE = "pipeline"  # open deals' amounts and stages (the high-value threshold)


class ChangeMarker(Base):
    __tablename__ = "change_markers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_VERSION = select(ChangeMarker.version).where(ChangeMarker.name == bindparam("name"))  # built once: every request


def version(session: Session, name: str) -> int:
    return session.scalar(_VERSION, {"name": name}) or 0


def bump(session: Session, name: str) -> None:
    # A random version, not +1: a rolled-back bump can then never be mistaken
    # for a later, committed one that reached the same number.
    new = secrets.randbits(62) + 1
    bumped = session.execute(update(ChangeMarker).where(ChangeMarker.name == name).values(version=new))
    if bumped.rowcount == 0:
        session.execute(insert(ChangeMarker).values(name=name, version=new))


def bump_all(session: Session) -> None:
    """For bulk writers that may have touched anything (demo data, restoring an export)."""
    for name in (ACCOUNT_NAMES, PIPELINE):
        bump(session, name)


def watch(name: str, *models: type, fields: set[str] | None = None) -> None:
    """Bump `name` whenever a flush adds, deletes, or (for `fields`) changes one of `models`."""

    @event.listens_for(Session, "before_flush")
    def _bump_on_change(session: Session, _context, _instances) -> None:
        touched = any(isinstance(o, models) for o in (*session.new, *session.deleted)) or any(
            isinstance(o, models) and _changed(o, fields) for o in session.dirty
        )
        if touched:
            bump(session, name)


def _changed(obj, fields: set[str] | None) -> bool:
    state = inspect(obj)
    names = fields or {a.key for a in state.mapper.column_attrs}
    return any(state.attrs[f].history.has_changes() for f in names if f in state.attrs)
