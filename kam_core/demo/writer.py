"""Bulk writing for the demo: buffered Core inserts with our own ids, the wipe, the marker.

Ids are assigned here, so a row never waits for the database to number it and a
child row can point at its parent before either is written. Buffers are flushed
in foreign-key order.

On PostgreSQL every row goes in by COPY, during `BulkWriter.loading()`: on a thread of
its own (the database takes one chunk while Python generates the next) and with the
tables' foreign keys dropped, then put back, checked once over each whole table, in
the same transaction. Measured on 200,000 interactions: COPY took 5.5 s with the
foreign keys' per-row triggers and 1.6 s without them; putting them back took 0.3 s.
Rows go in COPY's binary format, which psycopg writes about five times faster than
text (0.09 s against 0.45 s for 200,000 interaction-like rows).
"""

import queue
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from operator import itemgetter

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Double,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    delete,
    exists,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from kam_core import models
from kam_core.base import UTCDateTime
from kam_core.db import refresh_statistics
from kam_core.progress import advance

# The pipeline stages (migration 0001) and the lost reasons (0005) come with the schema; the demo uses
# them and keeps them, and a database holding only them is empty.
KEPT_TABLES = {"stages", "lost_reasons"}
# The marker: `kam demo` writes an audit_log row with this action; nothing else does (kam_core.demo.guard).
DEMO_ACTION = "demo"
CHUNK_ROWS = 20_000
# Chunks (one table's rows of one flush) waiting for the COPY thread: Python generating faster than the
# database takes rows waits here rather than holding the whole demo in memory.
QUEUED_CHUNKS = 24
# Column types whose values psycopg sends in COPY's binary format as they are (given the column's type).
SENT_AS_IS = (Integer, BigInteger, String, Text, Date, Numeric, Double, Float, Boolean)
TIMESTAMPTZ = 1184


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


@dataclass(frozen=True)
class _CopyPlan:
    """How one table's rows go into COPY: the statement, a getter of a row's values in column order, the
    converters some values need first and, for the binary format, the type of each value sent."""
    statement: str
    get: Callable
    processors: list[tuple[int, Callable]]
    types: list[int] | None  # None: the text format


def _copy_plan(table: Table, dialect, column_types: dict[str, int]) -> _CopyPlan:
    """Binary COPY when every column is of a type sent as it is (psycopg formats binary rows several times
    faster than text, and the database parses them faster); text COPY through the column types' own bind
    processors otherwise (a JSON column, which no table the demo fills has)."""
    keys = [column.name for column in table.columns]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(key) for key in keys)}) FROM STDIN"
    get = itemgetter(*keys) if len(keys) > 1 else lambda row: (row[keys[0]],)
    processors, types = [], []
    for index, key in enumerate(keys):
        column_type = table.c[key].type
        if isinstance(column_type, UTCDateTime):
            # An aware datetime sent as timestamptz: its binary form is the instant in microseconds since
            # 2000-01-01 UTC, exactly what the timestamp column holds for it as naive UTC (UTCDateTime).
            # A naive datetime is refused by psycopg, as UTCDateTime refuses it.
            types.append(TIMESTAMPTZ)
            continue
        types.append(column_types[key])
        if isinstance(column_type, Enum) and column_type.enum_class and issubclass(column_type.enum_class, StrEnum):
            continue  # a StrEnum member is its stored value
        if isinstance(column_type, SENT_AS_IS):
            if (process := column_type.dialect_impl(dialect).bind_processor(dialect)) is not None:
                processors.append((index, process))  # Boolean's: a bool, strictly
            continue
        return _text_plan(table, dialect, statement, get)
    return _CopyPlan(f"{statement} (FORMAT BINARY)", get, processors, types)


