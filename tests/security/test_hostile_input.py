"""Hostile and broken input, generated (hypothesis): whatever is typed after /kam, and interactive
payloads with keys missing, values of the wrong type, unknown block types, huge private_metadata,
unknown action and callback ids. Never a 500, every answer is valid Block Kit, and what a user typed
comes back escaped: no `<!channel>` ping, no forged link.

The bot answers only after its listeners finish (process_before_response), so a listener that
raised shows up as a 500 of that very request, and every reply is there when the request returns."""

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.emulator import payloads
from bot.emulator.driver import JSON
from bot.emulator.web_api import RESPONSE_URL
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.note_text import Draft
from kam_core.db import transaction
from kam_core.enums import Role, Source
from tests.factories import make_account, make_opportunity, make_person, make_plan, make_value
from tests.security.conftest import bot_on_fresh_db

REP = "U0REP"
INJECTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>", "<https://evil.test|Acme>",
              "<!subteam^S123>", "<https://evil.test>", "<mailto:x@evil.test|CFO>", "<!date^0^{date}|x>"]
SQLISH = ["'; DROP TABLE accounts; --", "acme' OR '1'='1", "1; SELECT * FROM people", "%' --", "\\x00", "%00"]
VERBS = ["", "log ", "log acme: ", "log acme corporation: ", "tier ", "tier acme key ", "opps ", "plan ", "mine ",
         "digest ", "remind ", "card ", "help ", "show ", "lang "]
OUR_FAULT = {"invalid_blocks", "invalid_arguments", "invalid_blocks_format", "no_text", "msg_too_long",
             "invalid_form_data"}
MESSAGE_TEXT_LIMIT = 40_000
FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def local(backend, tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("hostile"), backend=backend, process_before_response=True) as bot:
        with transaction(bot.runtime.sessions) as session:
            manager = make_person(session, role=Role.manager, name="Mia <!channel> Manager", email="mia@acme.test",
                                  slack_user_id="U0MGR", team="East")
            rep = make_person(session, name="Ray Rep", email="ray@acme.test", slack_user_id=REP, manager=manager)
            acme = make_account(session, name="Acme Corporation", owner=rep)
            make_value(session, account=acme, revenue=900_000, profit=400_000)
            make_account(session, name="Acme Logistics GmbH", owner=rep)
            make_account(session, name="Globex <script>", owner=rep)
            deal = make_opportunity(session, account=acme, name="Renewal <@U999>", amount=10_000)
            make_plan(session, account=acme, actions=[{"description": "Call the CFO"}])
            bot.ids = {"account": acme.id, "deal": deal.id}
        yield bot


# ---- what every answer must be ------------------------------------------------------------------

