"""A bounded soak: the real bot under gunicorn, driven through the Slack emulator.

    .venv/bin/python benchmarks/soak.py                                  # 20,000 requests, 16 at a time, SQLite
    .venv/bin/python benchmarks/soak.py --requests 300 --concurrency 4   # the CI size (tests/security/test_soak_short.py)
    .venv/bin/python benchmarks/soak.py --database URL                   # a fresh (or `kam demo`) database, e.g. PostgreSQL

A small `kam demo` database (its reps linked to Slack users), gunicorn started on a free loopback
port with deploy/gunicorn.conf.py and a FakeSlack as its Web API, then signed /kam requests: reads
(`/kam <account>`, `/kam mine`, `/kam opps <account>`) and writes (`/kam log <account>: <unique text>`).
Checks: zero errors (HTTP or in the answer), every write stored exactly once (rows counted after),
the workers' memory (RSS from /proc) after the run within 20% of what it was after a warm-up.
Every loop is bounded by a count and a deadline; all traffic goes to 127.0.0.1.
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import free_port, rss_bytes, start_gunicorn, stop, wait_ready, workers_of  # noqa: E402
from bot.emulator import FakeSlack, SlackDriver  # noqa: E402
from kam_core import schema  # noqa: E402
from kam_core.accounts.models import Account  # noqa: E402
from kam_core.accounts.resolver.resolve import Outcome, search_accounts  # noqa: E402
from handlers.ids import ActionId  # noqa: E402
from kam_core.actors import Actor  # noqa: E402
from kam_core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from kam_core.demo import DemoSize, generate_demo  # noqa: E402
from kam_core.enums import Role  # noqa: E402
from kam_core.interactions.models import Interaction  # noqa: E402
from kam_core.people.models import Person  # noqa: E402
from kam_core.policy import Policy  # noqa: E402

MEMORY_GROWTH_LIMIT = 0.20
NOTE_PREFIX = "soak note"
UNDO = ActionId.undo_interaction.value
MIX = (("card", 35), ("mine", 15), ("opps", 20), ("log", 30))  # percent of requests


@dataclass
class Figures:
    requests: int = 0
    concurrency: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes_sent: int = 0
    rows_stored: int = 0
    duplicates: int = 0
    rss_after_warmup: int = 0  # bytes, all workers
    rss_after_run: int = 0
    workers: int = 0
    workers_replaced: bool = False

    @property
    def lost(self) -> int:
        return self.writes_sent - (self.rows_stored - self.duplicates)

    @property
    def memory_growth(self) -> float:
        return self.rss_after_run / self.rss_after_warmup - 1 if self.rss_after_warmup else 0.0

    @property
    def ok(self) -> bool:
        return (not self.errors and self.lost == 0 and self.duplicates == 0 and not self.workers_replaced
                and self.memory_growth <= MEMORY_GROWTH_LIMIT)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0

    def report(self) -> str:
        mb = 1024 * 1024
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items()))
        lines = [
            f"requests      {self.requests} at concurrency {self.concurrency} in {self.seconds:.1f} s "
            f"({self.requests / self.seconds:.0f} req/s)" if self.seconds else f"requests      {self.requests}",
            f"mix           {kinds}",
            f"latency ms    p50 {self.percentile(0.5):.0f}  p95 {self.percentile(0.95):.0f}  "
            f"p99 {self.percentile(0.99):.0f}  max {max(self.latencies, default=0) * 1000:.0f}",
            f"errors        {len(self.errors)}" + (f" (first: {self.errors[0]})" if self.errors else ""),
            f"writes        {self.writes_sent} sent, {self.rows_stored} rows stored, {self.lost} lost, "
            f"{self.duplicates} duplicated",
            f"memory        {self.workers} workers: {self.rss_after_warmup / mb:.1f} MB after warm-up, "
            f"{self.rss_after_run / mb:.1f} MB after the run ({self.memory_growth:+.1%}; limit "
            f"+{MEMORY_GROWTH_LIMIT:.0%})" + ("; a worker was replaced!" if self.workers_replaced else ""),
            f"result        {'PASS' if self.ok else 'FAIL'}",
        ]
        return "\n".join(lines)


# ---- the database ---------------------------------------------------------------------------------

@dataclass
class Cast:
    users: list[str]  # Slack ids of linked reps
    accounts: list[str]  # names that resolve to exactly one account


def prepare_database(url: str, accounts: int) -> Cast:
    """Migrate, fill with a small demo, link every rep to a Slack id, pick unambiguous account names."""
    engine = make_engine(url)
    schema.upgrade(engine)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        generate_demo(session, actor=Actor.system("soak"), policy=Policy(), size=DemoSize(accounts=accounts), seed=7)
        reps = session.scalars(select(Person).where(Person.role == Role.rep).order_by(Person.id)).all()
        users = []
        for number, rep in enumerate(reps):
            rep.slack_user_id = rep.slack_user_id or f"U0SOAK{number:04d}"
            users.append(rep.slack_user_id)
    with sessions() as session:
        names = session.scalars(select(Account.name).order_by(Account.id)).all()
        clear = [n for n in names if search_accounts(session, query=n).outcome == Outcome.match]
    engine.dispose()
    if not users or not clear:
        raise SystemExit("the demo database has no linked reps or no account names that resolve")
    return Cast(users=users, accounts=clear)


def count_notes(url: str) -> tuple[int, int]:
    """(soak rows stored, rows beyond one per distinct text)."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        soak = Interaction.text.like(f"{NOTE_PREFIX} %")
        rows = session.scalar(select(func.count()).select_from(Interaction).where(soak))
        distinct = session.scalar(select(func.count(func.distinct(Interaction.text))).where(soak))
    engine.dispose()
    return rows, rows - distinct


