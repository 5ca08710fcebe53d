"""What the benchmarks that go through real HTTP share: a WSGI app under gunicorn on a free loopback
port (deploy/gunicorn.conf.py, as in production), its workers' memory from /proc, percentiles.

Used by benchmarks/soak.py and benchmarks/commands.py. All traffic stays on 127.0.0.1.
Also: a scratch PostgreSQL database for a run.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.emulator import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
BOT_APP = "bot.wsgi:application"
READY_TRIES, READY_SECONDS = 300, 60.0
STOP_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, slack: FakeSlack, secret: str, port: int, log: Path, *, app: str = BOT_APP,
                   env: dict[str, str] | None = None) -> subprocess.Popen:
    """gunicorn serving `app` (a WSGI "module:callable"), its settings from the environment as in production."""
    config = ROOT / "deploy" / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}"]
    command += ["-c", str(config)] if config.exists() else ["--workers", "2", "--threads", "8",
                                                           "--worker-class", "gthread"]
    environment = {**os.environ, "KAM_DATABASE_URL": url, "SLACK_BOT_TOKEN": slack.bot_token,
                   "SLACK_SIGNING_SECRET": secret, "KAM_SLACK_API_URL": slack.api_url, "KAM_LOG_LEVEL": "WARNING",
                   "PORT": str(port), "PROMETHEUS_MULTIPROC_DIR": str(log.parent / f"metrics-{port}"),
                   **(env or {})}
    (log.parent / f"metrics-{port}").mkdir(exist_ok=True)
    with log.open("wb") as out:
        return subprocess.Popen([*command, app], cwd=ROOT, env=environment, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    for _ in range(READY_TRIES):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=STOP_SECONDS)


@contextmanager
def served(url: str, slack: FakeSlack, secret: str, workdir: Path, *, app: str = BOT_APP,
           env: dict[str, str] | None = None, name: str = "gunicorn") -> Iterator[tuple[subprocess.Popen, str]]:
    """(the gunicorn master, its base URL) once /readyz answers; stopped on leaving."""
    port = free_port()
    log = workdir / f"{name}.log"
    server = start_gunicorn(url, slack, secret, port, log, app=app, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
        except SystemExit as failure:
            tail = log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{failure}; its log ends:\n{tail}") from None
        yield server, base
    finally:
        stop(server)


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def rss_bytes(pids: list[int]) -> int:
    """Resident memory now, all of `pids` together."""
    return sum(_status_kb(pid, "VmRSS") for pid in pids) * 1024


def peak_rss_bytes(pid: int) -> int:
    """The most resident memory `pid` ever had (VmHWM)."""
    return _status_kb(pid, "VmHWM") * 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Timings:
    """Mixin for results holding per-request `seconds`; `ms(0.99)` is the p99 in milliseconds."""

    def ms(self, share: float) -> float:
        return percentile(self.seconds, share) * 1000


@contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str]:
    """The URL of a new, empty database `name` on `server_url`'s server; dropped (and any earlier one of
    that name) around the block. The URL has no query options: a search_path there may name a schema
    the new database lacks."""
    server = make_url(server_url)
    admin = create_engine(server.set(database="postgres", query={}), isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        drop()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name, query={}).render_as_string(hide_password=False)
    finally:
        drop()
        admin.dispose()
