"""FakeSlack answers slack_sdk's WebClient as Slack would, and records every call with parsed params."""

import json
import threading
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.emulator import BOT_USER_ID, TEAM_ID

SECTION = {"type": "section", "block_id": "hello", "text": {"type": "mrkdwn", "text": "*Hello*"}}
MODAL = {"type": "modal", "callback_id": "log_call", "title": {"type": "plain_text", "text": "Log a call"},
         "private_metadata": "acc-1", "blocks": [SECTION]}


def test_auth_test_names_the_bot_and_team(client):
    answer = client.auth_test()
    assert (answer["user_id"], answer["team_id"], answer["bot_id"]) == (BOT_USER_ID, TEAM_ID, "B0KAMBOT")


def test_post_message_is_recorded_with_blocks_parsed(slack, client):
    slack.add_user("U0ALICE", email="alice@example.com", name="alice")
    answer = client.chat_postMessage(channel="U0ALICE", text="Hello", blocks=[SECTION])
    call = slack.calls_to("chat.postMessage")[0]
    assert call.params == {"channel": "U0ALICE", "text": "Hello", "blocks": [SECTION]}
    assert answer["channel"] == slack.dm_channel_for("U0ALICE") == "D0ALICE"
    assert slack.messages_in("D0ALICE")[0]["blocks"] == [SECTION]


def test_blocks_sent_as_a_json_string_in_a_form_are_parsed(slack, client):
    client.api_call("chat.postMessage", params={"channel": "C0GENERAL", "text": "x", "blocks": json.dumps([SECTION])})
    call = slack.wait_for("chat.postMessage")
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.params["blocks"] == [SECTION]


def test_update_delete_and_permalink_act_on_the_stored_message(slack, client):
    ts = client.chat_postMessage(channel="C0GENERAL", text="first")["ts"]
    client.chat_update(channel="C0GENERAL", ts=ts, text="second")
    assert [m["text"] for m in slack.messages_in("C0GENERAL")] == ["second"]
    link = client.chat_getPermalink(channel="C0GENERAL", message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/C0GENERAL/p{ts.replace('.', '')}")
    client.chat_delete(channel="C0GENERAL", ts=ts)
    assert slack.messages_in("C0GENERAL") == []
    with pytest.raises(SlackApiError) as error:
        client.chat_update(channel="C0GENERAL", ts=ts, text="third")
    assert error.value.response["error"] == "message_not_found"


def test_post_ephemeral_and_conversations_open(slack, client):
    slack.add_user("U0BOB", name="bob")
    assert client.conversations_open(users="U0BOB")["channel"]["id"] == "D0BOB"
    assert client.chat_postEphemeral(channel="C0GENERAL", user="U0BOB", text="only you")["message_ts"]
    with pytest.raises(SlackApiError) as error:
        client.conversations_open(users="U0NOBODY")
    assert error.value.response["error"] == "user_not_found"


def test_users_info_comes_from_the_seeded_registry(slack, client):
    slack.add_user("U0ALICE", email="alice@example.com", name="alice", tz="Europe/Berlin")
    user = client.users_info(user="U0ALICE")["user"]
    assert (user["profile"]["email"], user["name"], user["tz"]) == ("alice@example.com", "alice", "Europe/Berlin")
    assert user["tz_offset"] in (3600, 7200)
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U0NOBODY")
    assert error.value.response["error"] == "user_not_found"


def test_views_open_push_update_keep_the_modal_stack(slack, client):
    trigger = slack.new_trigger_id("U0ALICE")
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["hash"] and opened["private_metadata"] == "acc-1"
    assert slack.calls_to("views.open")[0].params == {"trigger_id": trigger, "view": MODAL}
    with pytest.raises(SlackApiError) as error:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert error.value.response["error"] == "trigger_exchanged"

    pushed = client.views_push(trigger_id=slack.new_trigger_id("U0ALICE"), view=MODAL)["view"]
    assert [v["id"] for v in slack.open_views("U0ALICE")] == [opened["id"], pushed["id"]]

    changed = {**MODAL, "private_metadata": "acc-2"}
    with pytest.raises(SlackApiError) as error:
        client.views_update(view_id=opened["id"], hash="stale", view=changed)
    assert error.value.response["error"] == "hash_conflict"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=changed)["view"]
    assert slack.view(opened["id"])["private_metadata"] == "acc-2" and updated["hash"] != opened["hash"]


