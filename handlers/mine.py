"""`/kam mine` and `/kam team`: accounts ranked by the attention they need (kam_core.accounts.attention),
ten at a time; Next / Previous redraw the list in place.

    /kam mine            my accounts, the first page (also `/kam my`)
    /kam mine 2          the second page (also `/kam mine page 2`)
    /kam team            a manager's: their reports' accounts and their own (also `/kam my team`)
"""

import re

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.ids import ActionId, numbered
from handlers.render import Message
from handlers.render.blocks import context, section
from handlers.render.mine import attention_message
from handlers.session import Kam, as_user
from kam_core.accounts.attention import PAGE_SIZE, attention_page, leads_a_team
from kam_core.accounts.schemas import AttentionScope
from templates import piece

T = "slack/mine.j2"
PAGE = re.compile(r"^(?:page\s+)?(\d{1,4})$", re.IGNORECASE)


def show_mine(kam: Kam, cmd: Command, asked: Asked) -> Message:
    if cmd.text.strip().lower() == "team":
        return show_team(kam, cmd.model_copy(update={"text": ""}), asked)
    return _first_page(kam, AttentionScope.mine, Verb.mine, cmd.text)


def show_team(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return _first_page(kam, AttentionScope.team, Verb.team, cmd.text)


def page_for(kam: Kam, scope: AttentionScope, offset: int, note: str | None = None) -> Message:
    if scope == AttentionScope.team and not leads_a_team(kam.actor):
        return Message(text=piece(T, "team_for_managers"),
                       blocks=[*([context(note)] if note else []), section(piece(T, "team_for_managers"))])
    page = attention_page(kam.session, actor=kam.actor, policy=kam.policy, today=kam.today, scope=scope,
                          offset=offset)
    return attention_message(page, note=note)


def _first_page(kam: Kam, scope: AttentionScope, verb: Verb, words: str) -> Message:
    """A page number after the verb picks the page; other words are said to be left out, not lost."""
    words = words.strip()
    number = PAGE.match(words)
    if number:
        return page_for(kam, scope, (max(1, int(number.group(1))) - 1) * PAGE_SIZE)
    note = piece(T, "words_ignored", verb=verb.value, words=words) if words else None
    return page_for(kam, scope, 0, note)


def _page_value(value) -> tuple[AttentionScope, int]:
    """A paging button's "<scope>:<offset>"; a value that is not one (an old or forged button) shows the first
    page of mine, which anyone may see."""
    scope, _, offset = str(value).partition(":")
    if scope not in AttentionScope.__members__ or not offset.isdigit():
        return AttentionScope.mine, 0
    return AttentionScope(scope), int(offset)


COMMANDS = (
    Route(Verb.mine, show_mine, read_only=True),
    Route(Verb.team, show_team, read_only=True),
)


def register(app: App, runtime: Runtime) -> None:
    @app.action(numbered(ActionId.page_accounts))
    @after_ack(runtime)
    def turn_page(body: dict, respond, client: WebClient) -> None:
        scope, offset = _page_value(body["actions"][0].get("value"))
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: page_for(kam, scope, offset),
                        read_only=True)
        respond(replace_original=True, **reply.as_kwargs())  # the list is a message: redrawn where it is
