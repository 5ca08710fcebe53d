"""/kam mine and /kam team: a page of ranked accounts, "and N more", Next / Previous."""

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import actions, button, context, page_turns, section
from kam_core.accounts.schemas import AttentionPage
from templates import piece

T = "slack/mine.j2"


def attention_message(page: AttentionPage, *, note: str | None = None) -> Message:
    """`note` (mrkdwn) tops the list, e.g. why words after the command were left out."""
    team = page.scope == "team"
    blocks = [context(note)] if note else []
    blocks.append(section(piece(T, "intro", page=page)))
    blocks += [section(piece(T, "item", i=i, n=page.first + n, team=team),
                       accessory=button(piece(T, "open_button"), f"{ActionId.open_account}:{n}", str(i.account_id)))
               for n, i in enumerate(page.items)]
    turns = page_turns(page, ActionId.page_accounts, str(page.scope), piece(T, "previous_button", page=page),
                       piece(T, "next_button", page=page))
    if turns:
        blocks += [context(piece(T, "more", page=page)), actions(*turns)]
    return Message(text=piece(T, "notification", page=page), blocks=blocks)

