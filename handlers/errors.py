"""The one place where errors become what the user reads.

Listeners and services raise; they never return an error as a value. The boundary (handlers/fallback.py
`unhandled` for a listener, handlers/background.py for work after the ack) calls `reply_for` and sends the
answer where Slack lets it go: the ack of a command, inline on a form, the response_url, a modal, the DM.
Two things ride on an exception to the boundary:
- `keeping(text)`: what the user typed, given back whole with the answer, so nothing they wrote is lost;
- `Reply`: not a failure but a question back to the user (which account did you mean?).
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.observability.context import correlation_id
from handlers.ids import block_for_field
from handlers.render import Message
from handlers.render.blocks import clip, input_block_ids, section
from handlers.render.common import kept
from kam_core.db import dropped
from kam_core.errors import Invalid, KamError, Unavailable
from templates import piece, slack_escape

log = logging.getLogger("kam.handlers")
KEPT = "kam_kept_text"
INLINE_ERROR_LIMIT = 300  # a form's inline error: Slack shows a short line under the input


class Reply(Exception):  # noqa: N818 - not an error: an answer that ends the work early
    """The answer is a question back to the user; raised from deep in a handler, shown as it is."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text)
        self.message = message


@contextmanager
def keeping(typed: str) -> Iterator[None]:
    """Whatever goes wrong inside gives the user `typed` back with the answer."""
    try:
        yield
    except Exception as error:
        if typed.strip() and not hasattr(error, KEPT):
            setattr(error, KEPT, typed)
        raise


def reply_for(error: Exception) -> Message:
    """The message for any exception: a Reply's question, a domain error's wording, or an unexpected
    error's reference; with what the user typed when the work was `keeping` it."""
    message = error.message if isinstance(error, Reply) else friendly(error)
    typed = getattr(error, KEPT, "")
    return kept(message, typed) if typed else message


def told(work: Callable[[], str]) -> str:
    """The text `work` returns, or the text of why it failed: for a notice shown on top of what the
    user sees next (a Home or a reminder redrawn after a button), where an error is no separate message."""
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - every failure is told: see the docstring
        return reply_for(error).text


def friendly(error: Exception) -> Message:
    """A domain error says what was wrong and what to do; anything else gets a
    reference the user can quote (the request's correlation id, which every log line of that
    request carries), and the details go to the log."""
    if unreachable(error):
        log.warning("database unreachable: %s", error)
        error = Unavailable()
    if isinstance(error, KamError):
        text = slack_error_message(error)
    else:
        reference = correlation_id()
        log.exception("unexpected error, reference %s", reference, exc_info=error)
        text = piece("errors.j2", "unexpected", reference=reference)
    return Message(text=text, blocks=[section(text)])


def form_errors(error: Exception, view: dict, general_block: str | None) -> dict[str, str]:
    """Inline errors for a submitted form, by block id: each problem on the input it is about (the
    error's `field`), the rest on `general_block` (else the form's first input). Empty when the form
    has no input to show them on."""
    problems = getattr(error, "problems", None) or [error]
    inputs = input_block_ids(view)
    fallback = general_block if general_block in inputs else next(iter(inputs), None)
    errors: dict[str, str] = {}
    for problem in problems:
        block = block_for_field(getattr(problem, "field", None))
        block = block if block in inputs else fallback
        if block is not None and block not in errors:
            errors[block] = reply_for(problem).text[:INLINE_ERROR_LIMIT]
    return errors


# Names and queries in an error are echoed back; a few hundred characters say which one was meant.
ECHO_LIMIT = 300


def slack_error_message(error: KamError) -> str:
    """errors.j2's wording with every name or text in it escaped for mrkdwn (and clipped), so
    `/kam <!channel>` answers "No account called “&lt;!channel&gt;”" and pings nobody."""
    if isinstance(error, Invalid):
        return "\n".join(slack_error_message(problem) for problem in error.problems)
    params = {key: slack_escape(clip(value, ECHO_LIMIT)) if isinstance(value, str) else value
              for key, value in error.params.items()}
    return piece("errors.j2", error.code, **params)


def unreachable(error: Exception) -> bool:
    """The database is down, locked or the connection dropped: nothing the user did wrong."""
    return isinstance(error, OperationalError | PoolTimeout) or dropped(error)
