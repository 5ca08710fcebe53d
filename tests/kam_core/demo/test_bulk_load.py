"""How the demo's rows go in: the same rows on SQLite (bulk inserts) and PostgreSQL (COPY on a thread of its
own, foreign keys put back after the load), and a database that goes on as usual afterwards."""

from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import func, select, text

from kam_core import models as m
from kam_core.actors import Actor
from kam_core.db import make_engine, make_sessionmaker
from kam_core.demo import DemoSize, generate_demo
from kam_core.demo import activity, writer
from kam_core.demo.writer import data_tables
from kam_core.enums import InteractionKind, Source
from kam_core.policy import Policy
from kam_core.progress import reporting
from kam_core.schema import upgrade
from tests.conftest import POSTGRES_URL, drop_database, fresh_database_url

SIZE = DemoSize(accounts=150, interactions=1_500, opportunities=450, reps=8, managers=2)
TODAY = date(2026, 11, 30)
# Written from the clock rather than the seed: when the tiers were computed (which updates the accounts).
FROM_THE_CLOCK = {"accounts": {"tiers_computed_at", "updated_at"}, "tier_changes": {"changed_at"}}
# The demo's marker (when it ran) and the change markers (random versions).
NOT_COMPARED = {"audit_log", "change_markers"}


def demo(url: str, **kwargs):
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            return generate_demo(session, actor=Actor.system("demo"), policy=Policy(), size=SIZE, seed=7,
                                 today=TODAY, force=True, **kwargs)
    finally:
        engine.dispose()


def every_row(url: str) -> dict[str, list[tuple]]:
    """Each data table's rows in primary-key order, as the models read them (aware datetimes, Decimals,
    enums), but the columns written from the clock."""
    engine = make_engine(url)
    rows = {}
    with make_sessionmaker(engine)() as session:
        for table in data_tables():
            if table.name in NOT_COMPARED:
                continue
            columns = [c for c in table.columns if c.name not in FROM_THE_CLOCK.get(table.name, set())]
            rows[table.name] = [tuple(r) for r in session.execute(
                select(*columns).order_by(*table.primary_key.columns))]
    engine.dispose()
    return rows


def fingerprint(rows: dict[str, list[tuple]]) -> dict[str, tuple]:
    """Per table: rows, the sum of the first key column, the first and last row."""
    return {name: (len(r), sum(row[0] for row in r), r[0] if r else None, r[-1] if r else None)
            for name, r in rows.items()}


@pytest.fixture
def migrated(tmp_path):
    made = []

    def make(backend: str) -> str:
        (tmp_path / backend).mkdir(exist_ok=True)
        url = fresh_database_url(backend, tmp_path / backend)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        made.append(url)
        return url

    yield make
    for url in made:
        drop_database(url)


def foreign_keys(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        keys = connection.execute(text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2")).all()
    engine.dispose()
    return [tuple(k) for k in keys]


postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="KAM_TEST_POSTGRES_URL not set")


@postgres_only
def test_the_same_seed_gives_the_same_rows_on_sqlite_and_postgresql(migrated, monkeypatch):
    sqlite, postgres = migrated("sqlite"), migrated("postgres")
    on_sqlite = demo(sqlite)
    monkeypatch.setattr(writer, "CHUNK_ROWS", 700)  # many COPYs queued for the thread; the rows are the same
    on_postgres = demo(postgres)
    assert on_postgres.counts == on_sqlite.counts and on_postgres.tiers == on_sqlite.tiers
    assert on_postgres.highlights == on_sqlite.highlights
    rows = every_row(sqlite)
    assert rows["interactions"] and rows["interaction_contacts"] and rows["tier_changes"]
    assert fingerprint(every_row(postgres)) == fingerprint(rows)
    assert every_row(postgres) == rows


@postgres_only
def test_postgresql_gets_its_foreign_keys_back_and_numbers_new_rows_after_the_load(migrated):
    url = migrated("postgres")
    before = foreign_keys(url)
    assert len(before) > 20
    demo(url)
    assert foreign_keys(url) == before
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        for table in data_tables():
            if "id" not in table.c or not session.scalar(select(func.count()).select_from(table)):
                continue
            highest = session.scalar(select(func.max(table.c.id)))
            following = session.scalar(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))"))
            assert following > highest, table.name
        account = session.get(m.Account, 1)
        note = m.Interaction(account=account, author=account.owner, kind=InteractionKind.note, text="After the demo",
                             occurred_at=datetime.now(UTC), created_at=datetime.now(UTC), source=Source.console)
        session.add(note)
        session.flush()
        assert note.id > SIZE.interactions
    engine.dispose()


@postgres_only
def test_a_demo_failing_half_way_leaves_postgresql_as_it_was(migrated, monkeypatch):
    url = migrated("postgres")
    demo(url)
    before, keys = fingerprint(every_row(url)), foreign_keys(url)
    real, calls = activity.write_activity, []

    def failing(ctx, *args):
        calls.append(1)
        if len(calls) == 100:
            raise RuntimeError("disk full")
        real(ctx, *args)

    monkeypatch.setattr(writer, "CHUNK_ROWS", 300)
    monkeypatch.setattr("kam_core.demo.generator.write_activity", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        demo(url)
    assert fingerprint(every_row(url)) == before and foreign_keys(url) == keys


@postgres_only
def test_a_row_the_database_refuses_stops_the_demo_with_its_error(migrated, monkeypatch):
    url = migrated("postgres")
    real = activity._follow_up

    def too_long(ctx, seed, interaction_id, author, title, *args):
        real(ctx, seed, interaction_id, author, "x" * 10_000, *args)  # longer than follow_ups.title allows

    monkeypatch.setattr(activity, "_follow_up", too_long)
    with pytest.raises(psycopg.errors.StringDataRightTruncation, match="too long"):
        demo(url)
    assert every_row(url)["interactions"] == []


class Told:
    def __init__(self) -> None:
        self.steps: dict[str, int] = {}

    def advance(self, label: str, steps: int, total: int | None) -> None:
        self.steps[label] = self.steps.get(label, 0) + steps

    def begin(self, label: str) -> None:
        self.steps.setdefault(label, 0)

    def end(self, label: str) -> None:
        pass


def test_progress_counts_every_row_written(database_url, monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_ROWS", 500)
    with reporting(Told()) as told:
        report = demo(database_url)
    written = sum(report.counts[name] for name in report.counts if name != "tier_changes")
    assert told.steps["rows written"] == written
    assert told.steps["interactions"] == SIZE.interactions and told.steps["accounts"] == SIZE.accounts
    assert {"statistics", "tiers"} <= set(told.steps)
