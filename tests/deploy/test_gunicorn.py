"""gunicorn really serves the bot: started as in production (deploy/gunicorn.conf.py, two worker processes),
against the emulator's fake Slack Web API, answering signed requests and refusing a forged one."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block

from bot.emulator import FakeSlack, SlackDriver
from bot.emulator import payloads
from bot.web import SLACK_PATH
from tests.conftest import ROOT
from tests.deploy.conftest import ACCOUNT, REP

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


def wait_until_serving(process: subprocess.Popen, url: str, log_path) -> None:
    """Readiness polling of a subprocess: bounded, and gives up at once if gunicorn exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer {url} within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture
def served(seeded_sqlite, tmp_path):
    port, secret = free_port(), secrets.token_hex(16)
    log_path = tmp_path / "gunicorn.log"
    with FakeSlack() as slack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "SLACK_", "PROMETHEUS_"))}
        env.update(KAM_DATABASE_URL=seeded_sqlite, SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=secret,
                   KAM_SLACK_API_URL=slack.api_url, KAM_LOG_FORMAT="json", KAM_WEB_WORKERS="2",
                   KAM_WEB_THREADS="2", PORT=str(port), PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "--bind", f"127.0.0.1:{port}", "bot.wsgi:application"],
                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(process, base + "/readyz", log_path)
            yield base, SlackDriver(base + SLACK_PATH, secret, slack), slack, log_path
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_gunicorn_serves_signed_slack_requests_probes_and_metrics(served):
    base, driver, slack, log_path = served

    card = driver.slash_command(REP, "acme")
    assert card.status == 200
    for block in card.json["blocks"]:
        Block.parse(block)
    assert ACCOUNT in json.dumps(card.json["blocks"])

    forged = driver.raw(urlencode(payloads.slash_command(
        user_id=REP, text="acme", command="/kam", channel_id="C0GENERAL", channel_name="general",
        response_url=slack.response_url_for(REP, "C0GENERAL"), trigger_id=slack.new_trigger_id(REP))),
        signature="wrong")
    assert forged.status == 401

    assert get(base + "/readyz") == (200, "ready\n")
    status, metrics = get(base + "/metrics")
    assert status == 200
    assert 'kam_slack_requests_total{command="kam account",status="200",surface="command"} 1.0' in metrics
    assert 'kam_slack_requests_total{command="-",status="401",surface="unknown"} 1.0' in metrics
    assert "kam_slack_request_seconds_bucket" in metrics


def test_each_request_is_one_json_log_line_without_the_token(served):
    base, driver, slack, log_path = served
    assert driver.slash_command(REP, "acme").status == 200
    get(base + "/readyz")

    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "slack_request"]
    assert len(requests) == 1
    assert requests[0]["surface"] == "command" and requests[0]["command"] == "kam account"
    assert requests[0]["user_id"] == REP and requests[0]["status"] == 200
    assert len(requests[0]["correlation_id"]) >= 8 and requests[0]["latency_ms"] >= 0
    assert slack.bot_token not in log_path.read_text()
