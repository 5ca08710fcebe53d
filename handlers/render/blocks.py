"""Small Block Kit constructors that keep within Slack's limits."""

SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
MESSAGE_BLOCK_LIMIT = 50


def input_block_ids(view) -> list[str]:
    """The block ids of a view's inputs, in order (a payload's view is read defensively: it is data)."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    return [block["block_id"] for block in (blocks if isinstance(blocks, list) else [])
            if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str)]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str, *, accessory: dict | None = None, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_LIMIT)}}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150), "emoji": True}}


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_TEXT_LIMIT)}]}


def divider() -> dict:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_LIMIT), "emoji": True},
               "action_id": action_id, "value": value[:2000]}
    if style:
        element["style"] = style
    return element


def actions(*elements: dict, block_id: str | None = None) -> dict:
    block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def page_turns(page, action_id: str, key: str, previous_text: str, next_text: str) -> list[dict]:
    """Previous / Next of a kam_core.paging.Paged list, each button's value "<key>:<offset>"."""
    turns = []
    if page.previous_offset is not None:
        turns.append(button(previous_text, f"{action_id}:0", f"{key}:{page.previous_offset}"))
    if page.next_offset is not None:
        turns.append(button(next_text, f"{action_id}:1", f"{key}:{page.next_offset}", style="primary"))
    return turns
