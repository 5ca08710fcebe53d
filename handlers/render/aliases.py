"""`/kam aliases <account>`: an account's learned aliases, each with who taught it and a Remove button."""

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, button, section
from kam_core.accounts.aliases import LearnedAliases
from templates import piece

T = "slack/aliases.j2"


def aliases_message(listing: LearnedAliases, *, notice: str | None = None) -> Message:
    text = piece(T, "intro", a=listing)
    blocks = [section(notice)] if notice else []
    blocks.append(section(text))
    room = MESSAGE_BLOCK_LIMIT - len(blocks)
    blocks += [section(piece(T, "line", l=alias), accessory=button(
        piece(T, "remove_button"), f"{ActionId.remove_alias}:{n}", str(alias.id), style="danger"))
        for n, alias in enumerate(listing.aliases[:room])]
    return Message(text=f"{notice}\n{text}" if notice else text, blocks=blocks)
