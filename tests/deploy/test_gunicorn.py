"""gunicorn really serves the bot: started as in production (deploy/gunicorn.conf.py, two worker processes),
against the emulator's fake Slack Web API, answering signed requests and refusing a forged one."""

import json
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block

from bot.emulator import FakeSlack, SlackDriver
from bot.emulator import payloads
from bot.web import SLACK_PATH
from tests.deploy.conftest import ACCOUNT, REP
from tests.deploy.gunicorn import get, gunicorn


@pytest.fixture
def served(seeded_sqlite, tmp_path):
    with FakeSlack() as slack, gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=slack.api_url,
                                        bot_token=slack.bot_token) as (base, secret, log_path, _):
        yield base, SlackDriver(base + SLACK_PATH, secret, slack), slack, log_path


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
