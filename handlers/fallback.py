"""The last word: buttons and forms no listener knows (an old message or modal after an update, or
a payload Slack never sends), and any listener that raised. The user gets a friendly answer where
Slack gives a way to reach them, Slack gets a 200 (a 500 makes it retry events, or show "the app
did not respond"), and the error goes to the log with the reference the user sees.

Registered after every other group: bolt runs the first listener that matches. Shortcuts and events
have no catch-all: Slack sends only those the manifest declares, each with its listener, and an
undeclared one answers 404 (tests/test_manifest.py tells them apart by that)."""

import logging
import re

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.runtime import Runtime
from handlers.errors import friendly
from handlers.render import Message
from handlers.render.common import text_message
from templates import piece

log = logging.getLogger("kam.handlers.fallback")
T = "slack/common.j2"
ANYTHING = re.compile(".*")


def notice_modal(message: Message) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": piece(T, "notice_title")},
            "close": {"type": "plain_text", "text": piece(T, "notice_close")}, "blocks": message.blocks}


def tell(body: dict, client: WebClient | None, message: Message) -> None:
    """Answer where the payload allows: its response_url, else a modal on its trigger_id."""
    body = body if isinstance(body, dict) else {}
    response_url, trigger_id = body.get("response_url"), body.get("trigger_id")
    try:
        if isinstance(response_url, str) and response_url.startswith("http"):
            WebhookClient(response_url).send(response_type="ephemeral", replace_original=False,
                                             **message.as_kwargs())
        elif isinstance(trigger_id, str) and trigger_id and client is not None:
            client.views_open(trigger_id=trigger_id, view=notice_modal(message))
    except Exception as error:  # noqa: BLE001 - telling the user is best effort; the error is logged
        log.warning("could not tell the user: %r", error)


def first_input_block(view) -> str | None:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return block["block_id"]
    return None


def register(app: App, runtime: Runtime) -> None:
    retired = text_message(piece(T, "retired"))

    @app.action(ANYTHING)
    def unknown_action(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        tell(body, client, retired)

    @app.options(ANYTHING)
    def unknown_options(ack: Ack) -> None:
        ack(options=[])

    @app.view_closed(ANYTHING)
    def unknown_closed(ack: Ack) -> None:
        ack()

    @app.view(ANYTHING)
    def unknown_view(ack: Ack, body: dict) -> None:
        # Inline on the form when it has an input, so what was typed stays; otherwise it closes.
        block_id = first_input_block(body.get("view"))
        if block_id:
            ack(response_action="errors", errors={block_id: piece(T, "retired")})
        else:
            ack()

    @app.error
    def unhandled(error: Exception, body: dict, response: BoltResponse | None, client: WebClient | None = None):
        message = friendly(error)  # logs it, with the reference the message shows
        if isinstance(body, dict) and body.get("type") == "view_submission" and response is not None:
            block_id = first_input_block(body.get("view"))
            if block_id:  # the form stays open with what the user typed, and says what happened
                return BoltResponse(status=200, body={"response_action": "errors",
                                                      "errors": {block_id: message.text[:300]}})
        tell(body, client, message)
        return BoltResponse(status=200, body="") if response is not None else None


def last_word(error: Exception, body: dict, client: WebClient | None) -> None:
    """For an error in work done after the ack (handlers.background): Slack has had its answer."""
    tell(body, client, friendly(error))
