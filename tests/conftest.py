"""Fixtures: every storage test runs on SQLite and, when KAM_TEST_POSTGRES_URL is
set, on PostgreSQL too. The schema comes from the alembic migrations, as in
production; each test runs inside a transaction that is rolled back."""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from kam_core.db import make_engine
from kam_core.schema import upgrade
from templates import i18n

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get("KAM_TEST_POSTGRES_URL")

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="KAM_TEST_POSTGRES_URL not set"))]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English: a CLI command run in-process as a Chinese-speaking person leaves its
    language set on the thread, as the next request would find it (the bot resets it per request)."""
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def count_statements(bind, work) -> int:
    """How many SQL statements `work()` sends through `bind` (a Session, an Engine or a Connection)."""
    target = bind.get_bind() if hasattr(bind, "get_bind") else bind
    statements = []

    def seen(*_):
        statements.append(1)

    event.listen(target, "before_cursor_execute", seen)
    try:
        work()
    finally:
        event.remove(target, "before_cursor_execute", seen)
    return len(statements)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


def postgres_url_with_schema(schema: str) -> str:
    """A URL whose connections use their own schema, so test runs never collide."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def fresh_database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'kam.db'}"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return postgres_url_with_schema(schema)


def drop_database(url: str) -> None:
    if "search_path" in url:
        schema = url.rsplit("%3D", 1)[1]
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def engine(backend, tmp_path_factory):
    url = fresh_database_url(backend, tmp_path_factory.mktemp(backend))
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    drop_database(url)


@pytest.fixture
def empty_target(backend, tmp_path):
    """A second database, migrated and empty, on the same backend: where `kam import export` restores to."""
    (tmp_path / "target").mkdir()
    url = fresh_database_url(backend, tmp_path / "target")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture
def session(engine):
    """A session whose commits are savepoints inside one rolled-back transaction."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest.fixture
def database_url(backend, tmp_path):
    """A fresh, migrated database of its own, for tests that run the CLI or commit."""
    url = fresh_database_url(backend, tmp_path)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_database(url)
