"""FakeSlack's Socket Mode against slack_sdk's own Socket Mode client (the one bolt's SocketModeHandler
uses): apps.connections.open, hello, Slack's envelope shapes, acks with payloads, disconnect and reconnect."""

import json
import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.emulator import SlackDriver, payloads
from bot.emulator.local_bot import close_at_once
from bot.emulator.workspace import APP_ID


class StandInApp:
    """slack_sdk's builtin Socket Mode client: records every envelope as it arrived and acks it with
    `answer(envelope)`: a payload dict, None for a bare ack, or "no ack"."""

    def __init__(self, slack) -> None:
        self.slack = slack
        self.envelopes: list[dict] = []
        self.answer = lambda envelope: None
        self.client = SocketModeClient(app_token=slack.app_token, web_client=WebClient(base_url=slack.api_url))
        self.client.message_listeners.append(self._ack)

    def _ack(self, client: SocketModeClient, message: dict, raw: str | None) -> None:
        if "envelope_id" not in message:  # hello
            return
        self.envelopes.append(message)
        payload = self.answer(message)
        if payload != "no ack":
            client.send_socket_mode_response(SocketModeResponse(message["envelope_id"], payload))



@pytest.fixture
def app(slack):
    stand_in = StandInApp(slack)
    stand_in.client.connect()
    yield stand_in
    close_at_once(stand_in.client, slack)


@pytest.fixture
def driver(slack) -> SlackDriver:
    return SlackDriver.over_socket(slack, timeout=5)


# ---- apps.connections.open and the WebSocket handshake -------------------------------------------

def test_apps_connections_open_wants_the_app_level_token(slack):
    answers = {}
    for name, token in {"missing": None, "bot token": slack.bot_token, "wrong": "xapp-1-A0KAMAPP-1-nope"}.items():
        with pytest.raises(SlackApiError) as refused:
            WebClient(token=token, base_url=slack.api_url).api_call("apps.connections.open")
        answers[name] = refused.value.response["error"]
    assert answers == {"missing": "not_authed", "bot token": "not_allowed_token_type", "wrong": "invalid_auth"}
    with pytest.raises(SlackApiError) as refused:
        WebClient(token=slack.app_token, base_url=slack.api_url).chat_postMessage(channel="C0GENERAL", text="hi")
    assert refused.value.response["error"] == "not_allowed_token_type"
    assert not slack.socket.links


def test_the_url_has_a_one_time_ticket_and_the_connection_starts_with_hello(slack):
    client = WebClient(base_url=slack.api_url)
    url = client.apps_connections_open(app_token=slack.app_token)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url and f"app_id={APP_ID}" in url
    assert client.apps_connections_open(app_token=slack.app_token)["url"] != url
    with connect(url) as websocket:
        hello = json.loads(websocket.recv(timeout=5))
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": APP_ID}
        assert {"host", "build_number", "approximate_connection_time"} <= set(hello["debug_info"])
        with pytest.raises(InvalidStatus) as used:
            connect(url)
        assert used.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        connect(url.split("?")[0] + "?ticket=made-up")


# ---- envelopes and acks ---------------------------------------------------------------------------

