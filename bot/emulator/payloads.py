"""Builders of the request bodies Slack sends to an app, in Slack's real shapes:
slash commands (form fields), interactive payloads (`payload=<json>` form), Events API envelopes (JSON).

Pure functions; the driver fills in trigger ids and response URLs from FakeSlack.
"""

import json
import secrets
import time
from datetime import date
from typing import Any, Iterator
from urllib.parse import urlencode

from bot.emulator.workspace import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

VERIFICATION_TOKEN = "kamVerificationTok3n"  # legacy field Slack still sends; bolt ignores it


def _now_ts() -> str:
    return f"{time.time():.6f}"


def user_ref(user_id: str) -> dict:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def team_ref() -> dict:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def interactive_form(payload: dict) -> str:
    """Interactive requests arrive form-encoded with the JSON in a single `payload` field."""
    return urlencode({"payload": json.dumps(payload)})


# ---- slash commands ------------------------------------------------------------------------------

def slash_command(*, user_id: str, text: str, command: str, channel_id: str, channel_name: str,
                  response_url: str, trigger_id: str) -> dict[str, str]:
    """The form fields of a slash command, in the order Slack sends them."""
    return {
        "token": VERIFICATION_TOKEN, "team_id": TEAM_ID, "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id, "channel_name": channel_name, "user_id": user_id, "user_name": user_id.lower(),
        "command": command, "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id,
    }


# ---- Block Kit elements: what a click or a filled input looks like --------------------------------

def _elements(blocks: list[dict]) -> Iterator[tuple[str, dict]]:
    for block in blocks or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            yield block.get("block_id", ""), element
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                yield block.get("block_id", ""), block[key]


def find_element(blocks: list[dict], action_id: str, block_id: str | None = None) -> tuple[str, dict] | None:
    """(block_id, element) of the interactive element with that action_id, or None."""
    return next(((bid, el) for bid, el in _elements(blocks)
                 if el.get("action_id") == action_id and block_id in (None, bid)), None)


