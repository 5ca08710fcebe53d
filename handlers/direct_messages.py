"""A DM to the bot (`acme: met the CFO, next: send quote by Friday`): a preview of what will be saved,
saved with one tap on Save (handlers/notes.py). Only what a person wrote is answered, once: Slack's
redeliveries, the same message under two event ids, edits, deletions, files and bot posts get a bare
acknowledgement."""

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import later
from handlers.confirm import tell
from handlers.errors import keeping
from handlers.note_text import Draft, parse_note, require_a_real_day, split_account
from handlers.notes import not_found
from handlers.render import Message
from handlers.render.common import text_message
from handlers.render.notes import dm_preview, note_candidates
from handlers.session import Kam, as_user
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.db import transaction
from kam_core.enums import Source
from kam_core.events import first_time
from kam_core.interactions.service import check_text
from templates import piece

log = logging.getLogger("kam.handlers.direct_messages")
T = "slack/notes.j2"


def dm_reply(kam: Kam, event: dict) -> Message:
    """What the bot answers a DM with: a preview to confirm, candidates, or how to write a note."""
    parts = split_account(event.get("text") or "")
    if parts is None or not parts[1]:
        return text_message(piece(T, "dm_help"))
    query, text = parts
    with keeping(event.get("text") or ""):  # what could not be understood comes back whole, to resend
        return _preview_or_candidates(kam, event, query, text)


def _preview_or_candidates(kam: Kam, event: dict, query: str, text: str) -> Message:
    check_text(text)
    note = parse_note(text, kam.today, kam.locale)
    require_a_real_day(note)
    draft = Draft(key=f"dm:{message_identity(event)}", text=text, source=Source.direct_message)
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
    if result.outcome == Outcome.match:
        return dm_preview(result.best.name, note, draft.for_account(result.best.account_id))
    if result.outcome == Outcome.ambiguous and draft.fits_a_button():
        return note_candidates(result, draft, intro="dm_candidates_intro")
    if result.outcome == Outcome.ambiguous:
        return text_message(piece(T, "dm_too_long_for_tap", length=len(text)))
    raise not_found(result, draft)


def written_to_the_bot(event: dict) -> bool:
    """Only what a person wrote in the bot's DM: edits, deletions, joins, files and bot posts have a
    subtype or a bot_id."""
    return event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id") \
        and bool(event.get("user")) and isinstance(event.get("channel"), str)


def message_identity(event: dict) -> str:
    return event.get("client_msg_id") or f"{event['channel']}:{event.get('ts')}"


def delivery_keys(body: dict) -> list[str]:
    """What identifies a delivery: its event id and, for a DM, the message itself."""
    keys = [f"slack-event:{body['event_id']}"] if body.get("event_id") else []
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if event.get("type") == "message" and written_to_the_bot(event):
        keys.append(f"slack-dm:{message_identity(event)}")
    return keys


def first_delivery_of(runtime: Runtime, keys: list[str]) -> bool:
    """Whether no process has handled this delivery yet (the claims are in the database, so every server
    process agrees). When the database cannot be asked, the event is handled: the rep is told then."""
    if not keys:
        return True
    try:
        with transaction(runtime.sessions) as session:
            return all([first_time(session, key=key) for key in keys])  # a list: claim every key
    except Exception:  # noqa: BLE001 - a reply saying the database is down beats silence
        log.warning("could not check %s for an earlier delivery", keys[0], exc_info=True)
        return True


def register(app: App, runtime: Runtime) -> None:
    def first_delivery(body: dict, next: Callable[[], None]) -> BoltResponse | None:
        """Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), and has delivered the same
        DM twice under two event ids: a copy gets a bare 200 before any listener runs."""
        if first_delivery_of(runtime, delivery_keys(body)):
            next()
            return None
        return BoltResponse(status=200, body="")

    @app.event("message", middleware=[first_delivery])
    def direct_message(ack: Ack, body: dict, event: dict, client: WebClient) -> None:
        ack()
        if written_to_the_bot(event):
            later(runtime, body, client, lambda: tell(client, event["channel"], as_user(
                runtime, event["user"], client, lambda kam: dm_reply(kam, event))))
