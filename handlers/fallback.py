"""The last word: buttons and forms no listener knows (an old message or modal after an update, or
a payload Slack never sends), and the error boundary: any listener that raised (a domain error, a
question back to the user, or a bug) gets its answer here (handlers/errors.reply_for), sent where
Slack gives a way to reach the user: the command's own answer, inline on the form, the response_url,
a modal, or the DM the message came from. Slack gets a 200 (a 500 makes it retry events, or show
"the app did not respond"), and an unexpected error goes to the log with the reference the user sees.

Registered after every other group: bolt runs the first listener that matches. Shortcuts and events
have no catch-all: Slack sends only those the manifest declares, each with its listener, and an
undeclared one answers 404 (tests/bot/test_manifest.py tells them apart by that)."""

import logging
import re

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.runtime import Runtime
from handlers.errors import form_errors, reply_for
from handlers.ids import GENERAL_BLOCKS
from handlers.render import Message
from handlers.render.blocks import input_block_ids
from handlers.render.common import text_message
from templates import piece

log = logging.getLogger("kam.handlers.fallback")
T = "slack/common.j2"
ANYTHING = re.compile(".*")


def notice_modal(message: Message) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": piece(T, "notice_title")},
            "close": {"type": "plain_text", "text": piece(T, "notice_close")}, "blocks": message.blocks}


def tell(body: dict, client: WebClient | None, message: Message) -> None:
    """Answer where the payload allows: its response_url, else a modal on its trigger_id, else the
    DM the message came from."""
    body = body if isinstance(body, dict) else {}
    response_url, trigger_id = body.get("response_url"), body.get("trigger_id")
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    try:
        if isinstance(response_url, str) and response_url.startswith("http"):
            WebhookClient(response_url).send(response_type="ephemeral", replace_original=False,
                                             **message.as_kwargs())
        elif isinstance(trigger_id, str) and trigger_id and client is not None:
            client.views_open(trigger_id=trigger_id, view=notice_modal(message))
        elif event.get("channel_type") == "im" and isinstance(event.get("channel"), str) and client is not None:
            client.chat_postMessage(channel=event["channel"], **message.as_kwargs())
    except Exception as error:  # noqa: BLE001 - telling the user is best effort; the error is logged
        log.warning("could not tell the user: %r", error)


def first_input_block(view) -> str | None:
    return next(iter(input_block_ids(view)), None)


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
        body = body if isinstance(body, dict) else {}
        if response is not None:  # the listener raised before its ack: its answer is ours to give
            answer = in_the_ack(error, body)
            if answer is not None:
                return BoltResponse(status=200, body=answer)
        tell(body, client, reply_for(error))  # logs an unexpected error, with the reference it shows
        return BoltResponse(status=200, body="") if response is not None else None


def in_the_ack(error: Exception, body: dict) -> dict | None:
    """The answer that goes back as the request's own answer, where Slack shows one."""
    if "command" in body and "type" not in body:  # a slash command: the user sees the ack's message
        return {"response_type": "ephemeral", **reply_for(error).as_kwargs()}
    if body.get("type") == "block_suggestion":
        return {"options": []}
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    if body.get("type") == "view_submission":  # the form stays open with what was typed, and says why
        errors = form_errors(error, view, GENERAL_BLOCKS.get(view.get("callback_id")))
        return {"response_action": "errors", "errors": errors} if errors else None
    return None


def last_word(error: Exception, body: dict, client: WebClient | None) -> None:
    """For an error in work done after the ack (handlers.background): Slack has had its answer."""
    tell(body, client, reply_for(error))
