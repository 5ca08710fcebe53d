"""/kam plan: an account plan's health, parts, objectives and actions, with buttons to change them
(handlers/plan_forms.py opens and takes their modals); marking an action done; the plan's history;
the text subcommands (handlers/plan_text.py): new, review, history, objective <which> <actual>."""

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers import plan_forms
from handlers.background import account_button, after_ack
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.confirm import deliver, retrying
from handlers.ids import ActionId, id_and_version, numbered
from handlers.log_form import open_view
from handlers.plan_text import PlanAsk, PlanVerb, parse_plan_text
from handlers.plan_views import history_for, plan_for, shown_plan
from handlers.reminders import from_action_reminder, redraw_action_reminder
from handlers.render import Message
from handlers.render.common import text_message
from handlers.render.plan_forms import PlanRef
from handlers.render.plans import T
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.plans.editing import parse_amount, set_objective_actual
from kam_core.plans.service import complete_action, plan_status
from templates import piece


def show_plan(kam: Kam, cmd: Command, asked: Asked) -> Message | None:
    ask = parse_plan_text(cmd.account)
    if ask.verb != PlanVerb.show and names_an_account(kam, cmd.account, ask):
        ask = PlanAsk(account=cmd.account)
    if ask.verb == PlanVerb.objective and ask.amount is None:
        return text_message(piece(T, "objective_how", account=ask.account))
    account_id = resolve_account(kam, ask.account, then=ActionId.show_plan, verb="plan")
    if ask.verb == PlanVerb.objective:
        actual = parse_amount(ask.amount, field="actual")
        plan = set_objective_actual(kam.session, actor=kam.actor, account_id=account_id, words=ask.words,
                                    actual=actual, now=kam.now, today=kam.today, policy=kam.policy)
        return shown_plan(kam, plan, piece(T, "saved", what="actual"))
    if ask.verb == PlanVerb.show:
        return plan_for(kam, account_id)
    if ask.verb == PlanVerb.new:
        view = plan_forms.create_form(kam, account_id, response_url=asked.command.get("response_url"), replace=False)
    else:
        plan = plan_status(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)
        if plan is None:
            return plan_for(kam, account_id)
        if ask.verb == PlanVerb.history:
            return history_for(kam, plan.plan_id)
        view = plan_forms.review_form(kam, plan, response_url=asked.command.get("response_url"), replace=False)
    if open_view(asked.client, asked.command["trigger_id"], view):
        return None
    return text_message(piece(T, "modal_trouble"))


def names_an_account(kam: Kam, text: str, ask: PlanAsk) -> bool:
    """"/kam plan Acme Review": the whole text is an account whose name holds the keyword, not
    "review the plan of Acme"."""
    keyword = ask.verb.value
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=text)
    return result.outcome == Outcome.match and keyword in result.best.name.lower().split()


def only_reads(cmd: Command) -> bool:
    """Showing a plan never waits for writers on SQLite; `/kam plan Acme objective usage 45` writes."""
    return parse_plan_text(cmd.account).verb != PlanVerb.objective


COMMANDS = (Route(Verb.plan, show_plan, read_only=only_reads),)


def register(app: App, runtime: Runtime) -> None:
    plan_forms.register(app, runtime)

    app.action(numbered(ActionId.show_plan))(account_button(runtime, plan_for))

    @app.action(ActionId.show_plan_history)
    @after_ack(runtime)
    def history(body: dict, respond, client: WebClient) -> None:
        ref = PlanRef.decode(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: history_for(kam, ref.plan_id),
                        read_only=True)
        respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())

    @app.action(numbered(ActionId.complete_action))
    @after_ack(runtime)
    def done(body: dict, respond, client: WebClient) -> None:
        if from_action_reminder(body):  # the plan-actions DM re-draws itself, not a plan
            return redraw_action_reminder(runtime, client, respond, body["user"]["id"], body["actions"][0]["value"])
        action_id, version = id_and_version(body["actions"][0]["value"])

        def complete(kam: Kam) -> Message:
            plan = complete_action(kam.session, actor=kam.actor, action_id=action_id, expected_version=version,
                                   now=kam.now, policy=kam.policy)
            return plan_for(kam, plan.account_id)  # read again with the user's today (the service dates by UTC)

        refreshed = as_user(runtime, body["user"]["id"], client, complete)
        # Saved: if the list cannot be redrawn, the plan comes by DM.
        deliver(lambda: respond(replace_original=True, **refreshed.as_kwargs()),
                lambda: retrying(client.chat_postMessage, channel=body["user"]["id"], **refreshed.as_kwargs()))

