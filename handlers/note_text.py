"""Quick notes as reps type them: "acme: met the CFO, next: send quote by Friday", "比亚迪：与采购总监开会，
下一步：下周五前发送报价". No Slack, no database. Full-width punctuation is read as its ASCII twin
(kam_core/halfwidth.py), while the note and its next step keep the characters the rep typed.

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
from kam_core.errors import InvalidInput
from kam_core.halfwidth import half_width, has_han
from kam_core.interactions import dates_zh
from kam_core.interactions.dates import DEFAULT_LOCALE, day_first, read_due
from kam_core.interactions.dates_zh import Reading
from kam_core.interactions.service import too_far_ahead

BUTTON_VALUE_LIMIT = 2000
# "next: <step>" or "next step: <step>", anywhere after the note, case-insensitive; in Chinese 下一步：, 下次：,
# 跟进：, 待办： (the colon is what makes them a marker: "下次再谈" is a sentence). Read on half-width text.
NEXT = re.compile(r"(?:(?:^|[\s,;.])next(?:[ _-]?steps?)?|下一步|下次|跟进|待办(?:事项)?)\s*:\s*", re.IGNORECASE)
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
    due_impossible: bool = False  # a day the calendar lacks (2月31日, 31/02): the note is not saved as it is


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


def parse_note(text: str, today: date, locale: str = DEFAULT_LOCALE) -> QuickNote:
    """The note with its next step and due date picked out; the text itself is kept whole. `locale` orders
    numeric dates (kam_core.interactions.dates.locale_for)."""
    text = (text or "").strip()
    plain = half_width(text)  # one character for one: its indexes cut `text`
    match = NEXT.search(plain)
    if not match:
        return QuickNote(text=text)
    start, end = match.end(), len(plain)
    while start < end and plain[start].isspace():
        start += 1
    while end > start and (plain[end - 1].isspace() or plain[end - 1] == "."):
        end -= 1
    if start == end:
        return QuickNote(text=text)
    step, reading, words = _step_and_date(text[start:end], today, locale)
    due_on = reading.on
    past = due_on is not None and due_on < today
    too_far = due_on is not None and too_far_ahead(due_on, today)
    kept = due_on is not None and not (past or too_far)
    return QuickNote(text=text, next_step=step[:500], due_on=due_on if kept else None,
                     due_words=None if kept else words, due_in_past=past, due_too_far=too_far,
                     due_impossible=reading.impossible)


def require_a_real_day(note: QuickNote) -> None:
    """A follow-up on 2月31日 is a typo: say so (the boundary gives the whole note back to resend)."""
    if note.due_impossible:
        raise InvalidInput(field="follow_up_on", problem="impossible_date", words=note.due_words or "")


def split_account(text: str) -> tuple[str, str] | None:
    """("acme", "met the CFO ...") from "acme: met the CFO ..." (or "比亚迪：…"); None when there is no
    account part."""
    text = text or ""
    colon = half_width(text).find(":")
    account = text[:colon].strip() if colon >= 0 else ""
    if not account or len(account) > ACCOUNT_PART_MAX or NEXT.search(" " + half_width(account) + ":"):
        return None
    return account, text[colon + 1:].strip()


def _step_and_date(step: str, today: date, locale: str) -> tuple[str, Reading, str | None]:
    """Split "send quote by Friday" (or "下周五前发送报价") into the step and its date. Without "by", a date
    at the end ("call back tomorrow") counts too; in Chinese, a date anywhere ("和张总下周五见面"). The words
    that should have named a date but did not are returned."""
    plain = half_width(step)
    joiners = list(DATE_JOINERS.finditer(plain))
    if joiners:
        last = joiners[-1]
        words = step[last.end():].strip()
        reading = read_due(words, today, locale)
        if reading.on is not None or reading.impossible:
            return step[:last.start()].strip() or step, reading, words
        return step, Reading(), words
    if has_han(plain) and (found := dates_zh.find(plain, today, day_first=day_first(locale))):
        rest = (step[:found.start] + step[found.end:]).strip(" \t\n,.;:!?，。；：！？、")
        return rest or step, found.reading, found.words
    tokens = step.split()
    for size in (3, 2, 1):
        if len(tokens) > size:
            reading = read_due(" ".join(tokens[-size:]), today, locale)
            if reading.on is not None or reading.impossible:
                return " ".join(tokens[:-size]), reading, " ".join(tokens[-size:])
    return step, Reading(), None
