"""Logging interactions, every way a rep does it: `/kam log`, the log modal (from the command, the
card's button and the global shortcut), the "Log to account" message shortcut, a DM to the bot, and Undo.

A note a rep typed is never thrown away: a failed quick log answers with the note's full text, a
modal with a problem stays open with an inline error, a DM keeps its preview until Save works.
Notes ride in button values (handlers/note_text.Draft); a note too long for one goes through the modal.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel
from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from handlers import commands
from handlers.background import after_ack, later
from handlers.command_text import Command, Verb
from handlers.confirm import deliver, retrying
from handlers.errors import friendly, slack_error_message
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.note_text import Draft, parse_note, split_account
from handlers.render import Message
from handlers.render.notes import (
    ModalMeta, account_options, dm_preview, kept, log_modal, note_candidates, removed_message, saved_message,
    text_only,
)
from handlers.session import Kam, answer_as
from kam_core.accounts.access import search_visible
from kam_core.accounts.search import Outcome, SearchResult
from kam_core.db import transaction
from kam_core.enums import InteractionKind, Source
from kam_core.errors import NotFound, TextTooLong
from kam_core.events import first_time
from kam_core.interactions.dates import moment_on
from kam_core.interactions.models import MAX_TEXT
from kam_core.interactions.schemas import InteractionView
from kam_core.interactions.service import (
    FOLLOW_UP_YEARS, HISTORY_YEARS, log_interaction, log_target, too_far_ahead, too_long_ago, undo_interaction,
)
from templates import piece

log = logging.getLogger("kam.handlers.notes")
T = "slack/notes.j2"
INLINE_ERROR_LIMIT = 300


@dataclass
class Done:
    """A write that worked, and what to show for it (a bare Message from answer_as is a failure)."""

    message: Message


# ---- saving a note ----------------------------------------------------------------------------

def save(kam: Kam, draft: Draft) -> Done | Message:
    """Store the draft once (its key makes a retry or a double tap one row). On any failure the
    answer carries the note's text back."""
    note = parse_note(draft.text, kam.today)
    try:
        with kam.session.begin_nested():
            stored = log_interaction(
                kam.session, actor=kam.actor, policy=kam.policy, account_id=draft.account_id, text=note.text,
                source=draft.source, next_step=note.next_step, follow_up_on=note.due_on,
                idempotency_key=draft.key, now=kam.now, today=kam.today)
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the rep gets their note back
        return kept(friendly(error), draft.text)
    return Done(saved_message(stored, note))


def not_found(result: SearchResult) -> Message:
    suggestion = result.best.name if result.best else None
    return text_only(slack_error_message(NotFound(what="account", name=result.query, suggestion=suggestion)))


def quick_log(kam: Kam, cmd: Command, *, command: dict, client: WebClient, **_) -> Message | None:
    """`/kam log acme: text` saves at once; `/kam log [acme]` opens the form."""
    if not cmd.text:
        view = form_for(kam, query=cmd.account)
        return None if open_view(client, command["trigger_id"], view) else text_only(piece(T, "modal_trouble"))
    draft = Draft(key=f"cmd:{command['trigger_id']}", text=cmd.text, source=Source.slash_command)
    if len(cmd.text) > MAX_TEXT:
        return kept(text_only(slack_error_message(TextTooLong(length=len(cmd.text), limit=MAX_TEXT))), cmd.text)
    if not cmd.account:
        return kept(text_only(piece(T, "need_account")), cmd.text)
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=cmd.account)
    if result.outcome == Outcome.match:
        saved = save(kam, draft.for_account(result.best.account_id))
        return saved.message if isinstance(saved, Done) else saved
    if result.outcome == Outcome.ambiguous and draft.fits_a_button():
        return note_candidates(result, draft)
    if result.outcome == Outcome.ambiguous:
        note = parse_note(cmd.text, kam.today)
        view = form_for(kam, notes=cmd.text, next_step=note.next_step, follow_up_on=note.due_on)
        opened = open_view(client, command["trigger_id"], view)
        return kept(text_only(piece(T, "candidates_in_form" if opened else "modal_trouble", query=cmd.account)),
                    cmd.text)
    return kept(not_found(result), cmd.text)


# ---- the log modal ----------------------------------------------------------------------------

