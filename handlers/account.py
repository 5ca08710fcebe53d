"""The account card, "my accounts" and tier overrides."""

from slack_bolt import App

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.ids import ActionId, numbered
from handlers.render import Message
from handlers.render.card import card_message
from handlers.render.common import text_message
from handlers.render.mine import mine_message
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.accounts.attention import my_accounts
from kam_core.accounts.service import account_card
from kam_core.enums import Tier
from kam_core.tiers.service import set_tier as set_account_tier
from templates import piece


def card_for(kam: Kam, account_id: int) -> Message:
    return card_message(account_card(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy,
                                     today=kam.today))


def show_card(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return card_for(kam, resolve_account(kam, cmd.account, then=ActionId.open_account, verb="account"))


def show_mine(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return mine_message(my_accounts(kam.session, actor=kam.actor, policy=kam.policy, today=kam.today))


def set_tier(kam: Kam, cmd: Command, asked: Asked) -> Message:
    if not cmd.tier:
        return text_message(piece("slack/tier.j2", "usage"))
    account_id = resolve_account(kam, cmd.account, then=ActionId.open_account, verb="tier")
    tier = None if cmd.tier == "auto" else Tier(cmd.tier)
    account = set_account_tier(kam.session, actor=kam.actor, account_id=account_id, tier=tier, reason=cmd.text,
                               now=kam.now)
    return text_message(piece("slack/tier.j2", "done", name=account.name, tier=account.tier, reason=cmd.text))


COMMANDS = (
    Route(Verb.account, show_card, read_only=True),
    Route(Verb.mine, show_mine, read_only=True),
    Route(Verb.tier, set_tier),
)


def register(app: App, runtime: Runtime) -> None:
    @app.action(numbered(ActionId.open_account))
    @after_ack(runtime)
    def open_account(body: dict, respond, client) -> None:
        account_id = int(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: card_for(kam, account_id), read_only=True)
        if body.get("response_url"):
            respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())
        else:  # a button on the Home tab has no response_url: the card goes to the user's DM with the bot
            client.chat_postMessage(channel=body["user"]["id"], **reply.as_kwargs())
