"""The account card, "my accounts" and tier overrides."""

from pydantic import BaseModel
from slack_bolt import App

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.ids import ActionId, numbered
from handlers.render import Message
from handlers.render.card import card_message
from handlers.render.common import text_message
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.accounts.service import account_card
from kam_core.enums import Tier
from kam_core.tiers.service import set_tier as set_account_tier
from templates import piece


def card_for(kam: Kam, account_id: int) -> Message:
    return card_message(account_card(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy,
                                     today=kam.today))


def show_card(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return card_for(kam, resolve_account(kam, cmd.account, then=ActionId.open_account, verb="account"))


class TierChoice(BaseModel):
    """`/kam tier <name> <tier> <reason>` waiting for the rep to say which account the name meant:
    the value of each candidate's button, so that choosing one finishes the change."""

    account_id: int
    tier: str
    reason: str

    def encode(self) -> str:
        return self.model_dump_json()


def set_tier(kam: Kam, cmd: Command, asked: Asked) -> Message:
    if not cmd.tier:
        return text_message(piece("slack/tier.j2", "usage"))
    account_id = resolve_account(kam, cmd.account, then=ActionId.set_tier, verb="tier", value=lambda candidate: (
        TierChoice(account_id=candidate, tier=cmd.tier, reason=cmd.text).encode()))
    return tier_set(kam, TierChoice(account_id=account_id, tier=cmd.tier, reason=cmd.text))


def tier_set(kam: Kam, choice: TierChoice) -> Message:
    tier = None if choice.tier == "auto" else Tier(choice.tier)
    account = set_account_tier(kam.session, actor=kam.actor, account_id=choice.account_id, tier=tier,
                               reason=choice.reason, now=kam.now)
    return text_message(piece("slack/tier.j2", "done", name=account.name, tier=account.tier, reason=choice.reason))


COMMANDS = (
    Route(Verb.account, show_card, read_only=True),
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

    @app.action(numbered(ActionId.set_tier))
    @after_ack(runtime)
    def tier_chosen(body: dict, respond, client) -> None:
        """A candidate chosen for `/kam tier`: the change is made, and the question replaced by what was done."""
        choice = TierChoice.model_validate_json(body["actions"][0]["value"])
        done = as_user(runtime, body["user"]["id"], client, lambda kam: tier_set(kam, choice))
        respond(replace_original=True, **done.as_kwargs())
