"""Engine and session factory for SQLite (default) and PostgreSQL."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import kam_core.models  # noqa: F401 - every mapped class, and the ORM change watchers (kam_core.changes)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs) -> Engine:
    """`busy_timeout_ms`: how long a SQLite connection waits for another writer's lock before failing."""
    # The connection used last goes out first: one at a time, requests keep reusing the same warm
    # connection (SQLite's page and statement caches, PostgreSQL's prepared statements) instead of
    # cycling through the whole pool.
    kwargs.setdefault("pool_use_lifo", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_timeout_ms=busy_timeout_ms))
        writers = threading.RLock()
        event.listen(engine, "begin", partial(_sqlite_begin, writers=writers, wait_s=busy_timeout_ms / 1000))
        event.listen(engine, "commit", _release_writer)
        event.listen(engine, "rollback", _release_writer)
        return engine
    # No pool_pre_ping: it costs every request a round trip. A connection the server dropped fails its
    # first statement instead; SQLAlchemy then discards the whole pool, and `once_more_if_dropped` runs
    # the unit of work again on a fresh connection. psycopg prepares a statement from its second
    # execution on a connection (default: the sixth), so the hot paths' statements are planned once.
    if url.startswith("postgresql+psycopg"):
        kwargs.setdefault("connect_args", {}).setdefault("prepare_threshold", PREPARE_THRESHOLD)
    return create_engine(url, **kwargs)


PREPARE_THRESHOLD = 1
T = TypeVar("T")


def dropped(error: BaseException) -> bool:
    """The database connection was lost (the server restarted, a network cut): the pool is renewed."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def once_more_if_dropped(work: Callable[[], T]) -> T:
    """`work()` (a whole unit of work), run a second time when the first lost its connection: after a
    database restart the first request meets a dead pooled connection, and should not fail for it.
    Only connection loss is retried; the first attempt's transaction was rolled back with it."""
    try:
        return work()
    except DBAPIError as error:
        if not dropped(error):
            raise
    return work()


READ_ONLY = "kam_read_only"


def _sqlite_begin(connection, *, writers: threading.RLock, wait_s: float) -> None:
    # IMMEDIATE takes the write lock up front. A deferred transaction that reads
    # and then writes cannot wait for a busy writer (SQLite answers "database is
    # locked" at once to avoid a deadlock); an immediate one waits its turn.
    # Work that only reads (see read_only_sessions) begins deferred, so readers
    # never queue behind writers: WAL lets them read while one writer commits.
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    # Writers of this process queue on a lock of ours first: SQLite's busy
    # handler sleeps and retries, which under many threads lets some wait past
    # the timeout while others get in; a lock hands the turn over at once.
    if not writers.acquire(timeout=wait_s):
        raise sqlite3.OperationalError("database is locked")
    connection.info[WRITER] = writers
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release_writer(connection)
        raise


WRITER = "kam_writer_lock"


def _release_writer(connection) -> None:
    lock = connection.info.pop(WRITER, None)
    if lock is not None:
        lock.release()


def _sqlite_pragmas(dbapi_connection, _record, *, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs (a nested rollback
    # can commit the outer work); SQLAlchemy's documented fix is to turn it off
    # here and emit BEGIN ourselves on "begin".
    dbapi_connection.isolation_level = None
    # WAL lets readers work while one writer commits; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def read_only_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions for work that reads only. On SQLite they begin DEFERRED; a write
    in one still works but may be refused with "database is locked" when another
    writer is busy, so use them only where writes are rare side effects."""
    options = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        # No BEGIN and COMMIT round trips around a few SELECTs: each statement reads committed data.
        options["isolation_level"] = "AUTOCOMMIT"
    return sessionmaker(engine.execution_options(**options), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def refresh_statistics(session: Session) -> None:
    """ANALYZE after a bulk load. PostgreSQL's autovacuum may take many minutes to get to it, and until
    then the planner guesses: /kam mine scanned all 1,000,000 interactions instead of its index."""
    session.execute(text("ANALYZE"))
