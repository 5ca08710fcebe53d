"""The one place where errors become what the user reads."""

import logging

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.observability.context import correlation_id
from handlers.render import Message
from handlers.render.blocks import clip, section
from kam_core.errors import KamError, Unavailable
from templates import piece, slack_escape

log = logging.getLogger("kam.handlers")


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


# Names and queries in an error are echoed back; a few hundred characters say which one was meant.
ECHO_LIMIT = 300


def slack_error_message(error: KamError) -> str:
    """errors.j2's wording with every name or text in it escaped for mrkdwn (and clipped), so
    `/kam <!channel>` answers "No account called “&lt;!channel&gt;”" and pings nobody."""
    params = {key: slack_escape(clip(value, ECHO_LIMIT)) if isinstance(value, str) else value
              for key, value in error.params.items()}
    return piece("errors.j2", error.code, **params)


def unreachable(error: Exception) -> bool:
    """The database is down, locked or the connection dropped: nothing the user did wrong."""
    return isinstance(error, OperationalError | PoolTimeout) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)
