"""The figures of `kam bench all` measured in-process on the run's database, beside the HTTP ones:
name resolution alone, every manager's digest, and the bulk write paths (`kam demo` generation, and
`kam import export` restoring a `kam export` of the whole database into an empty one)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url

from benchmarks.harness import Timings, postgres_database
from kam_core import schema
from kam_core.accounts.resolver.index import NameIndex, account_rows
from kam_core.accounts.resolver.resolve import search_accounts
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.digests.builder import build_digests
from kam_core.digests.week import week_key
from kam_core.export import export_all
from kam_core.importers.export_import import import_export
from kam_core.policy import Policy


@dataclass
class Resolution(Timings):
    queries: int
    names: int  # names and aliases indexed
    build_seconds: float
    seconds: list[float] = field(default_factory=list)


@dataclass
class Digests:
    digests: int
    seconds: float
    statements: int


@dataclass
class BulkWrite:
    what: str
    rows: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def resolution(url: str, typed: list[str]) -> Resolution:
    """Each typed name resolved among all the database's accounts, one call of search_accounts each (the
    change-marker read included), after one timed build of the index."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            started = time.perf_counter()
            index = NameIndex.build(account_rows(session))
            figure = Resolution(queries=len(typed), names=len(index.entry_key),
                                build_seconds=time.perf_counter() - started)
            search_accounts(session, query=typed[0])  # the process's own index, built once
            for query in typed:
                started = time.perf_counter()
                search_accounts(session, query=query)
                figure.seconds.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return figure


def digests(url: str) -> Digests:
    """All managers' digests for the week just ended, in one builder call, as the scheduler builds them."""
    engine = make_engine(url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with make_sessionmaker(engine)() as session:
            started = time.perf_counter()
            built = build_digests(session, actor=Actor.system("bench"), policy=Policy(),
                                  week=week_key(utcnow().date() - timedelta(days=7)))
            return Digests(digests=len(built), seconds=time.perf_counter() - started, statements=len(statements))
    finally:
        engine.dispose()


def export_and_restore(url: str, workdir: Path, restore_url: str) -> tuple[BulkWrite, BulkWrite]:
    """`kam export` of the whole database, then `kam import export` of it into `restore_url` (empty)."""
    folder = workdir / "export"
    engine, target = make_engine(url), make_engine(restore_url)
    try:
        started = time.perf_counter()
        with transaction(make_sessionmaker(engine)) as session:
            manifest = export_all(session, directory=folder, actor=Actor.system("bench"))
        exported = BulkWrite("kam export", manifest.total_rows, time.perf_counter() - started)
        schema.upgrade(target)
        started = time.perf_counter()
        with transaction(make_sessionmaker(target)) as session:
            report = import_export(session, directory=folder, actor=Actor.system("bench"))
        restored = BulkWrite("kam import export", report.total_rows, time.perf_counter() - started)
    finally:
        engine.dispose()
        target.dispose()
    return exported, restored


@contextmanager
def empty_database_beside(url: str, workdir: Path) -> Iterator[str]:
    """An empty database of the run's kind: a file in the run's folder, or a new PostgreSQL database on
    the same server, dropped afterwards."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        yield f"sqlite:///{workdir / 'restored.db'}"
        return
    with postgres_database(url, f"{parsed.database}_restore") as scratch:
        yield scratch