def _text_plan(table: Table, dialect, statement: str, get: Callable) -> _CopyPlan:
    processors = []
    for index, column in enumerate(table.columns):
        if isinstance(column.type, UTCDateTime):
            processors.append((index, _naive_utc))
        elif (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None:
            processors.append((index, process))
    return _CopyPlan(statement, get, processors, None)


def _naive_utc(value: datetime) -> datetime:
    # What UTCDateTime binds, the usual case (a UTC datetime) first.
    if value.tzinfo is UTC:
        return value.replace(tzinfo=None)
    if value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware one")
    return value.astimezone(UTC).replace(tzinfo=None)


def _column_types(session: Session, tables: list[Table]) -> dict[str, dict[str, int]]:
    """The type (oid) of every column of `tables` in the database, by table and column name."""
    rows = session.execute(text(
        "SELECT c.relname, a.attname, a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE a.attrelid IN (SELECT to_regclass(n) FROM unnest(CAST(:names AS text[])) n)"
        " AND a.attnum > 0 AND NOT a.attisdropped"
    ), {"names": [_quoted(session, t) for t in tables]}).all()
    types: dict[str, dict[str, int]] = defaultdict(dict)
    for table, column, oid in rows:
        types[table][column] = oid
    return types


def _copy(connection, plan: _CopyPlan, rows: list[dict]) -> None:
    """COPY ... FROM STDIN on the driver connection, in its transaction."""
    get, processors = plan.get, plan.processors
    with connection.cursor() as cursor, cursor.copy(plan.statement) as copy:
        if plan.types is not None:
            copy.set_types(plan.types)
        write_row = copy.write_row
        if not processors:
            for row in rows:
                write_row(get(row))
            return
        for row in rows:
            values = list(get(row))
            for index, process in processors:
                if values[index] is not None:
                    values[index] = process(values[index])
            write_row(values)


class _CopyThread:
    """Runs the COPYs handed to it one after the other on a thread of its own, on the session's connection
    (nothing else may use it meanwhile). What it wrote, and how long that took, is kept in `done` for the
    generating thread to report (progress is told on that thread, where the reporter is installed)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.chunks: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.done: deque[tuple[str, int, float]] = deque()
        self.error: BaseException | None = None
        self.abandoned = False
        self.thread = threading.Thread(target=self._run, name="demo-copy", daemon=True)
        self.thread.start()

    def put(self, name: str, plan, rows: list[dict]) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put((name, plan, rows))

    def close(self, *, abandon: bool = False) -> None:
        """Wait for the chunks handed over (or, abandoning, only for the one being written); a COPY that
        failed raises here unless abandoning, when another error is already on its way."""
        self.abandoned = abandon
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and not abandon:
            raise self.error

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is not None or self.abandoned:
                continue  # keep taking chunks, so a put() never waits forever
            name, plan, rows = chunk
            started = time.perf_counter()
            try:
                _copy(self.connection, plan, rows)
            except BaseException as error:  # noqa: BLE001 - handed to the generating thread
                self.error = error
                continue
            self.done.append((name, len(rows), time.perf_counter() - started))


def _foreign_keys(session: Session, tables: list[Table]) -> dict[str, list[tuple[str, str]]]:
    """PostgreSQL's own definition of every foreign key of `tables`, by table (as PostgreSQL names it)."""
    rows = session.execute(text(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " WHERE c.contype = 'f' AND c.conrelid IN (SELECT to_regclass(n) FROM unnest(CAST(:names AS text[])) n)"
        " ORDER BY 1, 2"
    ), {"names": [_quoted(session, t) for t in tables]}).all()
    keys: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for table, name, definition in rows:
        keys[table].append((name, definition))
    return dict(keys)


def _quoted(session: Session, table: Table) -> str:
    return session.get_bind().dialect.identifier_preparer.quote(table.name)


def _drop_foreign_keys(session: Session, keys: dict[str, list[tuple[str, str]]]) -> None:
    quote = session.get_bind().dialect.identifier_preparer.quote
    for table, constraints in keys.items():
        drops = ", ".join(f"DROP CONSTRAINT {quote(name)}" for name, _ in constraints)
        session.execute(text(f"ALTER TABLE {table} {drops}"))


def _add_foreign_keys(session: Session, keys: dict[str, list[tuple[str, str]]]) -> None:
    """Each key back as it was; PostgreSQL checks every row against it (one join per key)."""
    quote = session.get_bind().dialect.identifier_preparer.quote
    for table, constraints in keys.items():
        adds = ", ".join(f"ADD CONSTRAINT {quote(name)} {definition}" for name, definition in constraints)
        session.execute(text(f"ALTER TABLE {table} {adds}"))


def analyze(session: Session, tables: list[Table]) -> None:
    """Fresh planner statistics after the load; on PostgreSQL for the tables written only (a bare ANALYZE
    goes through every schema of the database)."""
    if session.get_bind().dialect.name != "postgresql":
        refresh_statistics(session)
        return
    session.execute(text(f"ANALYZE {', '.join(_quoted(session, t) for t in tables)}"))


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
        self._copies: _CopyThread | None = None
        self._plans: dict[str, _CopyPlan] = {}

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Around the writing of the rows; everything buffered is written when it ends. On PostgreSQL, COPY
        runs on its own thread meanwhile and the foreign keys of the tables written are put back at the end
        (see the module's doc): the session must not be used inside, but through this writer."""
        if self.session.get_bind().dialect.name != "postgresql":
            yield
            self.flush()
            return
        self._plan_copies()
        keys = _foreign_keys(self.session, self.order)
        _drop_foreign_keys(self.session, keys)
        self._copies = copies = _CopyThread(self.session.connection().connection.driver_connection)
        try:
            yield
            self.flush()
        except BaseException:
            self._copies = None
            copies.close(abandon=True)
            raise
        self._copies = None
        copies.close()
        self._report_copies(copies)
        _add_foreign_keys(self.session, keys)

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
        if self._copies is not None:
            self._copies.put(table.name, self._plans[table.name], rows)
            self._report_copies(self._copies)
            return
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

    def _report_copies(self, copies: _CopyThread) -> None:
        while copies.done:
            name, count, seconds = copies.done.popleft()
            self.seconds[name] += seconds
            self.counts[name] += count
            advance("rows written", count)

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
        """COPY ... FROM STDIN, in the session's transaction (outside `loading()`, on this thread): several
        times faster than batches of INSERT for a million rows."""
        self._plan_copies()
        _copy(self.session.connection().connection.driver_connection, self._plans[table.name], rows)

    def _plan_copies(self) -> None:
        if not self._plans:
            types = _column_types(self.session, self.order)
            dialect = self.session.get_bind().dialect
            self._plans = {t.name: _copy_plan(t, dialect, types[t.name]) for t in self.order}

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
