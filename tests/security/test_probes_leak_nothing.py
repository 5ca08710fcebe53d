"""/healthz, /readyz and /metrics after hostile traffic: customer names, notes, people, Slack ids and
secrets went through the bot (and into ids, command names and event types where Slack puts labels),
and no probe shows any of it. (tests/deploy/test_readyz_metrics.py covers what the probes do say.)"""

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from bot.emulator import payloads
from bot.emulator.driver import JSON
from kam_core.db import transaction
from kam_core.enums import Role
from tests.factories import make_account, make_person
from tests.security.conftest import bot_on_fresh_db

ACCOUNT, PERSON, EMAIL = "Zyxcorp Holdings", "Quentin Quarterly", "quentin@zyxcorp.test"
NOTE = "confidential merger talk with zyxcorp"
USER, CHANNEL = "U0QUENTIN", "C0ZYXDEALS"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("probes")) as bot:
        with transaction(bot.runtime.sessions) as session:
            rep = make_person(session, role=Role.rep, name=PERSON, email=EMAIL, slack_user_id=USER)
            make_account(session, name=ACCOUNT, owner=rep)
        yield bot


def get(url: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def hostile_traffic(local) -> None:
    driver, slack = local.driver, local.slack
    assert ACCOUNT in json.dumps(driver.slash_command(USER, "zyxcorp", channel_id=CHANNEL).json)
    assert "Saved to" in json.dumps(driver.slash_command(USER, f"log zyxcorp: {NOTE}", channel_id=CHANNEL).json)
    mark = slack.mark()
    driver.message_im(USER, f"zyxcorp: {NOTE}")
    slack.wait_for("chat.postMessage", after=mark)
    # Names where metric labels come from: command name, action and callback ids, event type.
    fields = payloads.slash_command(user_id=USER, text=f"zyxcorp {NOTE}", command="/zyxcorp", channel_id=CHANNEL,
                                    channel_name="zyx", response_url=slack.response_url_for(USER, CHANNEL),
                                    trigger_id=slack.new_trigger_id(USER))
    driver.raw(urlencode(fields))
    driver.shortcut(USER, "zyxcorp.merger")
    driver.raw(json.dumps(payloads.event_callback({"type": "zyxcorp_merger", "user": USER, "text": NOTE})),
               content_type=JSON)
    # And forged ones.
    driver.raw(urlencode(fields), signature="wrong")
    driver.raw(urlencode(fields), timestamp=driver.stale_timestamp())


def test_no_probe_shows_customer_data_people_ids_or_secrets(local):
    hostile_traffic(local)
    base = local.server.url
    secrets = [ACCOUNT, ACCOUNT.lower(), "zyxcorp", PERSON, EMAIL, NOTE, USER, CHANNEL, local.signing_secret,
               local.slack.bot_token, local.settings.database_url]
    answers = {path: get(base + path) for path in ("/healthz", "/readyz", "/metrics", "/readyz?account=zyxcorp",
                                                   "/metrics?name[]=zyxcorp", "/zyxcorp")}
    answers["POST /metrics"] = get(base + "/metrics", method="POST")
    assert answers["/healthz"] == (200, "ok\n") and answers["/readyz"] == (200, "ready\n")
    assert answers["/metrics"][0] == 200 and "kam_slack_requests" in answers["/metrics"][1]
    assert answers["/zyxcorp"][0] == 404 and answers["POST /metrics"][0] == 404
    for path, (_, body) in answers.items():
        for secret in secrets:
            assert secret.lower() not in body.lower(), (path, secret)
