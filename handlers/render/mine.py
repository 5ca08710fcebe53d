from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import button, section
from kam_core.accounts.schemas import AttentionItem
from templates import piece

T = "slack/mine.j2"


def mine_message(items: list[AttentionItem]) -> Message:
    blocks = [section(piece(T, "intro", items=items))]
    blocks += [section(piece(T, "item", i=i), accessory=button(piece(T, "open_button"), f"{ActionId.open_account}:{n}",
                                                              str(i.account_id)))
               for n, i in enumerate(items)]
    return Message(text=piece(T, "notification", items=items), blocks=blocks)
