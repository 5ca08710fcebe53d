"""How fast every manager's weekly digest is built, and in how many SQL statements.

    .venv/bin/python benchmarks/digests.py                          # demo data in a temp SQLite file
    .venv/bin/python benchmarks/digests.py --database URL           # an existing database, as it is
    .venv/bin/python benchmarks/digests.py --postgres URL           # generate into PostgreSQL (contents replaced!)
    .venv/bin/python benchmarks/digests.py --accounts 10000 ...     # another size

Generates `kam demo` data of the given size (default: 100,000 accounts, 1,000,000
interactions, 300,000 opportunities, 5,000 reps, 500 managers) unless --database is
given, then builds the digests of ALL managers for the week just ended in one
builder call, and prints the seconds, the statements executed and the digests
built; then the time to render them all as Slack messages.
"""

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from handlers.render.digest import digest_message
from kam_core import schema
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.demo import DemoSize, generate_demo
from kam_core.digests.builder import build_digests
from kam_core.digests.week import week_key
from kam_core.policy import Policy

LARGE = {"accounts": 100_000, "interactions": 1_000_000, "opportunities": 300_000, "reps": 5_000, "managers": 500}


def generate(url: str, size: DemoSize) -> None:
    engine = make_engine(url)
    schema.upgrade(engine)
    started = time.perf_counter()
    with transaction(make_sessionmaker(engine)) as session:
        generate_demo(session, actor=Actor.system("demo"), policy=Policy(), size=size, seed=7, force=True)
    print(f"  demo data generated in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def measure(url: str, label: str, week: str) -> None:
    engine = make_engine(url)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with make_sessionmaker(engine)() as session:
        started = time.perf_counter()
        digests = build_digests(session, actor=Actor.system("bench"), policy=Policy(), week=week)
        built = time.perf_counter() - started
    started = time.perf_counter()
    blocks = max(len(digest_message(d).blocks) for d in digests) if digests else 0
    rendered = time.perf_counter() - started
    engine.dispose()
    print(f"{label}: {len(digests)} digests for {week} built in {built:.1f} s with {len(statements)} SQL statements; "
          f"rendered as Slack messages in {rendered:.1f} s (at most {blocks} blocks each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in LARGE.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--database", help="measure this database as it is (no generation)")
    parser.add_argument("--postgres", help="generate into this PostgreSQL URL and measure it (contents replaced)")
    parser.add_argument("--week", help="ISO week (default: the week just ended, UTC)")
    args = parser.parse_args()
    week = args.week or week_key(utcnow().date() - timedelta(days=7))
    if args.database:
        measure(args.database, "Given database", week)
        return
    size = DemoSize(**{name: getattr(args, name) for name in LARGE})
    print(f"Size: {size.model_dump()}")
    if args.postgres:
        generate(args.postgres, size)
        measure(args.postgres, "PostgreSQL", week)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        generate(url, size)
        measure(url, "SQLite", week)


if __name__ == "__main__":
    main()
