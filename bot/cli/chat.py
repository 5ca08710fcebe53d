"""`kam chat`: the bot in a terminal, on the local database, no Slack workspace needed."""

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import DatabaseOption, runtime, speak_as
from kam_core.enums import Role
from templates import render

if TYPE_CHECKING:
    from bot.chat.session import ChatSession
    from bot.emulator.local_bot import LocalBot
    from kam_core.people.models import Person

T = "cli/chat.txt.j2"


def chat(
    message: str | None = typer.Argument(None, help="Send this one message (e.g. \"/kam account Acme\") and exit."),
    user: str | None = typer.Option(None, "--user", help="Act as this person: email or Slack user id."),
    as_json: bool = typer.Option(False, "--json", help="Print the raw Slack payloads."),
    socket: bool = typer.Option(False, "--socket", help="Connect the bot over Socket Mode (as `kam run`), not HTTP."),
    log: Path | None = typer.Option(None, "--log", help="Append the bot's log here (default: kam-chat.log in the "
                                                       "temporary directory); nothing is logged into the chat."),
    database: str | None = DatabaseOption,
) -> None:
    """Talk to the bot as a rep or manager: `/kam acme`, a number to press a button, `/home`, `/shortcut log`,
    `quit` to leave."""
    # The emulator brings the whole bot (bolt, slack_sdk, every handler): loaded only for a chat.
    from bot.chat.logs import DEFAULT_LOG, logging_to
    from bot.chat.session import ChatSession
    from bot.emulator.local_bot import LocalBot

    rt = runtime(database)
    log = log or DEFAULT_LOG
    with logging_to(log), LocalBot(rt.settings, socket=socket) as local:
        who = _choose_user(local, user)
        typer.echo(render(T, part="hello", who=who, one_shot=message is not None, log=str(log)))
        chat_session = ChatSession(local, who["slack_user_id"])
        if message is not None:
            replies = _answer(chat_session, message)
            if replies is not None:
                _show(chat_session, replies, as_json)
            return
        try:
            _loop(chat_session, as_json, who["email"])
        except (EOFError, KeyboardInterrupt):  # input ended or Ctrl-C, also in the middle of a form
            typer.echo()


def _choose_user(local: "LocalBot", wanted: str | None) -> dict:
    """Seed the fake workspace with everyone linked, as Slack's users.info would know them."""
    from sqlalchemy import select

    from kam_core.db import transaction
    from kam_core.people.models import Person

    with transaction(local.runtime.sessions) as session:
        people = session.scalars(select(Person).where(Person.active).order_by(Person.id)).all()
        if not people:
            typer.echo(render(T, part="empty"), err=True)
            raise typer.Exit(1)
        for p in people:
            if p.slack_user_id:
                local.slack.add_user(p.slack_user_id, email=p.email, name=p.name, tz=p.timezone, locale=_locale(p))
        person = _find(people, wanted)
        if person is None:
            typer.echo(render(T, part="unknown_user", wanted=wanted), err=True)
            raise typer.Exit(1)
        speak_as(person)  # the chat's own words (hello, prompts) in the language of the person chatting
        slack_id = person.slack_user_id
        if slack_id is None:  # as in a real workspace: the bot links them by email on first use
            slack_id = f"U0CHAT{person.id}"
            local.slack.add_user(slack_id, email=person.email, name=person.name, tz=person.timezone,
                                 locale=_locale(person))
        return {"name": person.name, "role": person.role.value, "email": person.email, "slack_user_id": slack_id,
                "chosen": wanted is not None}


def _locale(person: "Person") -> str:
    """Their Slack locale as a workspace would have it: the language the demo gave them (zh-CN for zh)."""
    return {"zh": "zh-CN"}.get(person.language or "", "en-US")


def _find(people: "list[Person]", wanted: str | None) -> "Person | None":
    if wanted is None:
        linked = [p for p in people if p.slack_user_id]
        return next((p for p in linked if p.role == Role.manager), linked[0] if linked else people[0])
    key = wanted.strip().lower()
    return next((p for p in people if key in {p.email.lower(), (p.slack_user_id or "").lower()}), None)


def _loop(chat_session: "ChatSession", as_json: bool, email: str) -> None:
    while True:
        line = input("> ").strip()
        if line in {"quit", "exit", ":q"}:
            return
        if not line:
            continue
        if line.isdigit():
            number = int(line)
            if not 0 < number <= len(chat_session.choices):
                typer.echo(render(T, part="no_such_button", number=number))
                continue
            replies = chat_session.press(chat_session.choices[number - 1])
        else:
            replies = _answer(chat_session, line)
            if replies is None:
                continue
        _follow_language(chat_session, email)
        _show(chat_session, replies, as_json)
        _fill_open_modal(chat_session, replies, as_json)


def _follow_language(chat_session: "ChatSession", email: str) -> None:
    """After each exchange the chat's prompts take the person's language as the bot now has it, so
    `/kam lang zh` switches the chat too."""
    from sqlalchemy import select

    from kam_core.db import transaction
    from kam_core.people.models import Person
    from templates import i18n

    runtime_ = chat_session.local.runtime
    with transaction(runtime_.sessions) as session:
        language = session.scalar(select(Person.language).where(Person.email == email))
    i18n.set_language(language or runtime_.settings.default_language)


def _answer(chat_session: "ChatSession", line: str) -> list | None:
    """`/home` and `/shortcut ...` open those doors; anything else goes to the bot as typed. None when
    the chat itself answered (a door named wrong)."""
    from bot.chat.doors import Misused, is_door, open_door

    if not is_door(line):
        return chat_session.send(line)
    try:
        return open_door(chat_session, line)
    except Misused as misused:
        typer.echo(render(T, part=misused.part, **misused.params))
        return None


def _fill_open_modal(chat_session: "ChatSession", replies, as_json: bool) -> None:
    """While a modal the bot just opened stays open, fill it in at prompts and submit it."""
    from bot.chat.modal import fill_and_submit

    while any(r.kind in ("view_open", "view_push", "view_update") for r in replies):
        view = chat_session.open_modal()
        if view is None:
            return
        if not view.get("submit"):  # nothing to fill in: read, then closed
            chat_session.close_modal(view)
            return
        answer = input(render(T, part="modal_prompt") + " ").strip().lower()
        if answer.startswith("n"):
            chat_session.close_modal(view)
            typer.echo(render(T, part="form_closed"))
            return
        replies = fill_and_submit(chat_session, view, input, typer.echo)
        if replies is None:  # the person closed the form
            return
        _show(chat_session, replies, as_json)


def _show(chat_session: "ChatSession", replies, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([r.model_dump(exclude_none=True) for r in replies], ensure_ascii=False, indent=2))
        chat_session.screen(replies)
        return
    screen = chat_session.screen(replies)
    typer.echo("\n".join(screen.lines).rstrip() or render(T, part="silence"))
