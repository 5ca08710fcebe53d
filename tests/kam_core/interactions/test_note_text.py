"""Natural due dates and quick-note parsing: pure functions, no Slack, no database."""

from datetime import UTC, date, datetime

import pytest

from handlers.note_text import Draft, parse_note, split_account
from kam_core.enums import Source
from kam_core.interactions.dates import moment_on, parse_due

WEDNESDAY = date(2026, 11, 18)  # Wed 18 Nov 2026

DUE = [
    ("today", date(2026, 11, 18)),
    ("tomorrow", date(2026, 11, 19)),
    ("Friday", date(2026, 11, 20)),
    ("friday", date(2026, 11, 20)),
    ("this Friday", date(2026, 11, 20)),
    ("Fri", date(2026, 11, 20)),
    ("next Friday", date(2026, 11, 27)),
    ("Wednesday", date(2026, 11, 25)),  # a weekday is never today
    ("next Monday", date(2026, 11, 23)),
    ("Monday", date(2026, 11, 23)),
    ("in 3 days", date(2026, 11, 21)),
    ("in 2 weeks", date(2026, 12, 2)),
    ("in two weeks", date(2026, 12, 2)),
    ("in a week", date(2026, 11, 25)),
    ("in 1 month", date(2026, 12, 18)),
    ("next week", date(2026, 11, 23)),
    ("3/15", date(2027, 3, 15)),  # month/day, next occurrence
    ("12/1", date(2026, 12, 1)),
    ("11/18", date(2026, 11, 18)),  # today counts
    ("11/17", date(2027, 11, 17)),
    ("2026-12-01", date(2026, 12, 1)),
    ("Dec 5", date(2026, 12, 5)),
    ("December 5th", date(2026, 12, 5)),
    ("5 Dec", date(2026, 12, 5)),
    ("Jan 10", date(2027, 1, 10)),
    ("Dec 5 2027", date(2027, 12, 5)),
    ("end of month", date(2026, 11, 30)),
    ("end of week", date(2026, 11, 20)),
    ("by Friday", date(2026, 11, 20)),
    ("Friday.", date(2026, 11, 20)),
    ("someday", None),
    ("13/45", None),
    ("December", None),
    ("in many weeks", None),
    ("", None),
    ("2026-02-30", None),
]


@pytest.mark.parametrize(("words", "expected"), DUE)
def test_parse_due(words, expected):
    assert parse_due(words, WEDNESDAY) == expected


def test_sunday_next_friday_is_the_coming_one():
    assert parse_due("next Friday", date(2026, 11, 22)) == date(2026, 11, 27)


def test_end_of_month_on_the_last_day_is_today():
    assert parse_due("end of month", date(2026, 2, 28)) == date(2026, 2, 28)


def test_a_next_step_with_a_date_is_split_and_the_text_kept_whole():
    note = parse_note("met the CFO, budget approved, next: send quote by Friday", WEDNESDAY)
    assert note.text == "met the CFO, budget approved, next: send quote by Friday"
    assert (note.next_step, note.due_on, note.due_words) == ("send quote", date(2026, 11, 20), None)


@pytest.mark.parametrize(("text", "step", "due"), [
    ("call went well. Next step: demo in 2 weeks", "demo", date(2026, 12, 2)),
    ("NEXT: call back tomorrow", "call back", date(2026, 11, 19)),
    ("next: send contract on 3/15", "send contract", date(2027, 3, 15)),
    ("next: renewal talk by end of month", "renewal talk", date(2026, 11, 30)),
    ("next: stand by the team by next Friday", "stand by the team", date(2026, 11, 27)),
])
def test_next_step_forms(text, step, due):
    note = parse_note(text, WEDNESDAY)
    assert (note.next_step, note.due_on) == (step, due)


def test_a_next_step_without_an_understood_date_keeps_the_step_and_the_words():
    note = parse_note("good call, next: send quote by the blue moon", WEDNESDAY)
    assert (note.next_step, note.due_on, note.due_words) == ("send quote by the blue moon", None, "the blue moon")
    bare = parse_note("good call, next: send quote", WEDNESDAY)
    assert (bare.next_step, bare.due_on, bare.due_words) == ("send quote", None, None)


def test_a_past_date_creates_no_follow_up_and_says_so():
    note = parse_note("next: send quote by 2026-01-05", WEDNESDAY)
    assert (note.due_on, note.due_in_past, note.due_words) == (None, True, "2026-01-05")


def test_a_note_without_next_has_no_step():
    assert parse_note("the next big thing: AI", WEDNESDAY).next_step is None
    assert parse_note("just a note", WEDNESDAY).next_step is None


def test_split_account_takes_the_name_before_the_first_colon():
    assert split_account("acme: met the CFO, next: x") == ("acme", "met the CFO, next: x")
    assert split_account("met the CFO, next: send quote") is None
    assert split_account("hello there") is None
    assert split_account(": nothing") is None


def test_a_draft_survives_a_button_value_and_knows_when_it_does_not_fit():
    draft = Draft(account_id=7, key="cmd:123.456", text="Ünïcode & <b> \"quotes\"", source=Source.slash_command)
    assert Draft.decode(draft.encode()) == draft
    assert draft.fits_a_button()
    assert not draft.model_copy(update={"text": "x" * 1990}).fits_a_button()
    assert Draft.decode("not json") is None and Draft.decode('{"k": 1}') is None


def test_an_interaction_on_an_earlier_day_happened_at_midday_where_the_user_is():
    now = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)
    assert moment_on(date(2026, 11, 18), today=date(2026, 11, 18), now=now, zone="Asia/Shanghai") == now
    assert moment_on(date(2026, 11, 16), today=date(2026, 11, 18), now=now, zone="Asia/Shanghai") == datetime(
        2026, 11, 16, 4, 0, tzinfo=UTC)