def form_for(kam: Kam, *, account_id: int | None = None, query: str = "", notes: str = "",
             next_step: str | None = None, follow_up_on: date | None = None,
             meta: ModalMeta | None = None) -> dict:
    """The log form, with the account preselected when it is known or the query names one clearly."""
    if account_id is None and query:
        result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
        account_id = result.best.account_id if result.outcome == Outcome.match else None
    target = log_target(kam.session, actor=kam.actor, policy=kam.policy, account_id=account_id) \
        if account_id else None
    return log_modal(today=kam.today, meta=meta or ModalMeta(), target=target, notes=notes, next_step=next_step,
                     follow_up_on=follow_up_on)


def form_for_account_choice(kam: Kam, view: dict, account_id: int) -> dict:
    """The open form rebuilt for the account just chosen (its contacts), keeping what was typed."""
    form = LogForm.from_view(view)
    target = log_target(kam.session, actor=kam.actor, policy=kam.policy, account_id=account_id)
    return log_modal(today=kam.today, meta=ModalMeta.decode(view.get("private_metadata")), target=target,
                     notes=form.notes, next_step=form.next_step, follow_up_on=form.follow_up_on, kind=form.kind,
                     occurred_on=form.occurred_on)


def form_from_draft(kam: Kam, draft: Draft) -> dict:
    note = parse_note(draft.text, kam.today)
    return form_for(kam, account_id=draft.account_id, notes=draft.text, next_step=note.next_step,
                    follow_up_on=note.due_on, meta=ModalMeta(source=draft.source, key=draft.key))


def open_view(client: WebClient, trigger_id: str, view: dict) -> bool:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False


def open_form(runtime: Runtime, client: WebClient, user_id: str, trigger_id: str,
              build: Callable[[Kam], dict]) -> None:
    """Open the log form; when it cannot be built (not linked, no access...) a modal says why."""
    view = answer_as(runtime, user_id, client, build)
    if isinstance(view, Message):
        view = {"type": "modal", "title": {"type": "plain_text", "text": piece(T, "modal_title")},
                "close": {"type": "plain_text", "text": piece(T, "modal_close")}, "blocks": view.blocks}
    open_view(client, trigger_id, view)


class LogForm(BaseModel):
    """The log modal's inputs, as submitted."""

    account_id: int | None
    kind: InteractionKind
    occurred_on: date | None
    contact_ids: list[int]
    notes: str
    next_step: str | None
    follow_up_on: date | None

    @classmethod
    def from_view(cls, view: dict) -> "LogForm":
        values = view["state"]["values"]

        def field(block: BlockId, action: ActionId) -> dict:
            return values.get(block, {}).get(action) or {}

        account = field(BlockId.account, ActionId.account_select).get("selected_option")
        kind = field(BlockId.kind, ActionId.kind_select).get("selected_option")
        contacts = field(BlockId.contacts, ActionId.contacts_select).get("selected_options") or []
        return cls(
            account_id=int(account["value"]) if account else None,
            kind=InteractionKind(kind["value"]) if kind else InteractionKind.note,
            occurred_on=field(BlockId.occurred_on, ActionId.occurred_on_pick).get("selected_date"),
            contact_ids=[int(option["value"]) for option in contacts],
            notes=(field(BlockId.notes, ActionId.notes_input).get("value") or "").strip(),
            next_step=(field(BlockId.next_step, ActionId.next_step_input).get("value") or "").strip() or None,
            follow_up_on=field(BlockId.follow_up_on, ActionId.follow_up_pick).get("selected_date"),
        )

    def problems(self, today: date) -> dict[str, str]:
        """Inline errors by block id; empty when the form can be saved."""
        errors = {}
        if self.account_id is None:
            errors[BlockId.account] = piece(T, "error_no_account")
        if not self.notes:
            errors[BlockId.notes] = piece(T, "error_empty_note")
        if self.occurred_on and self.occurred_on > today:
            errors[BlockId.occurred_on] = piece(T, "error_future")
        if self.follow_up_on and self.follow_up_on < today:
            errors[BlockId.follow_up_on] = piece(T, "error_past_follow_up")
        if self.follow_up_on and too_far_ahead(self.follow_up_on, today):
            errors[BlockId.follow_up_on] = piece(T, "error_far_follow_up", years=FOLLOW_UP_YEARS)
        if self.occurred_on and too_long_ago(self.occurred_on, today):
            errors[BlockId.occurred_on] = piece(T, "error_long_ago", years=HISTORY_YEARS)
        return errors