# ---- traffic -----------------------------------------------------------------------------------------

def plan(count: int, cast: Cast, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, user, command text) for `count` requests, in the MIX proportions."""
    kinds = [kind for kind, share in MIX for _ in range(share)]
    requests = []
    for _ in range(count):
        kind, user, account = rng.choice(kinds), rng.choice(cast.users), rng.choice(cast.accounts)
        text = {"card": account, "mine": "mine", "opps": f"opps {account}",
                "log": f"log {account}: {NOTE_PREFIX} {uuid.uuid4().hex}"}[kind]
        requests.append((kind, user, text))
    return requests


def check(kind: str, text: str, status: int, body: str) -> str | None:
    """Why the answer is wrong, or None."""
    if status != 200:
        return f"{kind}: HTTP {status} {body[:200]}"
    if "went wrong" in body or "cannot be reached" in body:
        return f"{kind}: {body[:200]}"
    if kind == "log" and UNDO not in body:  # saved in any language: only a saved note has its Undo button
        return f"log: not saved: {body[:200]}"
    if kind in ("card", "opps", "mine") and '"blocks"' not in body:
        return f"{kind}: no message: {body[:200]}"
    return None


def send_all(driver: SlackDriver, requests: list, concurrency: int, deadline: float, figures: Figures) -> None:
    def one(kind: str, user: str, text: str) -> tuple[str, float, str | None]:
        if time.monotonic() > deadline:
            return kind, 0.0, f"{kind}: not sent, the soak ran out of time"
        started = time.monotonic()
        try:
            response = driver.slash_command(user, text)
        except OSError as error:
            return kind, time.monotonic() - started, f"{kind}: {error!r}"
        return kind, time.monotonic() - started, check(kind, text, response.status, response.body)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one, *request) for request in requests]
        for future in as_completed(futures, timeout=max(1.0, deadline - time.monotonic() + 60)):
            kind, seconds, problem = future.result()
            figures.by_kind[kind] = figures.by_kind.get(kind, 0) + 1
            figures.latencies.append(seconds)
            if problem:
                figures.errors.append(problem)
    figures.writes_sent += sum(1 for kind, _, _ in requests if kind == "log")


def run_soak(*, requests: int, concurrency: int, database_url: str | None = None, accounts: int = 60,
             warmup: int | None = None, max_seconds: float = 3600.0, seed: int = 11) -> Figures:
    workdir = Path(tempfile.mkdtemp(prefix="kam-soak-"))
    try:
        return _soak(workdir, database_url or f"sqlite:///{workdir / 'kam.db'}", requests=requests,
                     concurrency=concurrency, accounts=accounts, warmup=warmup, max_seconds=max_seconds, seed=seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _soak(workdir: Path, url: str, *, requests: int, concurrency: int, accounts: int, warmup: int | None,
          max_seconds: float, seed: int) -> Figures:
    cast = prepare_database(url, accounts)
    rng = random.Random(seed)
    warmup = max(100, requests // 10) if warmup is None else warmup
    figures = Figures(requests=requests, concurrency=concurrency)
    secret = uuid.uuid4().hex
    with FakeSlack() as slack:
        port = free_port()
        server = start_gunicorn(url, slack, secret, port, workdir / "gunicorn.log")
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_ready(base, server)
            except SystemExit as failure:
                tail = (workdir / "gunicorn.log").read_text(errors="replace")[-2000:]
                raise SystemExit(f"{failure}; its log ends:\n{tail}") from None
            driver = SlackDriver(base + "/slack/events", secret, slack, timeout=30)
            deadline = time.monotonic() + max_seconds
            warm = Figures()
            send_all(driver, plan(warmup, cast, rng), concurrency, deadline, warm)
            figures.errors += [f"warm-up: {problem}" for problem in warm.errors]
            workers = workers_of(server.pid)
            figures.workers, figures.rss_after_warmup = len(workers), rss_bytes(workers)
            warm_rows = count_notes(url)[0]
            if warm_rows != warm.writes_sent:
                figures.errors.append(f"warm-up: {warm.writes_sent} writes sent, {warm_rows} rows stored")
            started = time.monotonic()
            send_all(driver, plan(requests, cast, rng), concurrency, deadline, figures)
            figures.seconds = time.monotonic() - started
            figures.workers_replaced = sorted(workers_of(server.pid)) != sorted(workers)
            figures.rss_after_run = rss_bytes(workers) if not figures.workers_replaced else 0
        finally:
            stop(server)
    rows, duplicates = count_notes(url)
    figures.rows_stored, figures.duplicates = rows - warm_rows, duplicates
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database", help="a fresh or `kam demo` database URL (default: SQLite in a temp dir)")
    parser.add_argument("--accounts", type=int, default=60, help="demo size (default 60 accounts)")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop sending after this long")
    args = parser.parse_args()
    figures = run_soak(requests=args.requests, concurrency=args.concurrency, database_url=args.database,
                       accounts=args.accounts, max_seconds=args.max_seconds)
    print(figures.report())
    sys.exit(0 if figures.ok else 1)


if __name__ == "__main__":
    main()
