"""Work a listener does after Slack has its answer.

The bot runs bolt with process_before_response=True: Slack's HTTP answer leaves as soon as the
listener returns, instead of bolt polling for the ack every 10 ms (docs/benchmarks.md, "The floor").
So that slow Slack calls (a modal to open, a message to post, a rate limit waited out) never hold
that answer past Slack's 3 seconds, a listener whose answer is a bare "got it" is written as
`@after_ack(runtime)`: the wrapper acks and the work goes to a thread. A listener that answers
with content (a /kam reply, a form's errors) acks itself and hands what follows to `later`.
An error in that work gets the same last word as a listener's (handlers.fallback.last_word).
"""

import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.fallback import last_word
from handlers.teaching import learn_from


def later(runtime: Runtime, body: dict, client: WebClient, work: Callable[[], Any]) -> None:
    """Run `work` on the runtime's thread pool, in this request's logging context."""
    def run() -> None:
        try:
            work()
        except Exception as error:  # noqa: BLE001 - told to the user and logged, as in a listener
            last_word(error, body, client)

    runtime.background.submit(run)


def after_ack(runtime: Runtime) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorate a listener that would begin with a bare ack(); it is given the same arguments by name
    (body, client, respond, event, context), but not ack."""

    def wrap(work: Callable[..., None]) -> Callable[..., None]:
        wanted = list(inspect.signature(work).parameters)

        # Not functools.wraps: bolt reads the argument names of the function it is given, unwrapped.
        def listener(ack: Ack, body: dict, client: WebClient, respond: Any, event: Any, context: BoltContext) -> None:
            ack()
            given = {"body": body, "client": client, "respond": respond, "event": event, "context": context}
            def run() -> None:
                learn_from(runtime, body, client)  # when the button was a candidate for what the rep typed
                work(**{name: given[name] for name in wanted})

            later(runtime, body, client, run)

        listener.__name__ = listener.__qualname__ = work.__name__
        return listener

    return wrap


def account_button(runtime: Runtime, view: Callable[..., Any]) -> Callable[..., None]:
    """The listener of a button whose value is an account id: `view(kam, account_id)`, read in a read-only
    unit of work, answered to the person who tapped it alone (the card's Opportunities, Plan, Aliases)."""
    from handlers.session import as_user  # handlers.session needs nothing of this module's

    def answer(body: dict, respond: Any, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: view(kam, account_id), read_only=True)
        respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())

    answer.__name__ = answer.__qualname__ = f"{view.__name__}_button"
    return after_ack(runtime)(answer)
