"""Bulk writing for the demo: buffered Core inserts with our own ids, the wipe, the marker.

Ids are assigned here, so a row never waits for the database to number it and a
child row can point at its parent before either is written. Buffers are flushed
in foreign-key order.
"""

import time
from collections import defaultdict

from sqlalchemy import Table, delete, exists, insert, select, text
from sqlalchemy.orm import Session

from kam_core import models
from kam_core.audit.models import AuditEntry

# The pipeline stages come with the schema (migration 0001); the demo uses them and keeps them.
KEPT_TABLES = {"stages"}
DEMO_ACTION = "demo"
CHUNK_ROWS = 20_000


def data_tables() -> list[Table]:
    """Every table the demo fills or wipes, parents before children."""
    return [t for t in models.Base.metadata.sorted_tables if t.name not in KEPT_TABLES]


def holds_data(session: Session) -> bool:
    return any(session.scalar(select(exists().select_from(table))) for table in data_tables())


def made_by_demo(session: Session) -> bool:
    """The marker: `kam demo` writes an audit_log row with action "demo"; nothing else does."""
    return bool(session.scalar(select(exists().where(AuditEntry.action == DEMO_ACTION))))


def wipe(session: Session) -> None:
    tables = data_tables()
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(session.get_bind().dialect.identifier_preparer.quote(t.name) for t in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        return
    for table in reversed(tables):
        session.execute(delete(table))


class BulkWriter:
    """Buffers rows per table and inserts them in chunks; keeps counts and insert time per table."""

    def __init__(self, session: Session, order: list[Table]) -> None:
        self.session = session
        self.order = order
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.next_ids: dict[str, int] = defaultdict(lambda: 1)
        self.counts: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.buffered = 0

    def new_id(self, table: Table) -> int:
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def add(self, table: Table, row: dict) -> None:
        self.buffers[table.name].append(row)
        self.buffered += 1

    def maybe_flush(self) -> None:
        if self.buffered >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        for table in self.order:
            rows = self.buffers.pop(table.name, None)
            if rows:
                self.insert(table, rows)
        self.buffered = 0

    def insert(self, table: Table, rows: list[dict]) -> None:
        started = time.perf_counter()
        for start in range(0, len(rows), CHUNK_ROWS):
            self.session.execute(insert(table), rows[start:start + CHUNK_ROWS])
        self.seconds[table.name] += time.perf_counter() - started
        self.counts[table.name] += len(rows)

    def sync_sequences(self) -> None:
        """PostgreSQL numbers new rows from a sequence; move each past the ids we chose."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in self.order:
            if "id" not in table.c or not self.counts.get(table.name):
                continue
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
            ))
