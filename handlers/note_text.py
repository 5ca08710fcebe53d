"""Quick notes as reps type them: "acme: met the CFO, next: send quote by Friday". No Slack, no database.

A Draft is a note on its way to being saved, small enough to ride in a button's value
(Slack allows 2,000 characters there): the candidate buttons of an ambiguous name and the
Save button of a DM preview carry it, so a click saves without anything kept server-side.
A note too long for a button goes through the log modal instead (see handlers/notes.py).
"""

import json
import re
from datetime import date

from pydantic import BaseModel, ValidationError

from kam_core.enums import InteractionKind, Source
from kam_core.interactions.dates import parse_due
from kam_core.interactions.service import too_far_ahead

BUTTON_VALUE_LIMIT = 2000
# "next: <step>" or "next step: <step>", anywhere after the note, case-insensitive.
NEXT = re.compile(r"(?:^|[\s,;.])next(?:[ _-]?steps?)?\s*:\s*", re.IGNORECASE)
DATE_JOINERS = re.compile(r"\s+(?:by|on|before|due|until)\s+", re.IGNORECASE)
# The account part of a DM ("acme: ...") is a name, not a sentence.
ACCOUNT_PART_MAX = 80


class QuickNote(BaseModel):
    text: str  # what is stored as the interaction's text: everything the rep typed
    next_step: str | None = None
    due_on: date | None = None
    # The words that should have been a date but were not understood (or named a past day).
    due_words: str | None = None
    due_in_past: bool = False
    due_too_far: bool = False  # further ahead than a follow-up may be (a typo such as 2062 for 2026)


class Draft(BaseModel):
    """A note and where it goes, carried in a button value."""

    account_id: int | None = None
    key: str  # idempotency key: the first request that carried this note
    text: str
    source: Source
    kind: InteractionKind = InteractionKind.note

    def encode(self) -> str:
        fields = {"a": self.account_id, "k": self.key, "t": self.text, "s": self.source.value}
        if self.kind != InteractionKind.note:  # a note's value stays as it was before kinds
            fields["i"] = self.kind.value
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))

    def fits_a_button(self) -> bool:
        return len(self.encode()) <= BUTTON_VALUE_LIMIT

    @classmethod
    def decode(cls, value: str) -> "Draft | None":
        try:
            raw = json.loads(value)
            return cls(account_id=raw.get("a"), key=raw["k"], text=raw["t"], source=Source(raw["s"]),
                       kind=InteractionKind(raw.get("i") or "note"))
        except (ValueError, KeyError, TypeError, ValidationError):
            return None

    def for_account(self, account_id: int) -> "Draft":
        return self.model_copy(update={"account_id": account_id})


def parse_note(text: str, today: date) -> QuickNote:
    """The note with its next step and due date picked out; the text itself is kept whole."""
    text = (text or "").strip()
    match = NEXT.search(text)
    if not match:
        return QuickNote(text=text)
    step = text[match.end():].strip().rstrip(".")
    if not step:
        return QuickNote(text=text)
    step, due_on, words = _step_and_date(step, today)
    past = due_on is not None and due_on < today
    too_far = due_on is not None and too_far_ahead(due_on, today)
    kept = due_on is not None and not (past or too_far)
    return QuickNote(text=text, next_step=step[:500], due_on=due_on if kept else None,
                     due_words=None if kept else words, due_in_past=past, due_too_far=too_far)


def split_account(text: str) -> tuple[str, str] | None:
    """("acme", "met the CFO ...") from "acme: met the CFO ..."; None when there is no account part."""
    account, colon, note = (text or "").partition(":")
    account = account.strip()
    if not colon or not account or len(account) > ACCOUNT_PART_MAX or NEXT.search(" " + account + ":"):
        return None
    return account, note.strip()


def _step_and_date(step: str, today: date) -> tuple[str, date | None, str | None]:
    """Split "send quote by Friday" into the step and its date. Without "by", a date at the end
    ("call back tomorrow") counts too. The words after "by" that name no date are returned."""
    joiners = list(DATE_JOINERS.finditer(step))
    if joiners:
        last = joiners[-1]
        words = step[last.end():].strip()
        due = parse_due(words, today)
        if due is not None:
            return step[:last.start()].strip() or step, due, words
        return step, None, words
    tokens = step.split()
    for size in (3, 2, 1):
        if len(tokens) > size:
            due = parse_due(" ".join(tokens[-size:]), today)
            if due is not None:
                return " ".join(tokens[:-size]), due, " ".join(tokens[-size:])
    return step, None, None
