from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import button, context, section
from kam_core.accounts.access import Listing
from templates import piece

T = "slack/find.j2"


def find_message(listing: Listing) -> Message:
    """The accounts found, each with an Open button (the account card), and a line when there are more."""
    blocks = [section(piece(T, "intro", listing=listing))]
    blocks += [section(piece(T, "item", found=f), accessory=button(
        piece(T, "open_button"), f"{ActionId.open_account}:{n}", str(f.account_id)))
        for n, f in enumerate(listing.accounts)]
    if listing.more:
        blocks.append(context(piece(T, "more", listing=listing)))
    return Message(text=piece(T, "notification", listing=listing), blocks=blocks)
