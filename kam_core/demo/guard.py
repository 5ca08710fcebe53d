"""What a demo would destroy: everything in the database it did not write itself.

`kam demo` replaces the database's contents. Its marker (the audit_log row with action "demo") only says
the demo made the database once; an import or a note logged afterwards leaves the marker in place, so the
marker alone cannot tell "a demo database" from "a demo database people have worked in". The marker
therefore also holds a snapshot of every table as the demo left it (rows, last id, latest update), and
what was written since is found three ways, each a net for what another misses:

- rows added: ids past the snapshot's last id (rows beyond its count, for a table without ids);
- rows changed: an `updated_at` later than both the marker and the demo's own latest one;
- the audit log: every entry after the marker, by action (every service that writes on a person's
  behalf records one, imports included).

In a database without a marker, every row counts. The tables below are bookkeeping nobody wrote (change
markers, Slack retry keys, the installation state, digest and reminder deliveries): never counted.
"""

from datetime import datetime

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from kam_core.audit.models import AuditEntry
from kam_core.demo.schemas import Found
from kam_core.demo.writer import DEMO_ACTION, data_tables
from kam_core.errors import NotDemoDatabase

BOOKKEEPING = {"change_markers", "processed_events", "installations", "deliveries"}
AUDIT = AuditEntry.__table__.name


class DemoWouldReplace(NotDemoDatabase):
    """The refusal, with what would be lost for the CLI to list; errors.j2 words its short form."""

    def __init__(self, found: Found) -> None:
        super().__init__()
        self.found = found


def kept_tables() -> list[Table]:
    """The tables whose rows a person may have written, parents before children."""
    return [t for t in data_tables() if t.name not in BOOKKEEPING]


def snapshot(session: Session) -> dict[str, dict]:
    """Every kept table as it is now, for the demo's marker: rows, last id, latest update."""
    tables = {}
    for table in kept_tables():
        columns = [func.count()]
        if "id" in table.c:
            columns.append(func.max(table.c.id))
        if "updated_at" in table.c:
            columns.append(func.max(table.c.updated_at))
        row = session.execute(select(*columns).select_from(table)).one()
        entry = {"rows": row[0]}
        if "id" in table.c:
            entry["last_id"] = row[1] or 0
        if "updated_at" in table.c and row[-1] is not None:
            entry["last_update"] = row[-1].isoformat()
        tables[table.name] = entry
    return tables


def found_since_demo(session: Session) -> Found:
    """What is in the database that the last demo did not write (all of it when no demo made it)."""
    marker = session.scalar(select(AuditEntry).where(AuditEntry.action == DEMO_ACTION)
                            .order_by(AuditEntry.id.desc()).limit(1))
    if marker is None:
        return Found(made_by_demo=False, added=_all_rows(session), done=_actions(session, after_id=None))
    changes = marker.changes or {}
    tables = changes.get("tables")
    since = marker.at
    added, changed = {}, {}
    for table in kept_tables():
        if table.name == AUDIT:
            continue
        if tables is None:  # a marker from before snapshots: only the sizes it recorded are known
            entry = _sizes_of_an_old_marker(changes).get(table.name)
            count = _added(session, table, entry) if entry else 0
        else:
            entry = tables.get(table.name, {"rows": 0, "last_id": 0})
            count = _added(session, table, entry)
            updated = _changed(session, table, entry, since)
            if updated:
                changed[table.name] = updated
        if count:
            added[table.name] = count
    return Found(made_by_demo=True, demo_at=since, seed=changes.get("seed"), added=added, changed=changed,
                 done=_actions(session, after_id=marker.id))


def _all_rows(session: Session) -> dict[str, int]:
    counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in kept_tables() if t.name != AUDIT}
    return {name: count for name, count in counts.items() if count}


def _actions(session: Session, *, after_id: int | None) -> dict[str, int]:
    query = select(AuditEntry.action, func.count()).group_by(AuditEntry.action).order_by(AuditEntry.action)
    if after_id is not None:
        query = query.where(AuditEntry.id > after_id)
    return dict(session.execute(query).all())


def _added(session: Session, table: Table, entry: dict) -> int:
    if "id" in table.c and entry.get("last_id") is not None:
        return session.scalar(select(func.count()).select_from(table).where(table.c.id > entry["last_id"]))
    return max(0, session.scalar(select(func.count()).select_from(table)) - entry["rows"])


def _changed(session: Session, table: Table, entry: dict, since: datetime) -> int:
    """Rows the demo wrote that were updated after it. The demo dates some rows later in its own day (a
    deal closed "today" at 15:00), so only updates later than its latest one count; an update before
    that is still caught by the audit log."""
    if "updated_at" not in table.c or "id" not in table.c:
        return 0
    if "last_update" in entry:
        since = max(since, datetime.fromisoformat(entry["last_update"]))
    return session.scalar(select(func.count()).select_from(table).where(
        table.c.id <= entry.get("last_id", 0), table.c.updated_at > since))


def _sizes_of_an_old_marker(changes: dict) -> dict[str, dict]:
    sizes = {"accounts": changes.get("accounts"), "interactions": changes.get("interactions"),
             "opportunities": changes.get("opportunities")}
    if changes.get("reps") is not None and changes.get("managers") is not None:
        # and the admin; "people" is in markers since the Chinese-speaking pair came (before: none).
        sizes["people"] = changes.get("people") or changes["reps"] + changes["managers"] + 1
    return {name: {"rows": rows} for name, rows in sizes.items() if rows is not None}
