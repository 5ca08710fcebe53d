"""/kam plan: an account plan's health, objectives and actions; marking an action done."""

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.confirm import deliver, retrying
from handlers.ids import ActionId, id_and_version, numbered
from handlers.render import Message
from handlers.render.plans import no_plan_message, plan_message
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.accounts.access import visible_account
from kam_core.enums import Tier
from kam_core.plans.service import complete_action, plan_status


def plan_for(kam: Kam, account_id: int) -> Message:
    account = visible_account(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy)
    plan = plan_status(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)
    if plan is None:
        return no_plan_message(account.name, key_account=account.tier == Tier.key)
    return plan_message(plan, today=kam.today)


def show_plan(kam: Kam, cmd: Command, asked: Asked) -> Message:
    return plan_for(kam, resolve_account(kam, cmd.account, then=ActionId.show_plan, verb="plan"))


COMMANDS = (Route(Verb.plan, show_plan, read_only=True),)


def register(app: App, runtime: Runtime) -> None:
    @app.action(numbered(ActionId.show_plan))
    @after_ack(runtime)
    def show(body: dict, respond, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: plan_for(kam, account_id), read_only=True)
        respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())

    @app.action(numbered(ActionId.complete_action))
    @after_ack(runtime)
    def done(body: dict, respond, client: WebClient) -> None:
        action_id, version = id_and_version(body["actions"][0]["value"])

        def complete(kam: Kam) -> Message:
            plan = complete_action(kam.session, actor=kam.actor, action_id=action_id, expected_version=version,
                                   now=kam.now, policy=kam.policy)
            return plan_for(kam, plan.account_id)  # read again with the user's today (the service dates by UTC)

        refreshed = as_user(runtime, body["user"]["id"], client, complete)
        # Saved: if the list cannot be redrawn, the plan comes by DM.
        deliver(lambda: respond(replace_original=True, **refreshed.as_kwargs()),
                lambda: retrying(client.chat_postMessage, channel=body["user"]["id"], **refreshed.as_kwargs()))