def test_a_slash_command_arrives_as_slack_sends_it_and_the_acks_payload_is_the_answer(slack, app, driver):
    card = {"response_type": "ephemeral", "text": "Acme Corporation", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Acme Corporation*"}}]}
    app.answer = lambda envelope: card
    mark = driver.mark()
    response = driver.slash_command("U0ALICE", "acme")
    assert (response.status, response.json, json.loads(response.body)) == (200, card, card)
    [envelope] = app.envelopes
    assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
    fields = envelope["payload"]
    assert (fields["command"], fields["text"], fields["user_id"], fields["channel_id"]) == (
        "/kam", "acme", "U0ALICE", "C0GENERAL")
    assert fields["response_url"].startswith(slack.base_url) and fields["trigger_id"]
    assert set(fields) == set(payloads.slash_command(user_id="U", text="", command="/kam", channel_id="C",
                                                     channel_name="c", response_url="", trigger_id=""))
    [shown] = driver.replies_since(mark, "U0ALICE")
    assert (shown.kind, shown.text) == ("ack", "Acme Corporation")


def test_a_bare_ack_is_an_empty_answer(app, driver):
    response = driver.shortcut("U0ALICE", "kam.log_shortcut")
    assert (response.status, response.body, response.json) == (200, "", None)
    [envelope] = app.envelopes
    assert envelope["type"] == "interactive" and envelope["accepts_response_payload"] is True
    assert envelope["payload"]["type"] == "shortcut" and envelope["payload"]["callback_id"] == "kam.log_shortcut"


def test_a_view_submission_answered_with_errors_keeps_the_modal_open(slack, app, driver):
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Log"}, "callback_id": "kam.log",
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [{"type": "input", "block_id": "notes", "label": {"type": "plain_text", "text": "Notes"},
                        "element": {"type": "plain_text_input", "action_id": "notes_input"}}]}
    opened = WebClient(token=slack.bot_token, base_url=slack.api_url).views_open(
        trigger_id=slack.new_trigger_id("U0ALICE"), view=view)["view"]
    app.answer = lambda envelope: {"response_action": "errors", "errors": {"notes": "Write what happened"}}
    mark = driver.mark()
    driver.view_submission("U0ALICE", opened, {"notes": {"notes_input": ""}})
    [shown] = driver.replies_since(mark, "U0ALICE")
    assert shown.errors == {"notes": "Write what happened"}
    assert slack.view(opened["id"]) is not None
    assert app.envelopes[0]["payload"]["view"]["state"]["values"]["notes"]["notes_input"]["value"] == ""
    app.answer = lambda envelope: None
    driver.view_submission("U0ALICE", opened, {"notes": {"notes_input": "Met the CFO"}})
    assert slack.view(opened["id"]) is None  # a bare ack closes it, as in Slack


def test_an_event_comes_in_an_events_api_envelope_with_its_retry_fields(slack, app, driver):
    driver.message_im("U0ALICE", "acme: met the CFO")
    driver.event(payloads.message_im(user_id="U0ALICE", text="again", channel="D0ALICE"), retry_num=1)
    first, retried = app.envelopes
    assert first["type"] == "events_api" and first["accepts_response_payload"] is False
    assert (first["retry_attempt"], first["retry_reason"]) == (0, "")
    assert first["payload"]["type"] == "event_callback" and first["payload"]["event"]["text"] == "acme: met the CFO"
    assert (retried["retry_attempt"], retried["retry_reason"]) == (1, "http_timeout")


def test_a_missing_ack_is_a_timeout(app, slack):
    app.answer = lambda envelope: "no ack"
    with pytest.raises(TimeoutError, match="no ack for the slash_commands envelope"):
        SlackDriver.over_socket(slack, timeout=0.5).slash_command("U0ALICE", "acme")


def test_without_a_connection_delivery_is_a_timeout(slack):
    with pytest.raises(TimeoutError, match="no open Socket Mode connection"):
        SlackDriver.over_socket(slack, timeout=0.3).slash_command("U0ALICE", "acme")


def test_the_http_only_raw_post_is_refused_over_socket_mode(slack):
    with pytest.raises(RuntimeError, match="Socket Mode"):
        SlackDriver.over_socket(slack).raw("command=/kam")


# ---- disconnect and reconnect ---------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["refresh_requested", "warning", "link_disabled"])
def test_on_disconnect_the_app_reconnects_with_a_new_ticket_and_delivery_goes_on(slack, app, driver, reason):
    app.answer = lambda envelope: {"text": f"answer {len(app.envelopes)}"}
    assert driver.slash_command("U0ALICE", "one").json == {"text": "answer 1"}
    old = slack.socket.disconnect(reason)
    new = slack.socket.wait_for_link(after=old.number)
    assert new.ticket != old.ticket
    assert len(slack.calls_to("apps.connections.open")) == 2
    assert driver.slash_command("U0ALICE", "two").json == {"text": "answer 2"}
    assert [e["payload"]["text"] for e in app.envelopes] == ["one", "two"]


def test_envelopes_sent_while_the_app_reconnects_wait_for_the_new_connection(slack, app, driver):
    app.answer = lambda envelope: {"text": "still here"}
    reconnecting = slack.hold_next("apps.connections.open")  # the app's reconnect hangs until released
    slack.socket.disconnect()
    answers = []
    sender = threading.Thread(target=lambda: answers.append(driver.slash_command("U0ALICE", "acme")))
    sender.start()
    assert sender.is_alive()  # nothing goes to the connection told to disconnect
    reconnecting.set()
    sender.join(timeout=10)
    assert [a.json for a in answers] == [{"text": "still here"}]
    assert [link.number for link in slack.socket.links] == [1, 2]


def test_disconnect_knows_only_slacks_reasons(slack):
    with pytest.raises(ValueError, match="refresh_requested"):
        slack.socket.disconnect("bored")
