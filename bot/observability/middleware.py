"""The bolt global middleware that names each request: surface, command, user.

Names are bounded so they can be metric labels: a slash command becomes "kam <verb>" (never the text
typed after it; the /kam listener adds the verb once it has parsed the text, handlers/commands.py),
an action, view or shortcut its id (the "kam.x" part; unknown ids are "other"), an event its type.

Timing is not measured here: in sync bolt a global middleware's next() only marks the request as
passed on; the listener runs after every middleware has returned. The WSGI wrapper (request_log.py)
times the whole ack path instead: the time from Slack's request to the bot's answer.
"""

import re

from bot.observability.context import named_request
from handlers.ids import ActionId, CallbackId

KNOWN_IDS = frozenset(m.value for m in ActionId) | frozenset(m.value for m in CallbackId)
EVENT_TYPE = re.compile(r"^[a-z_.]{1,40}$")
# Only names the app is configured with (deploy/manifest.yml) become labels: a signed request can
# carry any command name or event type, and those could be a customer's words.
KNOWN_COMMANDS = frozenset({"kam"})
KNOWN_EVENTS = frozenset({"app_home_opened", "app_uninstalled", "message", "message.im", "tokens_revoked",
                          "url_verification"})
SURFACES = {"block_actions": "action", "view_submission": "view", "view_closed": "view",
            "block_suggestion": "options", "shortcut": "shortcut", "message_action": "shortcut",
            "event_callback": "event", "url_verification": "event"}


def known_id(value: str | None) -> str:
    base = (value or "").split(":", 1)[0]
    return base if base in KNOWN_IDS else "other"


def describe(body: dict) -> tuple[str, str]:
    """(surface, command) of a Slack request body."""
    if "command" in body and "type" not in body:
        name = str(body.get("command") or "").lstrip("/")
        return "command", name if name in KNOWN_COMMANDS else "other"
    kind = body.get("type")
    surface = SURFACES.get(kind, "other")
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return surface, known_id(actions[0].get("action_id"))
    if kind in ("view_submission", "view_closed"):
        return surface, known_id((body.get("view") or {}).get("callback_id"))
    if kind == "block_suggestion":
        return surface, known_id(body.get("action_id"))
    if kind in ("shortcut", "message_action"):
        return surface, known_id(body.get("callback_id"))
    if kind == "event_callback":
        event = body.get("event") or {}
        name = str(event.get("type") or "")
        if name == "message" and event.get("channel_type"):
            name = f"message.{event['channel_type']}"
        return surface, name if EVENT_TYPE.match(name) and name in KNOWN_EVENTS else "other"
    if kind == "url_verification":
        return surface, "url_verification"
    return surface, "other"


def observe_requests(body: dict, context, next_) -> None:  # noqa: ANN001 - bolt injects by name
    info = named_request()
    try:
        info.surface, info.command = describe(body or {})
    except (AttributeError, TypeError, IndexError, KeyError):  # a malformed body: "other", never a 500
        info.surface, info.command = "other", "other"
    info.user_id = context.user_id or "-"
    next_()
