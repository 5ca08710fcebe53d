"""The driver sends what Slack would send, signed as Slack signs it, to a stand-in bot endpoint that
verifies signatures with slack_sdk's SignatureVerifier and echoes what it parsed."""

import json
import urllib.request
from datetime import date
from urllib.parse import urlencode

from bot.emulator import payloads

OPTIONS = [{"text": {"type": "plain_text", "text": name}, "value": value}
           for name, value in (("Key", "key"), ("Important", "important"), ("General", "general"))]


def _input(block_id: str, element: dict) -> dict:
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": block_id},
            "element": {"action_id": block_id, **element}}


FORM = {
    "type": "modal", "callback_id": "log_call", "private_metadata": "acc-1",
    "title": {"type": "plain_text", "text": "Log a call"}, "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        _input("summary", {"type": "plain_text_input", "multiline": True}),
        _input("tier", {"type": "static_select", "options": OPTIONS}),
        _input("account", {"type": "external_select", "min_query_length": 1}),
        _input("due", {"type": "datepicker", "initial_date": "2025-01-31"}),
        _input("products", {"type": "multi_static_select", "options": OPTIONS}),
        _input("outcome", {"type": "radio_buttons", "options": OPTIONS}),
        _input("note", {"type": "plain_text_input"}),
    ],
}


def _open_modal(slack, client, user_id="U0ALICE"):
    return client.views_open(trigger_id=slack.new_trigger_id(user_id), view=FORM)["view"]


