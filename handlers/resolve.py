"""Turning what a rep typed into one account, or a question back to them."""

from handlers.errors import slack_error_message
from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.common import candidates_message, text_message
from handlers.session import Kam
from kam_core.accounts.access import search_visible
from kam_core.accounts.search import Outcome
from kam_core.errors import NotFound
from templates import piece


def resolve_account(kam: Kam, query: str, *, then: ActionId, verb: str) -> int | Message:
    """The account id when the name is clear; otherwise the message to send:
    candidate buttons (choosing one runs `then`), or "not found" with the closest."""
    if not query.strip():
        return text_message(piece("slack/common.j2", "need_account", verb=verb))
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
    if result.outcome == Outcome.match:
        return result.best.account_id
    if result.outcome == Outcome.ambiguous:
        return candidates_message(result, then)
    suggestion = result.best.name if result.best else None
    return text_message(slack_error_message(NotFound(what="account", name=query, suggestion=suggestion)))
