"""The production web process while Slack's API is unreachable or refuses the token: /healthz answers
200 at once (a liveness probe must not restart a healthy pod in a loop), /readyz says what is missing,
Slack's requests get a fast, well-formed answer that loses nothing, and the bot connects by itself
as soon as Slack is back."""

import json
import time
from urllib.parse import urlencode

from bot.emulator import FakeSlack, SlackDriver, payloads
from bot.web import SLACK_PATH
from tests.deploy.conftest import ACCOUNT, REP
from tests.deploy.gunicorn import free_port, get, gunicorn, wait_until

NOTE = "met the CFO, budget approved, next: send quote by Friday"


def test_slack_unreachable_then_back(seeded_sqlite, tmp_path):
    slack_port = free_port()  # nothing listens there yet
    slack = FakeSlack(port=slack_port)
    # One worker: each worker reconnects on its own, and /readyz answers for whichever worker takes it, so with
    # two a "ready" could come from one while the card request reaches the other, still retrying (CI saw it).
    with gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=f"http://127.0.0.1:{slack_port}/api/",
                  bot_token=slack.bot_token, ready=False, workers=1) as (base, secret, log_path, process):
        started = time.monotonic()
        assert get(base + "/healthz") == (200, "ok\n")
        assert time.monotonic() - started < 1
        status, body = get(base + "/readyz")
        assert status == 503 and body.startswith("Slack API unreachable")

        driver = SlackDriver(base + SLACK_PATH, secret, slack)
        slack.start()  # the driver needs response URLs; the bot still thinks Slack is down until it retries
        try:
            answer = driver.slash_command(REP, f"log acme: {NOTE}")
            assert answer.status == 200 and answer.elapsed < 1
            text = json.dumps(answer.json)
            assert "connecting to Slack" in text and NOTE in text  # what the rep typed comes back whole
            assert answer.json["response_type"] == "ephemeral"

            wait_until(process, base + "/readyz", log_path)  # retried by itself, no restart
            card = driver.slash_command(REP, "acme")
            assert card.status == 200 and ACCOUNT in json.dumps(card.json["blocks"])
        finally:
            slack.stop()


def test_before_the_app_is_ready_events_are_redelivered_and_forms_stay_open(seeded_sqlite, tmp_path):
    slack_port = free_port()
    slack = FakeSlack(port=slack_port)
    with gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=f"http://127.0.0.1:{slack_port}/api/",
                  bot_token=slack.bot_token, ready=False) as (base, secret, _, _):
        driver = SlackDriver(base + SLACK_PATH, secret, slack)
        event = driver.raw(json.dumps(payloads.event_callback(payloads.message_im(
            user_id=REP, text=f"acme: {NOTE}", channel="D0REP"))), content_type="application/json")
        assert event.status == 503 and event.headers.get("Retry-After")  # Slack delivers it again later

        view = {"id": "V0FORM", "type": "modal", "callback_id": "kam.log_modal", "private_metadata": "",
                "blocks": [{"type": "input", "block_id": "kam.notes", "label": {"type": "plain_text", "text": "Note"},
                            "element": {"type": "plain_text_input", "action_id": "kam.notes_input"}}]}
        submitted = payloads.view_submission(user_id=REP, view=view, trigger_id="1.2.3", state={
            "kam.notes": {"kam.notes_input": {"type": "plain_text_input", "value": NOTE}}})
        form = driver.raw(payloads.interactive_form(submitted))
        assert form.status == 200 and form.json["response_action"] == "errors"
        assert "nothing was saved" in form.json["errors"]["kam.notes"]

        challenge = driver.raw(json.dumps(payloads.url_verification("abc123")), content_type="application/json")
        assert challenge.status == 200 and challenge.json == {"challenge": "abc123"}

        forged = driver.raw(urlencode({"command": "/kam", "text": "acme", "user_id": REP}), signature="wrong")
        assert forged.status == 401  # not being ready opens no door


def test_a_rejected_token_is_named_in_readyz(seeded_sqlite, tmp_path):
    with FakeSlack() as slack, gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=slack.api_url,
                                        bot_token="xoxb-not-this-one", ready=False) as (base, _, log_path, process):
        assert get(base + "/healthz") == (200, "ok\n")
        body = wait_until(process, base + "/readyz", log_path, status=503, saying="token")
        assert body == "token rejected by Slack (invalid_auth): set a valid SLACK_BOT_TOKEN\n"
        assert "xoxb-not-this-one" not in log_path.read_text()