def test_slash_command_is_signed_form_encoded_with_every_field(bot, driver, slack, client):
    response = driver.slash_command("U0ALICE", "accounts mine")
    assert response.status == 200
    form = bot.requests[0]["parsed"]
    assert set(form) >= {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
                         "command", "text", "api_app_id", "response_url", "trigger_id"}
    assert (form["command"], form["text"], form["user_id"], form["channel_id"]) == \
        ("/kam", "accounts mine", "U0ALICE", "C0GENERAL")
    assert bot.requests[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert form["response_url"].startswith(slack.base_url + "/response/")
    assert client.views_open(trigger_id=form["trigger_id"], view=FORM)["ok"]


def test_block_action_on_a_message_carries_the_button_message_and_response_url(bot, driver, slack, client):
    button = {"type": "button", "action_id": "open_account", "text": {"type": "plain_text", "text": "Open"},
              "value": "acc-7"}
    posted = client.chat_postMessage(channel="C0GENERAL", text="Acme", blocks=[
        {"type": "actions", "block_id": "card", "elements": [button]}])
    driver.block_action("U0ALICE", "open_account", message=posted["message"], channel_id="C0GENERAL")
    payload = bot.requests[0]["parsed"]["payload"]
    assert payload["type"] == "block_actions"
    action = payload["actions"][0]
    assert (action["type"], action["action_id"], action["block_id"], action["value"]) == \
        ("button", "open_account", "card", "acc-7")
    assert payload["container"] == {"type": "message", "message_ts": posted["ts"], "channel_id": "C0GENERAL",
                                    "is_ephemeral": False}
    assert payload["message"]["ts"] == posted["ts"] and payload["channel"]["id"] == "C0GENERAL"
    assert payload["response_url"].startswith(slack.base_url)


def test_block_action_in_a_view_carries_the_view_and_its_state(bot, driver, slack, client):
    view = _open_modal(slack, client)
    driver.block_action("U0ALICE", "tier", "important", view=view["id"], values={"summary": {"summary": "hi"}})
    payload = bot.requests[0]["parsed"]["payload"]
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert payload["actions"][0]["selected_option"]["text"]["text"] == "Important"
    assert payload["view"]["state"]["values"]["summary"]["summary"]["value"] == "hi"


def test_view_submission_state_values_have_slacks_shapes(bot, driver, slack, client):
    view = _open_modal(slack, client)
    driver.view_submission("U0ALICE", view, {
        "summary": {"summary": "Met the CFO"}, "tier": {"tier": "key"},
        "account": {"account": {"text": {"type": "plain_text", "text": "Acme"}, "value": "acc-1"}},
        "due": {"due": date(2025, 3, 1)}, "products": {"products": ["key", "general"]},
        "outcome": {"outcome": "important"},
    })
    submitted = bot.requests[0]["parsed"]["payload"]
    assert submitted["type"] == "view_submission"
    assert (submitted["view"]["callback_id"], submitted["view"]["private_metadata"]) == ("log_call", "acc-1")
    assert (submitted["view"]["id"], submitted["view"]["hash"]) == (view["id"], view["hash"])
    values = submitted["view"]["state"]["values"]
    assert values["summary"]["summary"] == {"type": "plain_text_input", "value": "Met the CFO"}
    assert values["tier"]["tier"]["selected_option"] == OPTIONS[0]
    assert values["account"]["account"]["selected_option"]["value"] == "acc-1"
    assert values["due"]["due"] == {"type": "datepicker", "selected_date": "2025-03-01"}
    assert [o["value"] for o in values["products"]["products"]["selected_options"]] == ["key", "general"]
    assert values["outcome"]["outcome"]["selected_option"]["value"] == "important"
    assert values["note"]["note"] == {"type": "plain_text_input", "value": None}


def test_unfilled_inputs_keep_their_initial_value_and_unknown_inputs_are_refused(slack, client):
    view = _open_modal(slack, client)
    assert payloads.state_values(view, None)["due"]["due"]["selected_date"] == "2025-01-31"
    try:
        payloads.state_values(view, {"nope": {"nope": "x"}})
    except ValueError as error:
        assert "nope" in str(error)
    else:
        raise AssertionError("an input the view does not have was accepted")


def test_a_plain_ack_closes_the_modal_and_errors_keep_it_open(bot, driver, slack, client):
    view = _open_modal(slack, client)
    bot.answer = lambda request: (200, json.dumps({"response_action": "errors", "errors": {"summary": "Required"}}))
    mark = driver.mark()
    driver.view_submission("U0ALICE", view)
    assert driver.replies_since(mark, "U0ALICE")[0].errors == {"summary": "Required"}
    assert slack.view(view["id"]) is not None
    bot.answer = lambda request: (200, "")
    driver.view_submission("U0ALICE", view, {"summary": {"summary": "ok"}})
    assert slack.view(view["id"]) is None and slack.open_views("U0ALICE") == []


def test_response_action_update_replaces_the_modal(bot, driver, slack, client):
    view = _open_modal(slack, client)
    done = {"type": "modal", "title": {"type": "plain_text", "text": "Saved"}, "blocks": []}
    bot.answer = lambda request: (200, json.dumps({"response_action": "update", "view": done}))
    mark = driver.mark()
    driver.view_submission("U0ALICE", view)
    assert slack.view(view["id"])["title"]["text"] == "Saved"
    assert [r.kind for r in driver.replies_since(mark, "U0ALICE")] == ["view_update"]


def test_block_suggestion_returns_the_bots_options(bot, driver, slack, client):
    view = _open_modal(slack, client)
    bot.answer = lambda request: (200, json.dumps({"options": OPTIONS[:1]}))
    response = driver.block_suggestion("U0ALICE", "account", "ac", view=view)
    assert response.json == {"options": OPTIONS[:1]}
    payload = bot.requests[0]["parsed"]["payload"]
    assert (payload["type"], payload["block_id"], payload["value"]) == ("block_suggestion", "account", "ac")


def test_shortcuts_have_slacks_shapes(bot, driver):
    driver.shortcut("U0ALICE", "log_interaction")
    driver.message_action("U0ALICE", "log_from_message", "Call with Acme went well", ts="1700000000.000100")
    global_, on_message = (request["parsed"]["payload"] for request in bot.requests)
    assert (global_["type"], global_["callback_id"], global_["user"]["id"]) == ("shortcut", "log_interaction", "U0ALICE")
    assert global_["trigger_id"]
    assert on_message["type"] == "message_action" and on_message["message_ts"] == "1700000000.000100"
    assert on_message["message"]["text"] == "Call with Acme went well" and on_message["response_url"]


def test_events_arrive_in_an_envelope_with_retry_headers(bot, driver, slack):
    driver.event(payloads.app_home_opened(user_id="U0ALICE", channel="D0ALICE"), event_id="Ev1", retry_num=1)
    request = bot.requests[0]
    envelope = request["parsed"]
    assert (envelope["type"], envelope["event_id"], envelope["event"]["type"]) == \
        ("event_callback", "Ev1", "app_home_opened")
    assert envelope["authorizations"][0]["user_id"] == "U0KAMBOT" and envelope["event_time"]
    assert (request["headers"]["X-Slack-Retry-Num"], request["headers"]["X-Slack-Retry-Reason"]) == \
        ("1", "http_timeout")
    driver.message_im("U0ALICE", "hello")
    assert bot.requests[1]["parsed"]["event"]["channel_type"] == "im"


def test_bad_signatures_and_stale_timestamps_are_rejected_by_the_verifier(bot, driver):
    body = urlencode({"command": "/kam", "text": "hi"})
    assert driver.raw(body).status == 200
    assert driver.raw(body, signature="wrong").status == 401
    assert driver.raw(body, signature="none").status == 401
    assert driver.raw(body, timestamp=driver.stale_timestamp()).status == 401
    assert len(bot.requests) == 1


def test_replies_since_follows_the_conversation_in_order(bot, driver, slack, client):
    slack.add_user("U0ALICE", name="alice")
    slack.add_user("U0BOB", name="bob")

    def answer(request):
        form = request["parsed"]
        response = urllib.request.Request(form["response_url"], headers={"Content-Type": "application/json"},
                                          data=json.dumps({"text": "Here are your accounts"}).encode())
        urllib.request.urlopen(response).close()
        client.chat_postMessage(channel=form["user_id"], text="Reminder set")
        client.chat_postMessage(channel="U0BOB", text="not for Alice")
        return 200, "Working on it"

    bot.answer = answer
    mark = driver.mark()
    driver.slash_command("U0ALICE", "accounts mine")
    replies = driver.replies_since(mark, "U0ALICE")
    assert [(r.kind, r.text) for r in replies] == [
        ("ack", "Working on it"), ("response_url", "Here are your accounts"), ("message", "Reminder set")]
    assert replies[1].response_type == "ephemeral"
    assert driver.replies_since(driver.mark(), "U0ALICE") == []


def test_a_button_in_an_ephemeral_reply_can_be_clicked_and_replaced(bot, driver, slack):
    button = {"type": "button", "action_id": "more", "text": {"type": "plain_text", "text": "More"}, "value": "2"}

    def answer(request):
        if "payload" in request["parsed"]:
            url, body = request["parsed"]["payload"]["response_url"], {"replace_original": True, "text": "Page 2"}
        else:
            url, body = request["parsed"]["response_url"], {"text": "Page 1", "blocks": [
                {"type": "actions", "block_id": "paging", "elements": [button]}]}
        post = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(post).close()
        return 200, ""

    bot.answer = answer
    mark = driver.mark()
    driver.slash_command("U0ALICE", "accounts")
    page_one = driver.replies_since(mark, "U0ALICE")[0]
    driver.block_action("U0ALICE", "more", message=page_one)
    payload = bot.requests[1]["parsed"]["payload"]
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    assert payload["actions"][0]["value"] == "2"
    assert slack.message("C0GENERAL", page_one.ts)["text"] == "Page 2"
    assert [(r.kind, r.text, r.replace_original) for r in driver.replies_since(mark, "U0ALICE")] == [
        ("response_url", "Page 1", False), ("response_url", "Page 2", True)]
