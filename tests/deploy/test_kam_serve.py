"""`kam serve`: the development HTTP server answers the emulator's signed requests."""

import os
import secrets
import subprocess
import sys

import pytest

from bot.emulator import FakeSlack, SlackDriver
from bot.web import SLACK_PATH
from tests.deploy.conftest import ACCOUNT, REP
from tests.deploy.gunicorn import free_port, wait_until


@pytest.fixture
def serving(seeded_sqlite, tmp_path):
    port, secret = free_port(), secrets.token_hex(16)
    log_path = tmp_path / "serve.log"
    with FakeSlack() as slack, log_path.open("w") as log:
        env = {**os.environ, "KAM_DATABASE_URL": seeded_sqlite, "SLACK_BOT_TOKEN": slack.bot_token,
               "SLACK_SIGNING_SECRET": secret, "KAM_SLACK_API_URL": slack.api_url}
        process = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve", "--port",
                                    str(port), "--host", "127.0.0.1"], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(process, f"http://127.0.0.1:{port}/readyz", log_path)
            yield SlackDriver(f"http://127.0.0.1:{port}{SLACK_PATH}", secret, slack)
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_kam_serve_answers_a_signed_command_and_refuses_a_forged_one(serving):
    answer = serving.slash_command(REP, "acme")
    assert answer.status == 200 and ACCOUNT in answer.json["text"]
    assert serving.raw("command=/kam&text=acme&user_id=U0REP", signature="wrong").status == 401
