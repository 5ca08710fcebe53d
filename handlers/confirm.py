"""Telling a user about a change that is already saved. Slack failing at this point never undoes the
save: a transient Web API failure is tried again, and when one way of reaching the user fails for good
the next is tried (e.g. a DM, then the response_url of the button they pressed)."""

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.render import Message

log = logging.getLogger("kam.handlers.confirm")

# Slack's answers that mean "try again", as opposed to "this will never work" (channel_not_found...).
TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
ATTEMPTS = 3
PAUSE_SECONDS = 0.2


def retrying(method: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Call a WebClient method, again (up to ATTEMPTS) while Slack answers with a transient failure."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return method(**kwargs)
        except SlackApiError as error:
            if attempt == ATTEMPTS or error.response.get("error") not in TRANSIENT:
                raise
            log.info("%s failed (%s); trying again", getattr(method, "__name__", "Slack call"),
                     error.response.get("error"))
            time.sleep(PAUSE_SECONDS * attempt)
    raise AssertionError("unreachable")


def deliver(*ways: Callable[[], Any]) -> bool:
    """Try each way of showing a message in turn until one works; False (logged) when none did.
    A way fails by raising SlackApiError or returning a webhook response other than 200."""
    for way in ways:
        try:
            result = way()
        except SlackApiError as error:
            log.warning("confirmation not delivered (%s); trying the next way", error.response.get("error"))
            continue
        status = getattr(result, "status_code", 200)
        if status == 200:
            return True
        log.warning("confirmation not delivered (HTTP %s); trying the next way", status)
    log.error("no way left to confirm a saved change to the user")
    return False


def in_place(body: dict, client: WebClient, respond, message: Message) -> None:
    """Replace the message holding the button: chat.update for the bot's own (DM) messages,
    the response_url for ephemeral ones (and when chat.update fails)."""
    container = body.get("container") or {}
    ways = []
    if not container.get("is_ephemeral") and body.get("message") and container.get("channel_id"):
        ways.append(lambda: retrying(client.chat_update, channel=container["channel_id"], ts=container["message_ts"],
                                     **message.as_kwargs()))
    deliver(*ways, lambda: respond(replace_original=True, **message.as_kwargs()))


def tell(client: WebClient, channel: str, message: Message) -> None:
    """Post to a DM, trying again while Slack fails; a failure never undoes a save made before."""
    deliver(lambda: retrying(client.chat_postMessage, channel=channel, **message.as_kwargs()))
