"""An account's history: `/kam history <account>` and the card's History button list its interactions,
newest first, ten at a time; Next / Previous redraw the list in place; Open shows one note in full.

    /kam history acme      the first page (a name that could be several accounts asks which)
"""

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.ids import ActionId, numbered
from handlers.render import Message
from handlers.render.history import detail_message, history_message
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.interactions.history import PAGE_SIZE, account_history, interaction_detail
from kam_core.timezones import zone_name


def page_for(kam: Kam, account_id: int, offset: int = 0) -> Message:
    return history_message(account_history(
        kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today,
        zone=zone_name(kam.person.timezone, kam.default_timezone), offset=offset, limit=PAGE_SIZE))


def note_for(kam: Kam, interaction_id: int) -> Message:
    return detail_message(interaction_detail(
        kam.session, actor=kam.actor, interaction_id=interaction_id, policy=kam.policy, today=kam.today,
        zone=zone_name(kam.person.timezone, kam.default_timezone)))


def show_history(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return page_for(kam, resolve_account(kam, cmd.account, then=ActionId.show_history, verb="history"))


def _page_value(value) -> tuple[int, int] | None:
    """A paging button's "<account id>:<offset>"; None for a value that is not one (old or forged)."""
    account_id, _, offset = str(value).partition(":")
    return (int(account_id), int(offset)) if account_id.isdigit() and offset.isdigit() else None


COMMANDS = (Route(Verb.history, show_history, read_only=True),)


def register(app: App, runtime: Runtime) -> None:
    def answer(body: dict, client: WebClient, respond, work, *, in_place: bool) -> None:
        reply = as_user(runtime, body["user"]["id"], client, work, read_only=True)
        if in_place:  # the list is a message: redrawn where it is
            respond(replace_original=True, **reply.as_kwargs())
        elif body.get("response_url"):
            respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())
        else:  # a button on the Home tab has no response_url: the answer goes to the user's DM with the bot
            client.chat_postMessage(channel=body["user"]["id"], **reply.as_kwargs())

    @app.action(numbered(ActionId.show_history))
    @after_ack(runtime)
    def history_tapped(body: dict, respond, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        answer(body, client, respond, lambda kam: page_for(kam, account_id), in_place=False)

    @app.action(numbered(ActionId.page_history))
    @after_ack(runtime)
    def turn_page(body: dict, respond, client: WebClient) -> None:
        turned = _page_value(body["actions"][0].get("value"))
        if turned is None:
            return
        answer(body, client, respond, lambda kam: page_for(kam, *turned), in_place=bool(body.get("response_url")))

    @app.action(numbered(ActionId.open_interaction))
    @after_ack(runtime)
    def open_note(body: dict, respond, client: WebClient) -> None:
        interaction_id = int(body["actions"][0]["value"])
        answer(body, client, respond, lambda kam: note_for(kam, interaction_id), in_place=False)
