"""Logging interactions: `/kam log` (quick, or the form), the Save button of a DM preview or of a
candidate, and Undo. The form is handlers/log_form.py, the DM preview handlers/direct_messages.py.

A note a rep typed is never thrown away: whatever goes wrong, the answer carries the note's full text
(handlers/errors.keeping). Notes ride in button values (handlers/note_text.Draft); a note too long for
one goes through the form.
"""

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.confirm import in_place
from handlers.errors import Reply, keeping
from handlers.ids import ActionId, numbered
from handlers.log_form import form_for, open_view
from handlers.note_text import Draft, parse_note
from handlers.render import Message
from handlers.render.common import text_message
from handlers.render.notes import note_candidates, removed_message, saved_message
from handlers.session import Kam, as_user
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.enums import Source
from kam_core.errors import NotFound
from kam_core.interactions.service import check_text, log_interaction, undo_interaction
from templates import piece

T = "slack/notes.j2"


def save(kam: Kam, draft: Draft) -> Message:
    """Store the draft once (its key makes a retry or a double tap one row)."""
    note = parse_note(draft.text, kam.today)
    with keeping(draft.text):
        stored = log_interaction(
            kam.session, actor=kam.actor, policy=kam.policy, account_id=draft.account_id, text=note.text,
            source=draft.source, next_step=note.next_step, follow_up_on=note.due_on,
            idempotency_key=draft.key, now=kam.now, today=kam.today)
    return saved_message(stored, note)


def quick_log(kam: Kam, cmd: Command, asked: Asked) -> Message | None:
    """`/kam log acme: text` saves at once; `/kam log [acme]` opens the form."""
    trigger_id = asked.command["trigger_id"]
    if not cmd.text:
        view = form_for(kam, query=cmd.account)
        return None if open_view(asked.client, trigger_id, view) else text_message(piece(T, "modal_trouble"))
    check_text(cmd.text)
    if not cmd.account:
        raise Reply(text_message(piece(T, "need_account")))
    draft = Draft(key=f"cmd:{trigger_id}", text=cmd.text, source=Source.slash_command)
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=cmd.account)
    if result.outcome == Outcome.match:
        return save(kam, draft.for_account(result.best.account_id))
    if result.outcome == Outcome.ambiguous and draft.fits_a_button():
        return note_candidates(result, draft)
    if result.outcome == Outcome.ambiguous:  # too long for a button: the form, with the note in it
        note = parse_note(cmd.text, kam.today)
        opened = open_view(asked.client, trigger_id, form_for(kam, notes=cmd.text, next_step=note.next_step,
                                                             follow_up_on=note.due_on))
        raise Reply(text_message(piece(T, "candidates_in_form" if opened else "modal_trouble", query=cmd.account)))
    raise NotFound(what="account", name=result.query, suggestion=result.best.name if result.best else None)


COMMANDS = (Route(Verb.log, quick_log, keeps_text=True),)


def register(app: App, runtime: Runtime) -> None:
    @app.action(numbered(ActionId.save_draft))
    @after_ack(runtime)
    def save_tapped(body: dict, client: WebClient, respond) -> None:
        draft = Draft.decode(body["actions"][0].get("value") or "")
        if draft is None:
            raise Reply(text_message(piece("errors.j2", "error")))
        in_place(body, client, respond, as_user(runtime, body["user"]["id"], client, lambda kam: save(kam, draft)))

    @app.action(ActionId.undo_interaction)
    @after_ack(runtime)
    def undo(body: dict, client: WebClient, respond) -> None:
        interaction_id = int(body["actions"][0]["value"])
        removed = as_user(runtime, body["user"]["id"], client, lambda kam: undo_interaction(
            kam.session, actor=kam.actor, interaction_id=interaction_id, now=kam.now))
        respond(replace_original=True, **removed_message(removed).as_kwargs())
