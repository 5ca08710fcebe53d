"""/kam plan: an account plan's health, objectives and actions; marking an action done."""

import re
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers import commands
from handlers.command_text import Command, Verb
from handlers.confirm import deliver, retrying
from handlers.ids import ActionId
from handlers.opportunities import id_and_version
from handlers.render import Message
from handlers.render.plans import no_plan_message, plan_message
from handlers.resolve import resolve_account
from handlers.session import Kam, answer_as
from kam_core.accounts.access import visible_account
from kam_core.enums import Tier
from kam_core.plans.service import complete_action, plan_status


@dataclass
class Refreshed:
    """The plan message after a change, as opposed to an error message to show on its own."""

    message: Message


def plan_for(kam: Kam, account_id: int) -> Message:
    account = visible_account(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy)
    plan = plan_status(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)
    if plan is None:
        return no_plan_message(account.name, key_account=account.tier == Tier.key)
    return plan_message(plan, today=kam.today)


def show_plan(kam: Kam, cmd: Command, **_) -> Message:
    account_id = resolve_account(kam, cmd.account, then=ActionId.show_plan, verb="plan")
    return account_id if isinstance(account_id, Message) else plan_for(kam, account_id)


def register(app: App, runtime: Runtime) -> None:
    commands.route(Verb.plan, show_plan)

    @app.action(re.compile(rf"^{re.escape(ActionId.show_plan)}(:\d+)?$"))
    @after_ack(runtime)
    def show(body: dict, respond, client: WebClient) -> None:
        reply = answer_as(runtime, body["user"]["id"], client,
                          lambda kam: plan_for(kam, int(body["actions"][0]["value"])))
        respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())

    @app.action(re.compile(rf"^{re.escape(ActionId.complete_action)}:\d+$"))
    @after_ack(runtime)
    def done(body: dict, respond, client: WebClient) -> None:

        def complete(kam: Kam) -> Refreshed:
            action_id, version = id_and_version(body["actions"][0]["value"])
            plan = complete_action(kam.session, actor=kam.actor, action_id=action_id, expected_version=version,
                                   now=kam.now, policy=kam.policy)
            # Read again with the user's today (the service dates by UTC).
            return Refreshed(plan_for(kam, plan.account_id))

        outcome = answer_as(runtime, body["user"]["id"], client, complete)
        if isinstance(outcome, Refreshed):  # saved: if the list cannot be redrawn, the plan comes by DM
            deliver(lambda: respond(replace_original=True, **outcome.message.as_kwargs()),
                    lambda: retrying(client.chat_postMessage, channel=body["user"]["id"],
                                     **outcome.message.as_kwargs()))
        else:
            respond(replace_original=False, response_type="ephemeral", **outcome.as_kwargs())
