"""Engine and session factory for SQLite (default) and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs) -> Engine:
    """`busy_timeout_ms`: how long a SQLite connection waits for another writer's lock before failing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_timeout_ms=busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


READ_ONLY = "kam_read_only"


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front. A deferred transaction that reads
    # and then writes cannot wait for a busy writer (SQLite answers "database is
    # locked" at once to avoid a deadlock); an immediate one waits its turn.
    # Work that only reads (see read_only_sessions) begins deferred, so readers
    # never queue behind writers: WAL lets them read while one writer commits.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


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
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
