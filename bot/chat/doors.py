"""The ways into the bot besides `/kam` and a direct message, typed in the chat as Slack offers them:
`/home` opens the App Home tab, `/shortcut log` the global shortcut "Log customer interaction",
`/shortcut log-message <text>` the message shortcut "Log to account" on a message saying <text>."""

from dataclasses import dataclass

from bot.chat.session import ChatSession
from bot.emulator import Reply
from handlers.ids import CallbackId

HOME = "/home"
SHORTCUT = "/shortcut"


@dataclass(frozen=True)
class Shortcut:
    callback_id: str
    on_message: bool  # a message shortcut, run on a message's text


SHORTCUTS = {"log": Shortcut(CallbackId.log_shortcut, on_message=False),
             "log-message": Shortcut(CallbackId.log_message_shortcut, on_message=True)}


class Misused(Exception):  # noqa: N818 - the person typed a door wrong; its text says how to use it
    """`part` of cli/chat.txt.j2 says what to type instead."""

    def __init__(self, part: str, **params) -> None:
        super().__init__(part)
        self.part, self.params = part, params


def is_door(line: str) -> bool:
    word = line.split(maxsplit=1)[0] if line.strip() else ""
    return word in (HOME, SHORTCUT)


def open_door(chat: ChatSession, line: str) -> list[Reply]:
    """What the bot shows for `/home` or `/shortcut ...`; Misused when the line names none."""
    word, _, rest = line.strip().partition(" ")
    if word == HOME:
        return chat.open_home()
    name, _, text = rest.strip().partition(" ")
    shortcut = SHORTCUTS.get(name)
    if shortcut is None:
        raise Misused("no_such_shortcut", name=name)
    if not shortcut.on_message:
        return chat.shortcut(shortcut.callback_id)
    if not text.strip():
        raise Misused("shortcut_needs_text", name=name)
    return chat.message_shortcut(shortcut.callback_id, text.strip())
