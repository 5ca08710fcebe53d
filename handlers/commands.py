"""`/kam ...`: one slash command, routed by its first word."""

from collections.abc import Callable

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers import account
from handlers.command_text import Command, Verb, parse
from handlers.render import Message
from handlers.render.common import help_message
from handlers.session import answer_as

Route = Callable[..., Message | None]
ROUTES: dict[Verb, Route] = {
    Verb.account: account.show_card,
    Verb.mine: account.show_mine,
    Verb.tier: account.set_tier,
}


# Verbs that only read: on SQLite their transactions never queue behind writers.
READ_ONLY = {Verb.account, Verb.opps, Verb.plan, Verb.mine}


def route(verb: Verb, handler: Route) -> None:
    """Other listener groups add their verbs here when they register."""
    ROUTES[verb] = handler


def register(app: App, runtime: Runtime) -> None:
    @app.command("/kam")
    def kam_command(ack: Ack, command: dict, client: WebClient) -> None:
        cmd = parse(command.get("text", ""))
        reply = answer(runtime, cmd, command, client)
        ack(**({"response_type": "ephemeral", **reply.as_kwargs()} if reply else {}))


def answer(runtime: Runtime, cmd: Command, command: dict, client: WebClient) -> Message | None:
    handler = ROUTES.get(cmd.verb)
    if cmd.verb == Verb.help or handler is None:
        return help_message()
    return answer_as(runtime, command["user_id"], client,
                     lambda kam: handler(kam, cmd, command=command, client=client),
                     typed=cmd.text if cmd.verb == Verb.log else "", read_only=cmd.verb in READ_ONLY)


