"""`kam run`, the Socket Mode entry point, as production starts it: a process that dials out to the
(fake) Slack, answers /kam over the WebSocket, reconnects when Slack asks, and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import pytest

from bot.emulator import FakeSlack, SlackDriver
from tests.deploy.conftest import ACCOUNT, REP, seed

STARTUP_SECONDS = 60


def wait_for_connection(process: subprocess.Popen, slack: FakeSlack, log_path, after: int = 0):
    """Bounded, and gives up at once if the process exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kam run exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            return slack.socket.wait_for_link(after=after, timeout=0.5)
        except TimeoutError:
            pass
    pytest.fail(f"kam run did not connect within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture
def running(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'kam.db'}"
    seed(database_url)
    log_path = tmp_path / "run.log"
    with FakeSlack() as slack, log_path.open("w") as log:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "SLACK_"))}
        env.update(KAM_DATABASE_URL=database_url, KAM_SLACK_API_URL=slack.api_url, SLACK_BOT_TOKEN=slack.bot_token,
                   SLACK_SIGNING_SECRET="unused-in-socket-mode", SLACK_APP_TOKEN=slack.app_token)
        process = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "run"],
                                   cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process, slack, log_path
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_kam_run_answers_over_the_socket_reconnects_and_stops_on_sigterm(running):
    process, slack, log_path = running
    first = wait_for_connection(process, slack, log_path)
    driver = SlackDriver.over_socket(slack)

    card = driver.slash_command(REP, "acme")
    assert card.status == 200 and ACCOUNT in card.json["text"]

    old = slack.socket.disconnect("refresh_requested")
    assert wait_for_connection(process, slack, log_path, after=old.number).ticket != first.ticket
    assert ACCOUNT in driver.slash_command(REP, "acme").json["text"]
    assert [call.ok for call in slack.calls_to("apps.connections.open")] == [True, True]

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, log_path.read_text()[-3000:]
    output = log_path.read_text()
    assert "connected to Slack over Socket Mode" in output and "Traceback" not in output
    assert slack.app_token not in output and slack.bot_token not in output
