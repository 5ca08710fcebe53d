"""The production web process, started as production starts it: `gunicorn -c deploy/gunicorn.conf.py
bot.wsgi:application`, as a subprocess with its own environment."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(process: subprocess.Popen, url: str, log_path: Path, status: int = 200, saying: str = "") -> str:
    """Bounded polling of a subprocess's URL until it answers `status` with `saying` in the body; gives
    up at once if the process exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    seen = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            code, body = get(url)
            if code == status and saying in body:
                return body
            seen = f"{code} {body!r}"
        except OSError as error:
            seen = repr(error)
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer {status} within {STARTUP_SECONDS} s (last: {seen}):\n"
                f"{log_path.read_text()[-3000:]}")


@contextmanager
def gunicorn(tmp_path: Path, *, database_url: str, slack_api_url: str, bot_token: str, workers: int = 2,
             ready: bool = True, **extra_env: str):
    """Yields (base URL, signing secret, log path, process); waits for /readyz when `ready`, else /healthz."""
    port, secret = free_port(), secrets.token_hex(16)
    log_path = tmp_path / f"gunicorn-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "SLACK_", "PROMETHEUS_"))}
    env.update(KAM_DATABASE_URL=database_url, SLACK_BOT_TOKEN=bot_token, SLACK_SIGNING_SECRET=secret,
               KAM_SLACK_API_URL=slack_api_url, KAM_LOG_FORMAT="json", KAM_WEB_WORKERS=str(workers),
               KAM_WEB_THREADS="2", PORT=str(port), PROMETHEUS_MULTIPROC_DIR=str(tmp_path / f"metrics-{port}"),
               **extra_env)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "bot.wsgi:application"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(process, base + ("/readyz" if ready else "/healthz"), log_path)
        yield base, secret, log_path, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
