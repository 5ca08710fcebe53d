from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import actions, button, section
from kam_core.accounts.search import SearchResult
from templates import piece

T = "slack/common.j2"


def text_message(text: str) -> Message:
    return Message(text=text, blocks=[section(text)])


def help_message(unknown: str | None = None) -> Message:
    intro = [section(piece(T, "unknown", text=unknown))] if unknown else []
    text = piece(T, "help")
    return Message(text=text, blocks=[*intro, section(text)])


def candidates_message(result: SearchResult, then: ActionId) -> Message:
    """Up to 5 buttons, one per candidate; `then` says what choosing one does."""
    text = piece(T, "candidates_intro", query=result.query)
    buttons = [button(piece(T, "candidate_button", c=c), f"{then}:{n}", str(c.account_id))
               for n, c in enumerate(result.candidates[:5])]
    return Message(text=text, blocks=[section(text), actions(*buttons)])
