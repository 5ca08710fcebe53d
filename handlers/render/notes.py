"""Messages and the modal for logging interactions. Structure here, words in templates/slack/notes.j2."""

from datetime import date

from pydantic import BaseModel

from handlers.ids import ActionId, BlockId, CallbackId
from handlers.note_text import Draft, QuickNote
from handlers.render import Message
from handlers.render.blocks import actions, button, clip, context, section
from kam_core.accounts.resolver.resolve import SearchResult
from kam_core.enums import InteractionKind, Source
from kam_core.interactions.models import MAX_TEXT
from kam_core.interactions.schemas import InteractionView, LogTarget
from kam_core.interactions.service import FOLLOW_UP_YEARS
from templates import piece

T = "slack/notes.j2"
OPTION_TEXT_LIMIT = 75


class ModalMeta(BaseModel):
    """What the log modal remembers between opening and submitting (its private_metadata)."""

    source: Source = Source.modal
    key: str | None = None  # set when the note came from a DM, so a Save tap and this form store it once
    permalink: str | None = None

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def decode(cls, raw: str | None) -> "ModalMeta":
        try:
            return cls.model_validate_json(raw) if raw else cls()
        except ValueError:
            return cls()


# ---- confirmations --------------------------------------------------------------------------

def saved_message(stored: InteractionView, note: QuickNote | None = None) -> Message:
    """What was saved, the follow-up (or why there is none), and an Undo button."""
    text = piece(T, "saved", i=stored)
    blocks = [section(text), section(piece(T, "saved_text", i=stored))]
    if stored.follow_up:
        blocks.append(section(piece(T, "follow_up", f=stored.follow_up)))
    elif note is not None and note.next_step:
        blocks.append(section(piece(T, "next_without_date", step=note.next_step, words=note.due_words,
                                    past=note.due_in_past, too_far=note.due_too_far, years=FOLLOW_UP_YEARS)))
    blocks.append(actions(button(piece(T, "undo_button"), ActionId.undo_interaction, str(stored.id))))
    return Message(text=text, blocks=blocks)


def removed_message(removed: InteractionView) -> Message:
    text = piece(T, "removed", i=removed)
    return Message(text=text, blocks=[section(text)])


def note_candidates(result: SearchResult, draft: Draft, *, intro: str = "candidates_intro") -> Message:
    """One button per candidate; each carries the note, so a tap saves it to that account."""
    text = piece(T, intro, query=result.query)
    buttons = [button(clip(candidate.name, 75), f"{ActionId.save_draft}:{n}",
                      draft.for_account(candidate.account_id).encode())
               for n, candidate in enumerate(result.candidates[:5])]
    return Message(text=text, blocks=[section(text), actions(*buttons)])


# ---- direct messages ------------------------------------------------------------------------

def dm_preview(account_name: str, note: QuickNote, draft: Draft) -> Message:
    intro = piece(T, "dm_preview_intro")
    blocks = [section(intro), section(piece(T, "dm_preview", name=account_name, note=note))]
    if note.next_step and note.due_on is None:
        blocks.append(context(piece(T, "dm_no_date", note=note, years=FOLLOW_UP_YEARS)))
    if draft.fits_a_button():
        blocks.append(actions(button(piece(T, "save_button"), ActionId.save_draft, draft.encode(), style="primary"),
                              button(piece(T, "change_account_button"), ActionId.change_account, draft.encode())))
    else:
        blocks.append(section(piece(T, "dm_too_long_for_tap", length=len(draft.text))))
    return Message(text=intro, blocks=blocks)


# ---- the log modal --------------------------------------------------------------------------

def account_option(account_id: int, name: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(name, OPTION_TEXT_LIMIT), "emoji": False},
            "value": str(account_id)}


def account_options(result: SearchResult) -> list[dict]:
    return [account_option(c.account_id, c.name) for c in result.candidates[:10]]


def log_modal(*, today: date, meta: ModalMeta, target: LogTarget | None = None, notes: str = "",
              next_step: str | None = None, follow_up_on: date | None = None,
              kind: InteractionKind = InteractionKind.note, occurred_on: date | None = None) -> dict:
    """The log form; `target` preselects the account and lists its contacts. Choosing another
    account dispatches an action, and the form is rebuilt with that account's contacts."""
    account = {"type": "external_select", "action_id": ActionId.account_select, "min_query_length": 1,
               "placeholder": _plain(piece(T, "placeholder_account"))}
    if target:
        account["initial_option"] = account_option(target.account_id, target.account_name)
    blocks = [
        {**_input(BlockId.account, "label_account", account), "dispatch_action": True},
        _input(BlockId.kind, "label_kind", {
            "type": "static_select", "action_id": ActionId.kind_select,
            "options": [_kind_option(k) for k in InteractionKind],
            "initial_option": _kind_option(kind)}),
        _input(BlockId.occurred_on, "label_date", {
            "type": "datepicker", "action_id": ActionId.occurred_on_pick,
            "initial_date": (occurred_on or today).isoformat()}),
    ]
    if target and target.contacts:
        blocks.append(_input(BlockId.contacts, "label_contacts", {
            "type": "multi_static_select", "action_id": ActionId.contacts_select,
            "options": [_contact_option(c) for c in target.contacts[:100]]}, optional=True))
    notes_input = {"type": "plain_text_input", "action_id": ActionId.notes_input, "multiline": True,
                   "max_length": MAX_TEXT, "placeholder": _plain(piece(T, "placeholder_notes"))}
    if notes:
        notes_input["initial_value"] = notes[:MAX_TEXT]
    blocks.append(_input(BlockId.notes, "label_notes", notes_input))
    step_input = {"type": "plain_text_input", "action_id": ActionId.next_step_input, "max_length": 500,
                  "placeholder": _plain(piece(T, "placeholder_next_step"))}
    if next_step:
        step_input["initial_value"] = next_step[:500]
    blocks.append(_input(BlockId.next_step, "label_next_step", step_input, optional=True))
    follow_up = {"type": "datepicker", "action_id": ActionId.follow_up_pick}
    if follow_up_on:
        follow_up["initial_date"] = follow_up_on.isoformat()
    blocks.append(_input(BlockId.follow_up_on, "label_follow_up", follow_up, optional=True,
                         hint=piece(T, "hint_follow_up")))
    if meta.permalink:
        blocks.append(context(piece(T, "from_message", permalink=meta.permalink)))
    return {"type": "modal", "callback_id": CallbackId.log_modal, "title": _plain(piece(T, "modal_title")),
            "submit": _plain(piece(T, "modal_submit")), "close": _plain(piece(T, "modal_close")),
            "private_metadata": meta.encode(), "blocks": blocks}


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _input(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": _plain(piece(T, label)), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = _plain(hint)
    return block


def _kind_option(kind: InteractionKind) -> dict:
    return {"text": _plain(piece(T, "kind", k=kind.value)), "value": kind.value}


def _contact_option(contact) -> dict:
    name = f"{contact.name} ({contact.title})" if contact.title else contact.name
    return {"text": {"type": "plain_text", "text": clip(name, OPTION_TEXT_LIMIT), "emoji": False},
            "value": str(contact.id)}