def submit_form(kam: Kam, form: LogForm, meta: ModalMeta, key: str) -> InteractionView | dict[str, str]:
    errors = form.problems(kam.today)
    if errors:
        return errors
    occurred_at = moment_on(form.occurred_on or kam.today, today=kam.today, now=kam.now, zone=kam.person.timezone)
    return log_interaction(
        kam.session, actor=kam.actor, policy=kam.policy, account_id=form.account_id, text=form.notes,
        kind=form.kind, occurred_at=occurred_at, next_step=form.next_step, follow_up_on=form.follow_up_on,
        contact_ids=form.contact_ids, permalink=meta.permalink, source=meta.source, idempotency_key=key,
        now=kam.now, today=kam.today)


# ---- direct messages --------------------------------------------------------------------------

def dm_reply(kam: Kam, event: dict) -> Message:
    """What the bot answers a DM with: a preview to confirm, candidates, or how to write a note."""
    parts = split_account(event.get("text") or "")
    if parts is None or not parts[1]:
        return text_only(piece(T, "dm_help"))
    query, text = parts
    if len(text) > MAX_TEXT:
        return text_only(slack_error_message(TextTooLong(length=len(text), limit=MAX_TEXT)))
    key = f"dm:{message_identity(event)}"
    draft = Draft(key=key, text=text, source=Source.direct_message)
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
    if result.outcome == Outcome.match:
        best = result.best
        return dm_preview(best.name, parse_note(text, kam.today), draft.for_account(best.account_id))
    if result.outcome == Outcome.ambiguous and draft.fits_a_button():
        return note_candidates(result, draft, intro="dm_candidates_intro")
    if result.outcome == Outcome.ambiguous:
        return text_only(piece(T, "dm_too_long_for_tap", length=len(text)))
    return not_found(result)


# ---- showing results --------------------------------------------------------------------------

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


