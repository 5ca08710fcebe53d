"""Turning what a rep typed into one account, or a question back to them."""

from collections.abc import Callable

from handlers.errors import Reply, slack_error_message
from handlers.ids import ActionId
from handlers.render.common import candidates_message, suggestion_message, text_message
from handlers.session import Kam
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.errors import NotFound
from templates import piece


def resolve_account(kam: Kam, query: str, *, then: ActionId, verb: str, value: Callable[[int], str] = str) -> int:
    """The account id when the name is clear. Otherwise the answer is a question (Reply): candidate
    buttons (choosing one runs `then` with the button's `value(account_id)`, which carries what the
    command needs to finish), or which account at all; or, when no account has the name, the closest one
    with a "Yes, <name>" button that does the same as a candidate's; or NotFound when none is close."""
    if not query.strip():
        raise Reply(text_message(piece("slack/common.j2", "need_account", verb=verb)))
    result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
    if result.outcome == Outcome.match:
        return result.best.account_id
    if result.outcome == Outcome.ambiguous:
        raise Reply(candidates_message(result, then, value))
    if result.best:
        text = slack_error_message(NotFound(what="account", name=query, suggestion=result.best.name))
        raise Reply(suggestion_message(text, result, then, value))
    raise NotFound(what="account", name=query)
