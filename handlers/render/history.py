"""An account's history: a page of interactions with Open buttons and Next / Previous, and one note in full.
Structure here, words in templates/slack/history.j2."""

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import SECTION_TEXT_LIMIT, actions, button, context, page_turns, section
from kam_core.interactions.schemas import HistoryPage, InteractionDetail
from templates import piece, slack_escape

T = "slack/history.j2"
PREVIEW_LINES, PREVIEW_CHARS = 2, 200
# Room a section of a note leaves for the note (a little slack under Slack's 3,000).
NOTE_CHUNK = SECTION_TEXT_LIMIT - 100
# A cut within this many characters of a chunk's end falls on a line break or a space rather than in a word.
CUT_WINDOW = 300


def history_message(page: HistoryPage) -> Message:
    blocks = [section(piece(T, "intro", page=page))]
    blocks += [section(piece(T, "item", i=i, n=page.first + n, preview=preview(i.text)),
                       accessory=button(piece(T, "open_button"), f"{ActionId.open_interaction}:{n}", str(i.id)))
               for n, i in enumerate(page.items)]
    turns = page_turns(page, ActionId.page_history, str(page.account_id), piece(T, "previous_button", page=page),
                       piece(T, "next_button", page=page))
    if turns:
        blocks += [context(piece(T, "more", page=page)), actions(*turns)]
    return Message(text=piece(T, "notification", page=page), blocks=blocks)


def detail_message(detail: InteractionDetail) -> Message:
    """The whole note, in as many sections as its escaped text needs."""
    blocks = [section(piece(T, "detail_head", d=detail))]
    blocks += [section(piece(T, "detail_chunk", chunk=chunk)) for chunk in note_chunks(detail.text)]
    tail = piece(T, "detail_tail", d=detail)
    if tail:
        blocks.append(section(tail))
    return Message(text=piece(T, "detail_notification", d=detail), blocks=blocks)


def preview(text: str) -> str:
    """The first lines of a note, clipped, with … when there is more."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown = "\n".join(lines[:PREVIEW_LINES])
    if len(shown) > PREVIEW_CHARS:
        return shown[:PREVIEW_CHARS - 1].rstrip() + "…"
    return shown + ("…" if len(lines) > PREVIEW_LINES else "")


def note_chunks(text: str, limit: int = NOTE_CHUNK) -> list[str]:
    """`text` in pieces whose escaped form (mrkdwn: & < > grow) fits one section, cut between words
    where one is near the end."""
    chunks = []
    while text:
        size, end = 0, 0
        while end < len(text) and size + len(slack_escape(text[end])) <= limit:
            size += len(slack_escape(text[end]))
            end += 1
        if end < len(text):
            cut = max(text.rfind("\n", end - CUT_WINDOW, end), text.rfind(" ", end - CUT_WINDOW, end))
            end = cut + 1 if cut > 0 else end
        chunks.append(text[:end])
        text = text[end:]
    return chunks