def register(app: App, runtime: Runtime) -> None:
    commands.route(Verb.log, quick_log)

    @app.action(re.compile(rf"^{re.escape(ActionId.log_interaction)}(:\d+)?$"))
    @after_ack(runtime)
    def card_button(body: dict, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        open_form(runtime, client, body["user"]["id"], body["trigger_id"],
                  lambda kam: form_for(kam, account_id=account_id))

    @app.shortcut(CallbackId.log_shortcut)
    @after_ack(runtime)
    def global_shortcut(body: dict, client: WebClient) -> None:
        open_form(runtime, client, body["user"]["id"], body["trigger_id"], lambda kam: form_for(kam))

    @app.shortcut(CallbackId.log_message_shortcut)
    @after_ack(runtime)
    def message_shortcut(body: dict, client: WebClient) -> None:
        message = body.get("message") or {}
        permalink = _permalink(client, (body.get("channel") or {}).get("id"), message.get("ts"))
        meta = ModalMeta(source=Source.message_shortcut, permalink=permalink)

        def build(kam: Kam) -> dict:
            note = parse_note(message.get("text") or "", kam.today)
            return form_for(kam, notes=note.text, next_step=note.next_step, follow_up_on=note.due_on, meta=meta)

        open_form(runtime, client, body["user"]["id"], body["trigger_id"], build)

    @app.action(ActionId.account_select)
    @after_ack(runtime)
    def account_chosen(body: dict, client: WebClient) -> None:
        chosen = body["actions"][0].get("selected_option")
        view = body.get("view") or {}
        if not chosen or view.get("callback_id") != CallbackId.log_modal:
            return
        rebuilt = answer_as(runtime, body["user"]["id"], client,
                            lambda kam: form_for_account_choice(kam, view, int(chosen["value"])))
        if isinstance(rebuilt, Message):
            return  # the form stays as it is; submitting it says what is wrong
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=rebuilt)
        except SlackApiError as error:  # e.g. hash_conflict: the rep typed on; the form still works
            log.info("log form not updated: %s", error.response.get("error"))

    @app.options(ActionId.account_select)
    def suggest_accounts(ack: Ack, body: dict, client: WebClient) -> None:
        options = answer_as(runtime, body["user"]["id"], client, lambda kam: account_options(search_visible(
            kam.session, actor=kam.actor, policy=kam.policy, query=body.get("value") or "", limit=10)))
        ack(options=options if isinstance(options, list) else [])

    @app.view(CallbackId.log_modal)
    def submitted(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        user_id = body["user"]["id"]
        meta = ModalMeta.decode(view.get("private_metadata"))
        key = meta.key or f"view:{view['id']}"
        form = LogForm.from_view(view)
        outcome = answer_as(runtime, user_id, client, lambda kam: submit_form(kam, form, meta, key))
        if isinstance(outcome, Message):
            outcome = {BlockId.notes: outcome.text[:INLINE_ERROR_LIMIT]}
        if isinstance(outcome, dict):
            ack(response_action="errors", errors={str(k): v for k, v in outcome.items()})
            return
        ack()
        later(runtime, body, client, lambda: tell(client, user_id, saved_message(outcome)))

    @app.action(re.compile(rf"^{re.escape(ActionId.save_draft)}(:\d+)?$"))
    @after_ack(runtime)
    def save_tapped(body: dict, client: WebClient, respond) -> None:
        draft = Draft.decode(body["actions"][0].get("value") or "")
        outcome = answer_as(runtime, body["user"]["id"], client, lambda kam: save(kam, draft)) if draft \
            else text_only(piece("errors.j2", "error"))
        if isinstance(outcome, Done):
            in_place(body, client, respond, outcome.message)
        else:
            respond(replace_original=False, response_type="ephemeral", **outcome.as_kwargs())

    @app.action(ActionId.change_account)
    @after_ack(runtime)
    def change_account(body: dict, client: WebClient) -> None:
        draft = Draft.decode(body["actions"][0].get("value") or "")
        if draft is not None:
            open_form(runtime, client, body["user"]["id"], body["trigger_id"],
                      lambda kam: form_from_draft(kam, draft))

    @app.action(ActionId.undo_interaction)
    @after_ack(runtime)
    def undo(body: dict, client: WebClient, respond) -> None:
        interaction_id = int(body["actions"][0]["value"])
        outcome = answer_as(runtime, body["user"]["id"], client, lambda kam: Done(removed_message(undo_interaction(
            kam.session, actor=kam.actor, interaction_id=interaction_id, now=kam.now))))
        if isinstance(outcome, Done):
            respond(replace_original=True, **outcome.message.as_kwargs())
        else:
            respond(replace_original=False, response_type="ephemeral", **outcome.as_kwargs())

    def first_delivery(body: dict, next: Callable[[], None]) -> BoltResponse | None:
        """Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), and has delivered the same
        DM twice under two event ids: answer a copy with a bare 200 before any listener runs, so a DM
        never gets two previews."""
        if first_delivery_of(runtime, delivery_keys(body)):
            next()
            return None
        return BoltResponse(status=200, body="")

    @app.event("message", middleware=[first_delivery])
    def direct_message(ack: Ack, body: dict, event: dict, client: WebClient) -> None:
        ack()
        if written_to_the_bot(event):
            later(runtime, body, client, lambda: tell(client, event["channel"], answer_as(
                runtime, event["user"], client, lambda kam: dm_reply(kam, event))))


def written_to_the_bot(event: dict) -> bool:
    """Only what a person wrote in the bot's DM: edits, deletions, joins, files and bot posts have a
    subtype or a bot_id, and are acknowledged without a word."""
    return event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id") \
        and bool(event.get("user")) and isinstance(event.get("channel"), str)


def delivery_keys(body: dict) -> list[str]:
    """What identifies a delivery: its event id and, for a DM, the message itself."""
    keys = [f"slack-event:{body['event_id']}"] if body.get("event_id") else []
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if event.get("type") == "message" and written_to_the_bot(event):
        keys.append(f"slack-dm:{message_identity(event)}")
    return keys


def message_identity(event: dict) -> str:
    return event.get("client_msg_id") or f"{event['channel']}:{event.get('ts')}"


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


def _permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as error:
        log.info("no permalink for %s/%s: %s", channel, ts, error.response.get("error"))
        return None
