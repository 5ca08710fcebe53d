"""`/kam find <words>`: a read-only listing of the accounts whose name or alias holds the words."""

from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.render import Message
from handlers.render.common import text_message
from handlers.render.find import find_message
from handlers.session import Kam
from kam_core.accounts.access import find_visible
from templates import piece


def find(kam: Kam, cmd: Command, asked: Asked) -> Message:
    if not cmd.account.strip():
        return text_message(piece("slack/find.j2", "need_words"))
    return find_message(find_visible(kam.session, actor=kam.actor, policy=kam.policy, query=cmd.account))


COMMANDS = (Route(Verb.find, find, read_only=True),)
