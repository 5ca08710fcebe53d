"""`kam chat`'s forms, filled in as a person fills them in Slack: each input asked by what Slack shows
(labels, option texts, placeholders, never an internal id), a date picker taking only a real day, the
bot's errors under the input they are about with the form kept open and every value in it, only the
bad input asked again; App Home and both shortcuts opened from the chat; no log line in the chat."""

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.chat import chat
from bot.emulator import payloads
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.enums import InteractionKind
from kam_core.interactions.models import Interaction

REP = "rep@demo.kam.test"
NOTE = "Met the CFO, budget approved"


@pytest.fixture
def demo_db(database_url):
    made = CliRunner().invoke(app, ["demo", "--accounts", "60", "--database", database_url])
    assert made.exit_code == 0, made.output
    return database_url


class Person:
    """Types answers at `kam chat`'s prompts after reading the screen, as someone at the terminal would.
    `steps`: (what the prompt starts with, the answer or a function of the screen so far). An optional
    input the steps do not mention is left as it is (Enter); when the steps are done, the input ends."""

    def __init__(self, capsys, steps):
        self.capsys, self.steps = capsys, list(steps)
        self.screen = ""
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "") -> str:
        self.screen += self.capsys.readouterr().out + prompt
        self.prompts.append(prompt)
        if not self.steps:
            raise EOFError
        start, answer = self.steps[0]
        if not prompt.lstrip().startswith(start):
            if "optional" in prompt:
                return self._typed("")
            raise AssertionError(f"prompt {prompt!r}, expected one starting {start!r}; screen:\n{self.screen}")
        self.steps.pop(0)
        return self._typed(answer(self.screen) if callable(answer) else answer)

    def _typed(self, text: str) -> str:
        self.screen += text + "\n"
        return text

    def after(self, marker: str) -> str:
        return self.screen.split(marker, 1)[1]


def run_chat(capsys, monkeypatch, db, tmp_path, steps) -> Person:
    person = Person(capsys, steps)
    monkeypatch.setattr("builtins.input", person)
    chat(message=None, user=REP, as_json=False, socket=False, log=tmp_path / "chat.log", database=db)
    person.screen += capsys.readouterr().out
    return person


def today_in(screen: str) -> date:
    """The bot's today for this person: what the form's "When" holds when it opens."""
    return date.fromisoformat(re.findall(r"When \[(\d{4}-\d{2}-\d{2})\]", screen)[0])


def first_suggestion(screen: str) -> str:
    """The account picked as "1" after typing letters (the form's first list)."""
    return re.findall(r"^    1\. (.+)$", screen, re.MULTILINE)[0]


def stored(db: str, text: str) -> list[tuple]:
    """(account, kind, day where the author is, next step, follow-up day) of each interaction saved with that
    text."""
    engine = make_engine(db)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            found = session.scalars(select(Interaction).where(Interaction.text == text)).all()
            return [(i.account.name, i.kind, local_day(i.occurred_at, i.author.timezone), i.next_step,
                     i.follow_up_on) for i in found]
    finally:
        engine.dispose()


def local_day(moment: datetime, zone: str | None) -> date:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone or "UTC")).date()


def no_internal_ids(prompts: list[str]) -> bool:
    return not any(re.search(r"\[\d+\]|kam\.|\bU0[A-Z0-9]+", p) for p in prompts)


def test_an_invalid_date_is_asked_again_at_once_and_nothing_typed_before_is_lost(capsys, monkeypatch, demo_db,
                                                                               tmp_path):
    person = run_chat(capsys, monkeypatch, demo_db, tmp_path, [
        ("> ", "/kam log"), ("A form is open", "y"),
        ("Account ‹Type a name, e.g. Acme› (type a few letters):", "a"), ("number:", "1"),
        ("Kind [Note] (number):", "2"),
        ("When [", "2026-13-45"), ("When [", "tomorrow"), ("When [", lambda s: str(today_in(s) - timedelta(days=1))),
        ("What happened ‹Met the CFO, budget approved…›:", NOTE),
        ("> ", "quit")])
    account = first_suggestion(person.screen)
    assert "“2026-13-45” is no date" in person.screen and "“tomorrow” is no date" in person.screen
    assert [p for p in person.prompts if p.startswith("When")] == [person.prompts[5]] * 3  # the same field, again
    assert f"Meeting logged. Saved to *{account}*" in person.screen
    yesterday = today_in(person.screen) - timedelta(days=1)
    assert stored(demo_db, NOTE) == [(account, InteractionKind.meeting, yesterday, None, None)]
    assert "Traceback" not in person.screen and "validation error" not in person.screen
    assert no_internal_ids(person.prompts)


