"""Logging interactions: `/kam log [call|meeting|visit|email|complaint|note] ...` (quick, or the form),
the Save button of a DM preview or of a candidate, and Undo. The form is handlers/log_form.py, the DM preview handlers/direct_messages.py.

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
from handlers.errors import Reply, keeping, slack_error_message
from handlers.ids import ActionId, numbered
from handlers.log_form import form_for, open_view
from handlers.note_text import Draft, parse_note, require_a_real_day
from handlers.render import Message
from handlers.render.common import suggestion_message, text_message
from handlers.render.notes import note_candidates, removed_message, saved_message
from handlers.session import Kam, as_user
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome, SearchResult
from kam_core.enums import InteractionKind, Source
from kam_core.errors import NotFound
from kam_core.halfwidth import half_width
from kam_core.interactions.service import check_text, log_interaction, undo_interaction
from templates import piece

T = "slack/notes.j2"


def save(kam: Kam, draft: Draft) -> Message:
    """Store the draft once (its key makes a retry or a double tap one row)."""
    note = parse_note(draft.text, kam.today, kam.locale)
    with keeping(draft.text):
        require_a_real_day(note)
        stored = log_interaction(
            kam.session, actor=kam.actor, policy=kam.policy, account_id=draft.account_id, text=note.text,
            kind=draft.kind, source=draft.source, next_step=note.next_step, follow_up_on=note.due_on,
            idempotency_key=draft.key, now=kam.now, today=kam.today)
    return saved_message(stored, note)


KIND_WORDS = {kind.value: kind for kind in InteractionKind} | {
    "电话": InteractionKind.call, "会议": InteractionKind.meeting, "拜访": InteractionKind.visit,
    "邮件": InteractionKind.email, "投诉": InteractionKind.complaint, "备注": InteractionKind.note,
    "笔记": InteractionKind.note}


def kind_and_account(kam: Kam, words: str) -> tuple[InteractionKind, str]:
    """`call acme` → (call, "acme"): the first word after `log` is the kind when it is one
    (call, meeting, visit, email, complaint, note; 电话, 会议, 拜访, 邮件, 投诉, 备注). Except when the whole words clearly name an account
    whose name starts with that word: `/kam log Visit Scotland: …` is a note to Visit Scotland; a visit
    to it is `/kam log visit Visit Scotland: …` (the word repeated), and `note` first always means a note."""
    space = half_width(words).find(" ")  # 电话　比亚迪: a full-width space parts them too
    first, rest = (words, "") if space < 0 else (words[:space], words[space + 1:])
    kind = KIND_WORDS.get(first.lower())
    if kind is None:
        return InteractionKind.note, words
    rest = rest.strip()
    if kind != InteractionKind.note and not rest.lower().startswith(first.lower()):
        whole = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=words)
        if whole.outcome == Outcome.match and whole.best.matched.lower().startswith(first.lower()):
            return InteractionKind.note, words
    return kind, rest


def quick_log(kam: Kam, cmd: Command, asked: Asked) -> Message | None:
    """`/kam log [kind] acme: text` saves at once; `/kam log [kind] [acme]` opens the form."""
    trigger_id = asked.command["trigger_id"]
    kind, account = kind_and_account(kam, cmd.account)
    if not cmd.text:
        view = form_for(kam, query=account, kind=kind)
        return None if open_view(asked.client, trigger_id, view) else text_message(piece(T, "modal_trouble"))
    check_text(cmd.text)
    if not account:
        raise Reply(text_message(piece(T, "need_account")))
    note = parse_note(cmd.text, kam.today, kam.locale)
    require_a_real_day(note)  # before any candidate button carries it
    draft = Draft(key=f"cmd:{trigger_id}", text=cmd.text, source=Source.slash_command, kind=kind)
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=account)
    if result.outcome == Outcome.match:
        return save(kam, draft.for_account(result.best.account_id))
    if result.outcome == Outcome.ambiguous and draft.fits_a_button():
        return note_candidates(result, draft)
    if result.outcome == Outcome.ambiguous:  # too long for a button: the form, with the note in it
        opened = open_view(asked.client, trigger_id, form_for(kam, notes=cmd.text, next_step=note.next_step,
                                                             follow_up_on=note.due_on, kind=kind))
        raise Reply(text_message(piece(T, "candidates_in_form" if opened else "modal_trouble", query=account)))
    raise not_found(result, draft)


def not_found(result: SearchResult, draft: Draft) -> Exception:
    """No account by that name. When one is close and the note fits a button, the answer names it with a
    "Yes, <name>" button that saves the note there (and teaches the name, as a candidate would)."""
    if result.best is None:
        return NotFound(what="account", name=result.query)
    if not draft.for_account(result.best.account_id).fits_a_button():
        return NotFound(what="account", name=result.query, suggestion=result.best.name)
    text = slack_error_message(NotFound(what="account", name=result.query, suggestion=result.best.name))
    return Reply(suggestion_message(text, result, ActionId.save_draft, lambda a: draft.for_account(a).encode()))


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