def texts(node) -> list[str]:
    """Every text Slack renders in a message or view: text objects, a message's `text`, inline errors
    (button values and private_metadata are never shown, so raw text there is harmless)."""
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text"):
            return [str(node.get("text"))]
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        errors = list(node["errors"].values()) if isinstance(node.get("errors"), dict) else []
        return own + errors + [t for key, value in node.items() if key not in ("text", "errors") for t in texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    return []


def valid_blocks(blocks, limit: int) -> None:
    assert isinstance(blocks, list) and len(blocks) <= limit
    for block in blocks:
        Block.parse(block).validate_json()


def check_replies(local, mark, response) -> list[dict]:
    """The request did not fail, and everything the bot showed is valid Block Kit. Returns the replies."""
    assert response.status < 500, response.body
    shown = []
    if isinstance(response.json, dict) and response.json.get("response_action") not in (None, "clear"):
        action = response.json["response_action"]
        if action == "errors":
            assert all(isinstance(v, str) and v for v in response.json["errors"].values())
            shown.append(response.json)
        else:
            View(**response.json["view"]).validate_json()
            shown.append(response.json["view"])
    for call in local.slack.calls[mark.calls:]:
        error = call.response if call.method == RESPONSE_URL else (call.response or {}).get("error")
        # A payload without a user id leaves the bot no one to address; Slack's refusal is logged, harmless.
        missing = "missing required field" in json.dumps(call.response)
        assert error not in OUR_FAULT or missing, (call.method, call.response)
    for reply in local.driver.replies_since(mark):
        if reply.view is not None:
            View(**reply.view).validate_json()
            shown.append(reply.view)
        else:
            assert reply.text or reply.blocks, "an empty message"
            assert len(reply.text or "") <= MESSAGE_TEXT_LIMIT
            valid_blocks(reply.blocks or [], 50)
            shown.append({"text": reply.text, "blocks": reply.blocks})
    return shown


def assert_escaped(shown: list[dict], typed: str) -> None:
    """No special sequence the user typed reaches Slack raw (our own renderers never emit `<!`)."""
    everything = "\n".join(t for item in shown for t in texts(item))
    assert "<!" not in everything
    for token in INJECTIONS:
        if token in typed:
            assert token not in everything


def slash(local, text: str):
    mark = local.driver.mark()
    response = local.driver.slash_command(REP, text)
    assert response.status == 200, response.body
    if response.body:  # the ack: a message as JSON
        assert isinstance(response.json, dict), response.body
        valid_blocks(response.json.get("blocks") or [], 50)
    return check_replies(local, mark, response)


# ---- /kam command text --------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=10_000)
SHORT_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
HOSTILE = st.lists(st.one_of(st.sampled_from(INJECTIONS + SQLISH), SHORT_TEXT), min_size=1, max_size=6).map("".join)


@FAST
@given(verb=st.sampled_from(VERBS), text=st.one_of(ANY_TEXT, HOSTILE))
def test_any_command_text_gets_a_friendly_valid_answer(local, verb, text):
    shown = slash(local, verb + text)
    assert_escaped(shown, verb + text)
    assert "something went wrong on our side" not in json.dumps(shown)


@pytest.mark.parametrize("token", INJECTIONS)
@pytest.mark.parametrize("verb", ["", "log acme corporation: ", "log nowhere: ", "tier acme key ", "opps ",
                                  "plan ", "digest ", "remind ", "tier "])
def test_injected_mrkdwn_comes_back_escaped(local, verb, token):
    shown = slash(local, f"{verb}{token} please")
    assert shown, "no answer"
    assert_escaped(shown, token)


def test_a_10000_character_note_is_given_back_whole_and_valid(local):
    note = ("<!channel> " + "x" * 40 + "\n") * 190
    shown = slash(local, "log acme corporation: " + note[:10_000])
    assert "&lt;!channel&gt;" in json.dumps(shown)


# ---- interactive payloads -----------------------------------------------------------------------

def ephemeral_click(local, action_id: str, value) -> dict:
    ts = payloads._now_ts()
    return payloads.block_actions(
        user_id=REP, trigger_id=local.slack.new_trigger_id(REP),
        action={"action_id": action_id, "block_id": "b1", "type": "button", "value": value, "action_ts": ts},
        container={"type": "message", "message_ts": ts, "channel_id": "C0GENERAL", "is_ephemeral": True},
        channel={"id": "C0GENERAL", "name": "general"},
        response_url=local.slack.response_url_for(REP, "C0GENERAL", ts))


def log_view(local, metadata: str = "") -> dict:
    return {"id": "V0LOG", "team_id": "T0", "type": "modal", "callback_id": CallbackId.log_modal, "hash": "1.a",
            "private_metadata": metadata, "title": {"type": "plain_text", "text": "Log"},
            "blocks": [{"type": "input", "block_id": BlockId.notes, "label": {"type": "plain_text", "text": "Notes"},
                        "element": {"type": "plain_text_input", "action_id": ActionId.notes_input}}]}


def log_state(local) -> dict:
    return {BlockId.account: {ActionId.account_select: {"type": "external_select", "selected_option": {
                "text": {"type": "plain_text", "text": "Acme"}, "value": str(local.ids["account"])}}},
            BlockId.notes: {ActionId.notes_input: {"type": "plain_text_input", "value": "<!channel> met the CFO"}},
            BlockId.occurred_on: {ActionId.occurred_on_pick: {"type": "datepicker", "selected_date": "2020-01-01"}}}


def base_payloads(local) -> dict[str, dict]:
    """One realistic payload of every kind the bot listens to."""
    ids = local.ids
    draft = Draft(account_id=ids["account"], key="hostile", text="<!here> lunch", source=Source.direct_message)
    stage_meta = json.dumps({"opportunity_id": ids["deal"], "version": 1, "channel_id": "C0GENERAL"})
    stage_view = {**log_view(local, stage_meta), "id": "V0STAGE", "callback_id": CallbackId.stage_modal}
    found = {f"click {a.name}": ephemeral_click(local, a.value if a in (ActionId.undo_interaction,
                                                                          ActionId.save_draft,
                                                                          ActionId.change_account,
                                                                          ActionId.log_interaction) else f"{a}:0",
                                                value)
             for a, value in [(ActionId.open_account, str(ids["account"])),
                              (ActionId.log_interaction, str(ids["account"])),
                              (ActionId.show_opportunities, str(ids["account"])),
                              (ActionId.show_plan, str(ids["account"])),
                              (ActionId.move_stage, f"{ids['deal']}:1"), (ActionId.complete_action, "1:1"),
                              (ActionId.complete_follow_up, "1:1"), (ActionId.snooze_follow_up, "1:1"),
                              (ActionId.undo_interaction, "1"), (ActionId.save_draft, draft.encode()),
                              (ActionId.change_account, draft.encode())]}
    found["choose account in the log modal"] = payloads.block_actions(
        user_id=REP, trigger_id=local.slack.new_trigger_id(REP), container={"type": "view", "view_id": "V0LOG"},
        action={"action_id": ActionId.account_select, "block_id": BlockId.account, "type": "external_select",
                "selected_option": {"text": {"type": "plain_text", "text": "Acme"}, "value": str(ids["account"])}},
        view=log_view(local), state=log_state(local))
    found["submit the log modal"] = payloads.view_submission(user_id=REP, view=log_view(local),
                                                             state=log_state(local),
                                                             trigger_id=local.slack.new_trigger_id(REP))
    found["submit the stage modal"] = payloads.view_submission(
        user_id=REP, view=stage_view, trigger_id=local.slack.new_trigger_id(REP),
        state={BlockId.stage: {ActionId.stage_select: {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "Qualification"}, "value": "2"}}}})
    found["close a modal"] = payloads.view_closed(user_id=REP, view=log_view(local))
    found["type in the account picker"] = payloads.block_suggestion(
        user_id=REP, action_id=ActionId.account_select, block_id=BlockId.account, value="<!channel> acme",
        view=log_view(local))
    found["global shortcut"] = payloads.global_shortcut(user_id=REP, callback_id=CallbackId.log_shortcut,
                                                        trigger_id=local.slack.new_trigger_id(REP))
    found["message shortcut"] = payloads.message_shortcut(
        user_id=REP, callback_id=CallbackId.log_message_shortcut, trigger_id=local.slack.new_trigger_id(REP),
        channel={"id": "C0GENERAL", "name": "general"},
        message={"type": "message", "user": "U0X", "text": "<!channel> acme: call me", "ts": payloads._now_ts()},
        response_url=local.slack.response_url_for(REP, "C0GENERAL"))
    found["Home opened"] = payloads.event_callback(payloads.app_home_opened(
        user_id=REP, channel=local.slack.dm_channel_for(REP)))
    found["DM to the bot"] = payloads.event_callback(payloads.message_im(
        user_id=REP, text="acme corporation: <!channel> lunch", channel=local.slack.dm_channel_for(REP)))
    return found


