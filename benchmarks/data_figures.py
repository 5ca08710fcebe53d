"""The figures of `kam bench all` measured in-process on the run's database, beside the HTTP ones:
name resolution alone, every manager's digest, and the bulk write paths (`kam demo` generation, and
`kam import export` restoring a `kam export` of the whole database into an empty one)."""

import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.harness import percentile
from kam_core import schema
from kam_core.accounts.resolver.index import NameIndex, account_rows
from kam_core.accounts.search import search_accounts
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.digests.builder import build_digests
from kam_core.digests.week import week_key
from kam_core.export import export_all, tables
from kam_core.importers.export_import import import_export
from kam_core.policy import Policy


@dataclass
class Resolution:
    queries: int
    names: int  # names and aliases indexed
    build_seconds: float
    seconds: list[float] = field(default_factory=list)

    def ms(self, share: float) -> float:
        return percentile(self.seconds, share) * 1000


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


def rows_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return sum(connection.scalar(select(func.count()).select_from(table)) for table in tables())
    finally:
        engine.dispose()


def scratch_database(url: str, workdir: Path) -> str:
    """An empty database beside the run's: a file in the run's folder, or a new PostgreSQL database on the
    same server (dropped by drop_scratch)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{workdir / 'restored.db'}"
    name = f"{parsed.database}_restore"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    # Without the run's query options: a search_path there names a schema the new database lacks.
    return parsed.set(database=name, query={}).render_as_string(hide_password=False)


def drop_scratch(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()
