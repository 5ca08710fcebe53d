"""A candidate chosen (or a "did you mean" accepted) teaches what the rep had typed as an alias of the
account they chose (kam_core/accounts/aliases.py). The buttons' block says what was typed and which
account each button stands for (handlers.ids.teaching_block), so this runs once for every listener, from
handlers.background.after_ack, before the command the button finishes: none has to remember it."""

from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.ids import taught
from handlers.session import as_user
from kam_core.accounts.aliases import learn_alias
from kam_core.errors import Forbidden, NotFound, NotLinked


def learn_from(runtime: Runtime, body: dict, client: WebClient) -> None:
    """Remember the text, in its own unit of work: the chosen action may only read. Not being allowed to see
    the account teaches nothing; the action itself then says why."""
    chosen = taught(body)
    if chosen is None:
        return
    account_id, typed = chosen
    try:
        as_user(runtime, body["user"]["id"], client, lambda kam: learn_alias(
            kam.session, actor=kam.actor, policy=kam.policy, account_id=account_id, query=typed, now=kam.now))
    except (Forbidden, NotFound, NotLinked):
        return