def send(local, payload: dict):
    local.slack.add_member(REP)
    if payload.get("type") == "event_callback":
        return local.driver.raw(json.dumps(payload), content_type=JSON)
    return local.driver.raw(payloads.interactive_form(payload))


def paths(node, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def parent_of(payload: dict, path: tuple):
    node = payload
    for step in path[:-1]:
        node = node[step]
    return node


WRONG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), SHORT_TEXT,
    st.sampled_from(INJECTIONS), st.lists(st.integers(), max_size=3), st.dictionaries(SHORT_TEXT, SHORT_TEXT, max_size=2),
    st.just("x" * 100_000), st.just({"type": "no_such_block", "text": "<!channel>"}))


@st.composite
def broken_payloads(draw, local):
    name = draw(st.sampled_from(sorted(base_payloads(local))), label="payload")
    payload = copy.deepcopy(base_payloads(local)[name])
    for _ in range(draw(st.integers(1, 3), label="changes")):
        where = draw(st.sampled_from(paths(payload)), label="path")
        parent = parent_of(payload, where)
        if draw(st.booleans(), label="remove it"):
            if isinstance(parent, dict):
                parent.pop(where[-1], None)
            elif isinstance(parent, list) and len(parent) > where[-1]:
                parent.pop(where[-1])
        else:
            parent[where[-1]] = copy.deepcopy(draw(WRONG_VALUES, label="new value"))
        if not paths(payload):
            break
    return name, payload


