"""What Slack's requests get while this process has no bolt App yet (bot/startup.py): an answer
within milliseconds, never a dropped connection, and never a lost word.

- a slash command: shown to the user, with what they typed, to send again in a moment;
- a form submitted: it stays open with everything typed, an inline note on its first input;
- an options request: no options;
- url_verification: its challenge (it needs no App);
- anything else (events, button clicks): 503 with Retry-After; Slack redelivers events.
"""

import json
from urllib.parse import parse_qsl

from handlers.fallback import first_input_block
from handlers.render.common import kept, text_message
from templates import piece

T = "slack/common.j2"
RETRY_AFTER_SECONDS = "10"


def answer(body: bytes, content_type: str) -> tuple[str, dict[str, str], bytes]:
    """(status, headers, body) for a signed request that arrived before the App was ready."""
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        parsed = _json(text)
        if parsed.get("type") == "url_verification" and isinstance(parsed.get("challenge"), str):
            return _json_answer({"challenge": parsed["challenge"]})
        return _unavailable()
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "command" in form:
        message = text_message(piece(T, "starting_command"))
        typed = form.get("text", "").strip()
        return _json_answer({"response_type": "ephemeral", **(kept(message, typed) if typed else message).as_kwargs()})
    payload = _json(form.get("payload", ""))
    if payload.get("type") == "view_submission":
        block_id = first_input_block(payload.get("view"))
        if block_id:
            return _json_answer({"response_action": "errors", "errors": {block_id: piece(T, "starting_form")}})
    if payload.get("type") == "block_suggestion":
        return _json_answer({"options": []})
    return _unavailable()


def _json(text: str) -> dict:
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _json_answer(body: dict) -> tuple[str, dict[str, str], bytes]:
    return "200 OK", {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()


def _unavailable() -> tuple[str, dict[str, str], bytes]:
    return ("503 Service Unavailable", {"Content-Type": "application/json", "Retry-After": RETRY_AFTER_SECONDS},
            b'{"error": "starting"}')
