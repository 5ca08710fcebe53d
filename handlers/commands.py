"""`/kam ...`: one slash command, routed by its first word through one table.

Each listener module declares its verbs as `COMMANDS` (verb → handler, read-only or not, keeps what was
typed or not); handlers.register collects them explicitly and hands the table to `register` here, so
each app has its own table and its own settings.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.observability.context import current
from bot.runtime import Runtime
from handlers.command_text import Command, Verb, parse
from handlers.errors import keeping
from handlers.render import Message
from handlers.render.common import help_message
from handlers.session import Kam, as_user, speak_as


@dataclass(frozen=True)
class Asked:
    """What a command handler gets besides the user's unit of work and the parsed command."""

    runtime: Runtime
    command: dict  # Slack's payload: user, channel, trigger_id, response_url
    client: WebClient


Handler = Callable[[Kam, Command, Asked], Message | None]  # None: the answer went another way (a modal)


@dataclass(frozen=True)
class Route:
    verb: Verb
    handler: Handler
    # Only reads: on SQLite it then never waits for writers. Or, for a verb whose subcommands differ,
    # whether this command only reads (`/kam plan Acme` reads, `/kam plan Acme objective usage 45` writes).
    read_only: bool | Callable[[Command], bool] = False
    keeps_text: bool = False  # what was typed comes back whole with any failure (a note)


def register(app: App, runtime: Runtime, routes: Iterable[Route]) -> None:
    table = {route.verb: route for route in routes}

    @app.command("/kam")
    def kam_command(ack: Ack, command: dict, client: WebClient) -> None:
        cmd = parse(command.get("text", ""))
        if (info := current()) is not None:
            info.command = f"kam {cmd.verb.value}"  # the request's metric label (bot/observability)
        reply = answer(table.get(cmd.verb), cmd, Asked(runtime, command, client))
        ack(**({"response_type": "ephemeral", **reply.as_kwargs()} if reply else {}))


def answer(route: Route | None, cmd: Command, asked: Asked) -> Message | None:
    """What the command answers; a failure rises to the error boundary (handlers/fallback.py).
    `help`, and anything without a route, is answered with the help, linked or not."""
    if route is None:
        speak_as(asked.runtime, asked.command.get("user_id"))
        return help_message()
    with keeping(cmd.text if route.keeps_text else ""):
        return as_user(asked.runtime, asked.command["user_id"], asked.client,
                       lambda kam: route.handler(kam, cmd, asked),
                       read_only=route.read_only(cmd) if callable(route.read_only) else route.read_only)