def options(element: dict) -> list[dict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _option(element: dict, value: Any) -> dict:
    """An option object: given whole, found in the element by value, or made up (external selects)."""
    if isinstance(value, dict):
        return value
    found = next((o for o in options(element) if o.get("value") == value), None)
    return found or {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}


_SINGLE = {"static_select", "external_select", "radio_buttons", "overflow"}
_MULTI = {"multi_static_select", "multi_external_select", "checkboxes"}
_PICKED = {"users_select": "selected_user", "conversations_select": "selected_conversation",
           "channels_select": "selected_channel", "datepicker": "selected_date", "timepicker": "selected_time"}
_INITIAL = {"users_select": "initial_user", "conversations_select": "initial_conversation",
            "channels_select": "initial_channel", "datepicker": "initial_date", "timepicker": "initial_time"}


def selection(element: dict, value: Any) -> dict:
    """The keys carrying a chosen value for this element type (value None = nothing chosen)."""
    kind = element.get("type")
    if kind in _SINGLE:
        return {"selected_option": None if value is None else _option(element, value)}
    if kind in _MULTI:
        return {"selected_options": [_option(element, v) for v in value or []]}
    if kind in _PICKED:
        value = value.isoformat() if isinstance(value, date) else value
        if kind == "datepicker" and value is not None and not a_day(value):
            raise ValueError(f"a datepicker sends a real day as YYYY-MM-DD, never {value!r}")
        return {_PICKED[kind]: value}
    return {"value": value}


def a_day(value: Any) -> bool:
    """What Slack's date picker can hold: a calendar day, written YYYY-MM-DD."""
    try:
        return isinstance(value, str) and len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def initial(element: dict) -> Any:
    kind = element.get("type")
    if kind in _SINGLE:
        return element.get("initial_option")
    if kind in _MULTI:
        return element.get("initial_options") or []
    return element.get(_INITIAL.get(kind, "initial_value"))


def state_values(view: dict, values: dict[str, dict[str, Any]] | None) -> dict:
    """`view.state.values` as Slack sends it: every input element, with what the user entered
    (`values` as {block_id: {action_id: value}}) or else its initial value or null."""
    values = values or {}
    state: dict[str, dict] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        given = values.get(block.get("block_id", ""), {})
        value = given[element.get("action_id")] if element.get("action_id") in given else initial(element)
        state[block["block_id"]] = {element["action_id"]: {"type": element["type"], **selection(element, value)}}
    for block_id, actions in values.items():
        for action_id in actions:
            if action_id not in state.get(block_id, {}):
                raise ValueError(f"the view has no input block {block_id!r} with action {action_id!r}")
    return state


def action(blocks: list[dict], action_id: str, value: Any, block_id: str | None) -> dict:
    """One entry of a block_actions payload's `actions`: a button click or a choice in an element."""
    found = find_element(blocks, action_id, block_id)
    if found is None and blocks:
        raise ValueError(f"no element with action_id {action_id!r} in the blocks")
    found_block_id, element = found or (block_id or secrets.token_hex(3), {"type": "button"})
    base = {"action_id": action_id, "block_id": found_block_id, "type": element.get("type"), "action_ts": _now_ts()}
    if element.get("type") == "button":
        return {**base, "text": element.get("text", {"type": "plain_text", "text": action_id}),
                "value": element.get("value") if value is None else value,
                **({"style": element["style"]} if "style" in element else {})}
    return {**base, **selection(element, value)}


# ---- interactive payloads -------------------------------------------------------------------------

def block_actions(*, user_id: str, action: dict, trigger_id: str, container: dict, channel: dict | None = None,
                  message: dict | None = None, view: dict | None = None, response_url: str | None = None,
                  state: dict | None = None) -> dict:
    payload = {
        "type": "block_actions", "user": user_ref(user_id), "api_app_id": APP_ID, "token": VERIFICATION_TOKEN,
        "container": container, "trigger_id": trigger_id, "team": team_ref(), "enterprise": None,
        "is_enterprise_install": False, "actions": [action], "state": {"values": state or {}},
    }
    if channel:
        payload["channel"] = channel
    if message:
        payload["message"] = message
    if response_url:
        payload["response_url"] = response_url
    if view:
        payload["view"] = {**view, "state": {"values": state or {}}}
    return payload


def view_submission(*, user_id: str, view: dict, state: dict, trigger_id: str) -> dict:
    return {
        "type": "view_submission", "team": team_ref(), "user": user_ref(user_id), "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN, "trigger_id": trigger_id, "enterprise": None, "is_enterprise_install": False,
        "view": {**view, "state": {"values": state}}, "response_urls": [],
    }


def view_closed(*, user_id: str, view: dict) -> dict:
    return {"type": "view_closed", "team": team_ref(), "user": user_ref(user_id), "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN, "view": view, "is_cleared": False, "is_enterprise_install": False}


def block_suggestion(*, user_id: str, action_id: str, block_id: str, value: str, view: dict | None) -> dict:
    payload = {
        "type": "block_suggestion", "user": user_ref(user_id), "team": team_ref(), "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN, "action_id": action_id, "block_id": block_id, "value": value,
        "action_ts": _now_ts(), "enterprise": None, "is_enterprise_install": False,
    }
    if view:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    return payload


def global_shortcut(*, user_id: str, callback_id: str, trigger_id: str) -> dict:
    return {"type": "shortcut", "token": VERIFICATION_TOKEN, "action_ts": _now_ts(), "team": team_ref(),
            "user": user_ref(user_id), "is_enterprise_install": False, "enterprise": None,
            "callback_id": callback_id, "trigger_id": trigger_id}


def message_shortcut(*, user_id: str, callback_id: str, trigger_id: str, channel: dict, message: dict,
                     response_url: str) -> dict:
    return {"type": "message_action", "token": VERIFICATION_TOKEN, "action_ts": _now_ts(), "team": team_ref(),
            "user": user_ref(user_id), "channel": channel, "is_enterprise_install": False, "enterprise": None,
            "callback_id": callback_id, "trigger_id": trigger_id, "message_ts": message["ts"],
            "message": message, "response_url": response_url}


# ---- Events API ---------------------------------------------------------------------------------

def event_callback(event: dict, event_id: str | None = None) -> dict:
    """The envelope every Events API delivery comes in (current shape: `authorizations`, no `authed_users`)."""
    event = {"event_ts": _now_ts(), **event}
    return {
        "token": VERIFICATION_TOKEN, "team_id": TEAM_ID, "api_app_id": APP_ID, "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()), "event_context": f"4-{secrets.token_urlsafe(24)}",
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def app_home_opened(*, user_id: str, channel: str, tab: str = "home", view: dict | None = None) -> dict:
    event = {"type": "app_home_opened", "user": user_id, "channel": channel, "tab": tab}
    if view:
        event["view"] = view
    return event


def message_im(*, user_id: str, text: str, channel: str, ts: str | None = None) -> dict:
    ts = ts or _now_ts()
    return {"type": "message", "channel": channel, "user": user_id, "text": text, "ts": ts,
            "team": TEAM_ID, "channel_type": "im", "client_msg_id": secrets.token_hex(16)}


def url_verification(challenge: str) -> dict:
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