def test_what_the_bot_rejects_shows_under_its_field_and_only_that_field_is_asked_again(capsys, monkeypatch,
                                                                                      demo_db, tmp_path):
    person = run_chat(capsys, monkeypatch, demo_db, tmp_path, [
        ("> ", "/kam log"), ("A form is open", "y"),
        ("Account", "a"), ("number:", "1"), ("Kind", "3"),
        ("When [", lambda s: str(today_in(s) + timedelta(days=3))),
        ("What happened", ""),  # left empty: Slack itself asks for it
        ("Next step ‹Send the quote› (optional):", "Send the quote"),
        ("Follow-up date (optional, YYYY-MM-DD):", lambda s: str(today_in(s) - timedelta(days=3))),
        ("Correct the fields marked ! and press Save again?", "y"),
        ("What happened ‹", NOTE),
        ("Correct the fields marked ! and press Save again?", "y"),
        ("When [", lambda s: str(today_in(s))),
        ("Follow-up date [", lambda s: str(today_in(s) + timedelta(days=7))),
        ("> ", "quit")])
    today, account = today_in(person.screen), first_suggestion(person.screen)
    first, second = person.screen.split("(the form is still open)")[1:3]
    assert re.search(r"· What happened\n    ! Please complete this required field\.", first)
    assert f"· When: {today + timedelta(days=3)}\n    ! This date is in the future" in second
    assert f"· Follow-up date (optional): {today - timedelta(days=3)}\n    ! This date is in the past" in second
    assert f"· What happened: {NOTE}\n  · Next step (optional): Send the quote\n" in second  # kept
    assert f"· Account: {account}\n  · Kind: Visit\n" in second
    first_fix = next(n for n, p in enumerate(person.prompts) if p.startswith("Correct"))
    asked_again = [p.split(" ")[0] for p in person.prompts[first_fix:] if not p.startswith(("Correct", "> "))]
    assert asked_again == ["What", "When", "Follow-up"]  # only the fields marked !, each time
    assert f"Visit logged. Saved to *{account}*" in person.screen
    assert stored(demo_db, NOTE) == [(account, InteractionKind.visit, today, "Send the quote",
                                      today + timedelta(days=7))]
    assert no_internal_ids(person.prompts)


def test_a_form_opened_for_an_account_shows_its_name_and_options_by_their_text(capsys, monkeypatch, demo_db,
                                                                             tmp_path):
    def log_button(screen: str) -> str:
        return re.findall(r"\[(\d+)\] 📝 Log interaction", screen)[-1]

    person = run_chat(capsys, monkeypatch, demo_db, tmp_path, [
        ("> ", "/kam mine"), ("> ", "1"), ("> ", log_button), ("A form is open", "y"),
        ("Account [", ""), ("Kind [Note] (number):", ""), ("When [", ""), ("What happened", NOTE),
        ("> ", "quit")])
    account = re.search(r"^Account \[(.+)\] \(type a few letters\): $", person.prompts[4]).group(1)
    assert f"Note logged. Saved to *{account}*" in person.screen
    assert no_internal_ids(person.prompts)
    assert "    5. Note" in person.screen  # options by their text


def test_home_and_both_shortcuts_open_from_the_chat(capsys, monkeypatch, demo_db, tmp_path):
    message = "met the CFO, next: send quote by Friday"
    person = run_chat(capsys, monkeypatch, demo_db, tmp_path, [
        ("> ", "/home"), ("> ", "/shortcut log"), ("A form is open", "n"),
        ("> ", f"/shortcut log-message {message}"), ("A form is open", "y"),
        ("Account", "a"), ("number:", "1"), ("Kind", ""), ("When", ""), (f"What happened [{message}]", ""),
        ("> ", "/shortcut log-message"), ("> ", "/shortcut nope"), ("> ", "quit")])
    home, shortcut, on_message = person.screen.split("> ")[1:4]
    assert "┌ Home (App Home)" in home and "[1] " in home
    assert "┌ Log interaction (modal)" in shortcut and "The form is closed; nothing in it was sent." in shortcut
    assert f"· What happened: {message}" in on_message and "· Next step (optional): send quote" in on_message
    assert f"Note logged. Saved to *{first_suggestion(person.screen)}*" in on_message
    assert "type `/shortcut log-message <the message's text>`" in person.screen
    assert "There is no shortcut “nope”" in person.screen
    hello = person.screen.split("> ")[0]
    assert "`/home`" in hello and "`/shortcut log`" in hello and "`/shortcut log-message <text>`" in hello


def test_a_home_button_pressed_in_the_chat_redraws_the_home(capsys, monkeypatch, demo_db, tmp_path):
    def snooze(screen: str) -> str:
        return re.findall(r"\[(\d+)\] Snooze 1 day", screen)[0]

    person = run_chat(capsys, monkeypatch, demo_db, tmp_path, [("> ", "/home"), ("> ", snooze), ("> ", "quit")])
    assert "💤 Snoozed" in person.after("> ").split("> ", 1)[1]


def test_the_driver_sends_a_date_picker_only_a_real_day():
    picker = {"type": "datepicker", "action_id": "d"}
    assert payloads.selection(picker, date(2026, 2, 28)) == {"selected_date": "2026-02-28"}
    for impossible in ("2026-13-45", "2026-02-30", "next friday", "20260228"):
        with pytest.raises(ValueError, match="real day"):
            payloads.selection(picker, impossible)


def test_no_log_line_or_traceback_reaches_the_chat_they_go_to_the_log_file(demo_db, tmp_path):
    """A real terminal: the bot's own process, stdin typed, stdout and stderr read as the person sees them."""
    log = tmp_path / "chat.log"
    typed = "/nope\n/kam log\ny\na\n1\n\n2026-13-45\n"  # and the input ends in the middle of the form
    env = {**os.environ, "KAM_DATABASE_URL": demo_db}
    kam = Path(sys.executable).with_name("kam")
    done = subprocess.run([str(kam), "chat", "--user", REP, "--log", str(log)],
                          input=typed, capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    seen = done.stdout + done.stderr
    assert done.returncode == 0, seen
    assert done.stderr == ""
    assert "Traceback" not in seen and "Unhandled request" not in seen and "warning" not in seen.lower()
    assert "“2026-13-45” is no date" in seen
    assert "Unhandled request" in log.read_text()  # what bolt said about `/nope` is in the file