def test_views_open_needs_a_trigger_the_fake_issued(client):
    with pytest.raises(SlackApiError) as error:
        client.views_open(trigger_id="123.456.made-up", view=MODAL)
    assert error.value.response["error"] == "invalid_trigger_id"


def test_views_publish_sets_the_home_tab(slack, client):
    slack.add_user("U0ALICE", name="alice")
    client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [SECTION]})
    assert slack.home_of("U0ALICE")["blocks"] == [SECTION]
    assert slack.home_of("U0BOB") is None


def test_block_kit_limits_are_enforced_as_slack_does(slack, client):
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0GENERAL", text="x", blocks=[SECTION] * 51)
    assert error.value.response["error"] == "invalid_blocks"
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "A title longer than 24 chars"}}
    with pytest.raises(SlackApiError) as error:
        client.views_open(trigger_id=slack.new_trigger_id("U0ALICE"), view=long_title)
    assert error.value.response["error"] == "invalid_arguments"
    assert "title longer than 24" in error.value.response["response_metadata"]["messages"][0]


def test_unknown_methods_and_wrong_tokens_are_refused(slack):
    with pytest.raises(SlackApiError) as error:
        WebClient(token=slack.bot_token, base_url=slack.api_url).api_call("chat.scheduleMessage")
    assert error.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as error:
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    assert error.value.response["error"] == "invalid_auth"


def test_response_url_posts_replace_the_original_and_are_recorded(slack, client):
    ts = client.chat_postMessage(channel="C0GENERAL", text="pick one")["ts"]
    url = slack.response_url_for("U0ALICE", "C0GENERAL", ts)
    body = json.dumps({"replace_original": True, "text": "picked"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        assert answer.read() == b"ok"
    call = slack.wait_for("response_url")
    assert call.params["text"] == "picked" and call.ts == ts
    assert [m["text"] for m in slack.messages_in("C0GENERAL")] == ["picked"]


def test_wait_for_returns_a_call_made_from_another_thread(slack, client):
    go = threading.Event()
    worker = threading.Thread(target=lambda: go.wait() and client.chat_postMessage(channel="C0GENERAL", text="late"))
    worker.start()
    go.set()
    call = slack.wait_for("chat.postMessage", lambda c: c.params["text"] == "late")
    worker.join()
    assert call.ok


def test_wait_for_names_the_method_when_nothing_arrives(slack, client):
    mark = slack.mark()
    client.auth_test()
    with pytest.raises(TimeoutError, match="views.publish"):
        slack.wait_for("views.publish", timeout=0.05, after=mark)


def test_wait_for_after_a_mark_skips_earlier_calls(slack, client):
    client.chat_postMessage(channel="C0GENERAL", text="one")
    mark = slack.mark()
    client.chat_postMessage(channel="C0GENERAL", text="two")
    assert slack.wait_for("chat.postMessage", after=mark).params["text"] == "two"


def test_rate_limit_is_retried_by_slack_sdks_handler(slack):
    client = WebClient(token=slack.bot_token, base_url=slack.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    assert client.chat_postMessage(channel="C0GENERAL", text="hi")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_rate_limit_without_a_retry_handler_surfaces_retry_after(slack, client):
    slack.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0GENERAL", text="hi")
    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "7"


def test_fail_next_fails_once(slack, client):
    slack.fail_next("users.info", error="fatal_error")
    slack.add_user("U0ALICE", name="alice")
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U0ALICE")
    assert error.value.response["error"] == "fatal_error"
    assert client.users_info(user="U0ALICE")["user"]["name"] == "alice"
