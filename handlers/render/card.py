from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import actions, button, header, section
from kam_core.accounts.schemas import AccountCard
from templates import piece

T = "slack/card.j2"


def card_message(card: AccountCard) -> Message:
    value = str(card.id)
    blocks = [
        header(piece(T, "title", card=card)),
        section(piece(T, "tier", card=card)),
        section(piece(T, "facts", card=card)),
    ]
    for part in ("plan", "touch", "contacts"):
        text = piece(T, part, card=card)
        if text:
            blocks.append(section(text))
    buttons = [
        button(piece(T, "button_log"), ActionId.log_interaction, value, style="primary"),
        button(piece(T, "button_opps"), ActionId.show_opportunities, value),
        button(piece(T, "button_plan"), ActionId.show_plan, value),
        button(piece(T, "button_history"), ActionId.show_history, value),
    ]
    if card.may_create_deal:  # offered only to those who may add a deal here (docs/permissions.md)
        buttons.append(button(piece(T, "button_new_deal"), ActionId.new_opportunity, value))
    blocks.append(actions(*buttons))
    return Message(text=piece(T, "notification", card=card), blocks=blocks)


