from collections.abc import Callable

from handlers.ids import ActionId, teaching_block
from handlers.render import Message
from handlers.render.blocks import SECTION_TEXT_LIMIT, actions, button, section
from kam_core.accounts.resolver.resolve import SearchResult
from templates import piece, slack_escape

T = "slack/common.j2"
# Room a code-block section leaves for what was typed (fences and a little slack).
KEPT_CHUNK = SECTION_TEXT_LIMIT - 10
# The whole text goes back even if long; past this many sections the message would break Slack's 50.
KEPT_SECTIONS = 45


def text_message(text: str) -> Message:
    return Message(text=text, blocks=[section(text)])


def help_message(unknown: str | None = None) -> Message:
    intro = [section(piece(T, "unknown", text=unknown))] if unknown else []
    text = piece(T, "help")
    return Message(text=text, blocks=[*intro, section(text)])


def candidates_message(result: SearchResult, then: ActionId, value: Callable[[int], str] = str) -> Message:
    """Up to 5 buttons, one per candidate; `then` says what choosing one does, and each button's value,
    `value(account_id)`, carries what it needs to finish the command (by default the account id). Their
    block carries what was typed, so the choice teaches it as an alias (handlers/aliases.py)."""
    text = piece(T, "candidates_intro", query=result.query)
    buttons = [button(piece(T, "candidate_button", c=c), f"{then}:{n}", value(c.account_id))
               for n, c in enumerate(result.candidates[:5])]
    return Message(text=text, blocks=[section(text), actions(*buttons, block_id=teaching_block(
        result.query, [c.account_id for c in result.candidates[:5]]))])


def suggestion_message(text: str, result: SearchResult, then: ActionId, value: Callable[[int], str] = str) -> Message:
    """No account by that name: `text` says so and names the closest one; its "Yes, <name>" button does what
    a candidate's would (and teaches what was typed, like one)."""
    best = result.best
    yes = button(piece(T, "suggestion_button", c=best), f"{then}:0", value(best.account_id))
    return Message(text=text, blocks=[section(text), actions(yes, block_id=teaching_block(result.query, [best.account_id]))])


def kept(message: Message, typed: str) -> Message:
    """`message` (an error) followed by everything the user typed, so nothing they wrote is lost."""
    blocks = [*message.blocks, section(piece("slack/notes.j2", "kept_intro"))]
    blocks += [section(piece("slack/notes.j2", "kept_chunk", chunk=chunk))
               for chunk in kept_chunks(typed)[:KEPT_SECTIONS]]
    return Message(text=message.text, blocks=blocks)


def kept_chunks(typed: str, limit: int = KEPT_CHUNK) -> list[str]:
    """The text cut into pieces whose escaped form fits one section."""
    chunks, current, size = [], [], 0
    for char in typed:
        width = len(slack_escape(char))
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        chunks.append("".join(current))
    return chunks
