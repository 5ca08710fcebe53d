"""Bulk writing for the demo: buffered Core inserts with our own ids, the wipe, the marker.

Ids are assigned here, so a row never waits for the database to number it and a
child row can point at its parent before either is written. Buffers are flushed
in foreign-key order.
"""

import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import Table, delete, exists, insert, select, text
from sqlalchemy.orm import Session

from kam_core import models
from kam_core.base import UTCDateTime
from kam_core.progress import advance

# The pipeline stages (migration 0001) and the lost reasons (0005) come with the schema; the demo uses
# them and keeps them, and a database holding only them is empty.
KEPT_TABLES = {"stages", "lost_reasons"}
# The marker: `kam demo` writes an audit_log row with this action; nothing else does (kam_core.demo.guard).
DEMO_ACTION = "demo"
CHUNK_ROWS = 20_000


def _sqlite_plan(table: Table, dialect) -> tuple[str, list[str], list[tuple[int, Callable]]]:
    compiled = insert(table).compile(dialect=dialect)
    keys = list(compiled.positiontup)
    processors = []
    for index, key in enumerate(keys):
        column_type = table.c[key].type
        if isinstance(column_type, UTCDateTime):
            processors.append((index, _utc_text))
            continue
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((index, process))
    return compiled.string, keys, processors


def _utc_text(value: datetime) -> str:
    # What UTCDateTime + SQLAlchemy's SQLite DATETIME store, e.g. "2026-11-25 08:05:00.000000".
    if value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware one")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def data_tables() -> list[Table]:
    """Every table the demo fills or wipes, parents before children."""
    return [t for t in models.Base.metadata.sorted_tables if t.name not in KEPT_TABLES]


def holds_data(session: Session, tables=None) -> bool:
    """Whether any of `tables` (by default every data table) has a row."""
    return any(session.scalar(select(exists().select_from(table))) for table in tables or data_tables())


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

    def new_id(self, table: Table) -> int:
        return self.take_ids(table, 1)

    def take_ids(self, table: Table, count: int) -> int:
        """Reserve `count` consecutive ids; returns the first."""
        first = self.next_ids[table.name]
        self.next_ids[table.name] = first + count
        return first

    def add(self, table: Table, row: dict) -> None:
        self.buffers[table.name].append(row)

    def rows(self, table: Table) -> list[dict]:
        """The table's buffer, for a hot loop to append to directly (valid until the next flush)."""
        return self.buffers[table.name]

    def maybe_flush(self) -> None:
        if sum(len(rows) for rows in self.buffers.values()) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        for table in self.order:
            rows = self.buffers.pop(table.name, None)
            if rows:
                self.insert(table, rows)

    def insert(self, table: Table, rows: list[dict]) -> None:
        started = time.perf_counter()
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            self._insert_sqlite(table, rows)
        elif dialect == "postgresql":
            self._copy_postgres(table, rows)
        else:
            for start in range(0, len(rows), CHUNK_ROWS):
                self.session.execute(insert(table), rows[start:start + CHUNK_ROWS])
        self.seconds[table.name] += time.perf_counter() - started
        self.counts[table.name] += len(rows)
        advance("rows written", len(rows))

    def _insert_sqlite(self, table: Table, rows: list[dict]) -> None:
        """The same INSERT, executed by the driver with values converted by the column types' own
        bind processors: SQLAlchemy's per-row parameter handling was half the time of a large demo."""
        statement, keys, processors = _sqlite_plan(table, self.session.get_bind().dialect)
        get = itemgetter(*keys)
        converted = []
        for row in rows:
            values = list(get(row)) if len(keys) > 1 else [get(row)]
            for index, process in processors:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            converted.append(tuple(values))
        connection = self.session.connection()
        for start in range(0, len(converted), CHUNK_ROWS):
            connection.exec_driver_sql(statement, converted[start:start + CHUNK_ROWS])

    def _copy_postgres(self, table: Table, rows: list[dict]) -> None:
        """COPY ... FROM STDIN, in the session's transaction, values converted by the column types' own
        bind processors: several times faster than batches of INSERT for a million rows."""
        dialect = self.session.get_bind().dialect
        keys = [column.name for column in table.columns]
        processors = [(index, process) for index, key in enumerate(keys)
                      if (process := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        quote = dialect.identifier_preparer.quote
        statement = f"COPY {quote(table.name)} ({', '.join(quote(key) for key in keys)}) FROM STDIN"
        connection = self.session.connection().connection.driver_connection
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = [row[key] for key in keys]
                for index, process in processors:
                    if values[index] is not None:
                        values[index] = process(values[index])
                copy.write_row(values)

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
