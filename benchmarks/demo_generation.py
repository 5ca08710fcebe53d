"""How fast `kam demo` writes a benchmark-size dataset.

    .venv/bin/python benchmarks/demo_generation.py                       # SQLite in a temp dir
    .venv/bin/python benchmarks/demo_generation.py --postgres URL        # and PostgreSQL (its contents are replaced!)
    .venv/bin/python benchmarks/demo_generation.py --accounts 10000 ...  # another size

Prints the wall time of the whole run (migrations excluded) and, per table, the
rows written, the seconds spent inserting them and rows per second.
"""

import argparse
import tempfile
import time
from pathlib import Path

from kam_core import schema
from kam_core.actors import Actor
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.demo import DemoSize, generate_demo
from kam_core.policy import Policy

LARGE = {"accounts": 100_000, "interactions": 1_000_000, "opportunities": 300_000, "reps": 5_000, "managers": 500}


def run(url: str, size: DemoSize, label: str) -> None:
    engine = make_engine(url)
    schema.upgrade(engine)
    started = time.perf_counter()
    with transaction(make_sessionmaker(engine)) as session:
        report = generate_demo(session, actor=Actor.system("demo"), policy=Policy(), size=size, seed=7, force=True)
    wall = time.perf_counter() - started
    engine.dispose()
    rows = sum(report.counts.values())
    inserting = sum(report.insert_seconds.values())
    print(f"\n{label}: {rows:,} rows in {wall:.1f} s wall ({rows / wall:,.0f} rows/s overall); "
          f"inserts {inserting:.1f} s, generation + tier recompute + commit {wall - inserting:.1f} s")
    print(f"  {'table':<22} {'rows':>10} {'insert s':>9} {'rows/s':>10}")
    for table, count in sorted(report.counts.items(), key=lambda kv: -kv[1]):
        seconds = report.insert_seconds.get(table, 0.0)
        rate = f"{count / seconds:,.0f}" if seconds else "–"
        print(f"  {table:<22} {count:>10,} {seconds:>9.2f} {rate:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in LARGE.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--postgres", help="also run against this PostgreSQL URL (its contents are replaced)")
    args = parser.parse_args()
    size = DemoSize(**{name: getattr(args, name) for name in LARGE})
    print(f"Size: {size.model_dump()}")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", size, "SQLite")
    if args.postgres:
        run(args.postgres, size, "PostgreSQL")


if __name__ == "__main__":
    main()
