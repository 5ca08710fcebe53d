"""Change markers: a cheap way for every process to notice that shared data
(e.g. account names) changed, without reloading it on every request.

Each marker is a row (name, version). ORM writes to watched models bump it in
the same transaction, automatically; bulk Core writes call `bump` themselves.
`KeptUntilChanged` holds a value derived from such data, per process and database.
"""

import secrets
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import BigInteger, String, bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kam_core.base import Base

ACCOUNT_NAMES = "account_names"
PIPELINE = "pipeline"  # open deals' amounts and stages (the high-value threshold)
FX_RATES = "fx_rates"  # exchange rates (kam_core.fx)
MARKERS = (ACCOUNT_NAMES, PIPELINE, FX_RATES)
# Where a session keeps the versions read with its first statement (see versions_column).
_SEEN = "kam_change_versions"


class ChangeMarker(Base):
    __tablename__ = "change_markers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_VERSION = select(ChangeMarker.version).where(ChangeMarker.name == bindparam("name"))  # built once: every request


def version(session: Session, name: str) -> int:
    seen = session.info.get(_SEEN)
    if seen is not None:
        return seen.get(name, 0)
    return session.scalar(_VERSION, {"name": name}) or 0


def versions_column():
    """Every marker's version as a column to add to a request's first statement (handlers.session reads
    them beside the person asking), so that a request's kept values cost no statement of their own."""
    from kam_core.sqljson import json_rows  # kam_core.sqljson needs nothing of this module; keep imports light

    return json_rows(select(ChangeMarker.name, ChangeMarker.version)).label("kam_versions")


def remember_versions(session: Session, value) -> None:
    """Keep the versions read by `versions_column` for the rest of this session (one unit of work)."""
    from kam_core.sqljson import rows_of

    session.info[_SEEN] = {row["name"]: int(row["version"]) for row in rows_of(value)}


T = TypeVar("T")


class KeptUntilChanged(Generic[T]):
    """`compute(session)`, kept per process and database until the marker `name` moves: one primary-key
    read per call otherwise. A random version per bump means a rolled-back change is never mistaken for
    the data kept (kam_core/accounts/resolver/index.py, kam_core/opportunities/priority.py)."""

    def __init__(self, name: str, compute: Callable[[Session], T]) -> None:
        self.name, self.compute = name, compute
        self._kept: dict[str, tuple[int, T]] = {}  # database URL → (marker version, value)
        self._lock = threading.Lock()  # one thread computes; the others wait for its value

    def get(self, session: Session) -> T:
        current = version(session, self.name)
        url = str(session.get_bind().engine.url)
        kept = self._kept.get(url)
        if kept is None or kept[0] != current:
            with self._lock:
                kept = self._kept.get(url)
                if kept is None or kept[0] != current:
                    kept = self._kept[url] = (current, self.compute(session))
        return kept[1]


def bump(session: Session, name: str) -> None:
    # A random version, not +1: a rolled-back bump can then never be mistaken
    # for a later, committed one that reached the same number.
    new = secrets.randbits(62) + 1
    bumped = session.execute(update(ChangeMarker).where(ChangeMarker.name == name).values(version=new))
    if bumped.rowcount == 0:
        session.execute(insert(ChangeMarker).values(name=name, version=new))
    if (seen := session.info.get(_SEEN)) is not None:
        seen[name] = new  # this unit of work sees its own change


def bump_all(session: Session) -> None:
    """For bulk writers that may have touched anything (demo data, restoring an export)."""
    for name in MARKERS:
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