@FAST
@given(data=st.data())
def test_broken_payloads_never_fail_and_answer_valid_block_kit(local, data):
    name, payload = data.draw(broken_payloads(local))
    mark = local.driver.mark()
    shown = check_replies(local, mark, send(local, payload))
    assert_escaped(shown, "<!channel> <!here>")


def with_unknown_blocks(payload: dict) -> dict:
    for view in (payload.get("view"), payload.get("message")):
        if isinstance(view, dict):
            view["blocks"] = [{"type": "no_such_block", "block_id": "zz"}, {"type": "rich_text", "elements": []},
                              *view.get("blocks", [])]
    return payload


@pytest.mark.parametrize("change", ["unknown block types", "huge private_metadata", "private_metadata not JSON",
                                    "unknown action id", "unknown callback id"])
def test_odd_payloads_of_every_kind_get_a_valid_answer(local, change):
    for name, payload in base_payloads(local).items():
        if change == "unknown block types":
            payload = with_unknown_blocks(payload)
        elif change == "huge private_metadata" and "view" in payload:
            payload["view"]["private_metadata"] = "<!channel>" * 20_000
        elif change == "private_metadata not JSON" and "view" in payload:
            payload["view"]["private_metadata"] = "{not json"
        elif change == "unknown action id":
            for action in payload.get("actions", []):
                action["action_id"] = "kam.no_such_button"
            if "action_id" in payload:
                payload["action_id"] = "kam.no_such_picker"
        elif change == "unknown callback id":
            for holder in (payload, payload.get("view") or {}):
                if "callback_id" in holder:
                    holder["callback_id"] = "kam.no_such_thing"
        mark = local.driver.mark()
        check_replies(local, mark, send(local, payload))


@pytest.mark.parametrize("kind", ["button", "view submission"])
def test_an_unknown_button_or_form_tells_the_user_what_to_do(local, kind):
    base = base_payloads(local)
    payload = {"button": base["click open_account"], "view submission": base["submit the log modal"]}[kind]
    for holder in (payload, payload.get("view") or {}, *payload.get("actions", [])):
        for key in ("action_id", "callback_id"):
            if key in holder:
                holder[key] = "kam.retired_feature"
    mark = local.driver.mark()
    response = send(local, payload)
    shown = check_replies(local, mark, response)
    assert response.status == 200
    said = json.dumps(shown)
    if kind == "view submission":
        assert response.json and response.json.get("response_action") == "errors"
    assert re.search(r"no longer|not available|/kam", said), said


# ---- the same, as production runs it: ack first, work after -------------------------------------

@pytest.fixture(scope="module")
def acking_bot(tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("acking")) as bot:
        with transaction(bot.runtime.sessions) as session:
            make_person(session, name="Ray Rep", email="ray@acme.test", slack_user_id=REP)
        yield bot


@pytest.mark.parametrize("action_id, value, answer", [
    ("kam.retired_feature", "1", "no longer available"),  # no listener for it
    (ActionId.log_interaction, "not-a-number", "something went wrong on our side"),  # its listener raises after ack
])
def test_after_the_ack_the_user_still_hears_what_happened(acking_bot, action_id, value, answer):
    slack = acking_bot.slack
    mark = slack.mark()
    response = send(acking_bot, ephemeral_click(acking_bot, action_id, value))
    assert response.status == 200
    said = slack.wait_for(RESPONSE_URL, after=mark)
    assert answer in said.params["text"]
    valid_blocks(said.params["blocks"], 50)
