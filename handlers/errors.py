"""The one place where errors become what the user reads."""

import logging
import uuid

from handlers.render import Message
from kam_core.errors import KamError
from templates import error_message, piece

log = logging.getLogger("kam.handlers")


def friendly(error: Exception) -> Message:
    """A domain error says what was wrong and what to do; anything else gets a
    reference the user can quote, and the details go to the log."""
    if isinstance(error, KamError):
        text = error_message(error)
    else:
        reference = uuid.uuid4().hex[:10]
        log.exception("unexpected error, reference %s", reference, exc_info=error)
        text = piece("errors.j2", "unexpected", reference=reference)
    return Message(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
