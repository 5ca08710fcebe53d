"""Learned aliases: a candidate chosen (or a "did you mean" accepted) teaches what was typed
(handlers/teaching.py), and `/kam aliases <account>` lists an account's learned aliases with Remove buttons (admins).
The rules are kam_core/accounts/aliases.py's; docs/aliases.md tells the whole story."""

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import account_button, after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.ids import ActionId, numbered
from handlers.render import Message
from handlers.render.aliases import aliases_message
from handlers.render.common import text_message
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.accounts.aliases import (
    learned_aliases, may_manage_aliases, remove_learned_alias_by_id,
)
from templates import piece

T = "slack/aliases.j2"


def aliases_for(kam: Kam, account_id: int, notice: str | None = None) -> Message:
    return aliases_message(learned_aliases(kam.session, actor=kam.actor, account_id=account_id), notice=notice)


def show_aliases(kam: Kam, cmd: Command, asked: Asked) -> Message:
    may_manage_aliases(kam.actor)  # refused before the name is looked up: no candidates for a refusal
    if not cmd.account.strip():
        return text_message(piece(T, "need_account"))
    return aliases_for(kam, resolve_account(kam, cmd.account, then=ActionId.show_aliases, verb="aliases"))


def removed_and_listed(kam: Kam, alias_id: int) -> Message:
    gone = remove_learned_alias_by_id(kam.session, actor=kam.actor, alias_id=alias_id, now=kam.now)
    return aliases_for(kam, gone.account_id, notice=piece(T, "removed", l=gone))


COMMANDS = (Route(Verb.aliases, show_aliases, read_only=True),)


def register(app: App, runtime: Runtime) -> None:
    app.action(numbered(ActionId.show_aliases))(account_button(runtime, aliases_for))

    @app.action(numbered(ActionId.remove_alias))
    @after_ack(runtime)
    def remove_tapped(body: dict, respond, client: WebClient) -> None:
        """Remove: the alias is forgotten, and the list is drawn again in place with what was removed on top."""
        alias_id = int(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: removed_and_listed(kam, alias_id))
        respond(replace_original=True, **reply.as_kwargs())
