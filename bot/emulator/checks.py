"""The Block Kit limits Slack enforces, so a bot that breaks them fails here as it would in Slack.

Each check returns the list of problems in Slack's `response_metadata.messages` style (empty when fine).
"""

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
BUTTON_TEXT = 75
OPTION_TEXT = 75
OPTION_VALUE = 150
STATIC_OPTIONS = 100
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
INPUT_MAX_LENGTH = 3000


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else (obj or "")


def _element_problems(element: dict, where: str) -> list[str]:
    problems = []
    kind = element.get("type")
    if kind == "button" and len(_text(element.get("text"))) > BUTTON_TEXT:
        problems.append(f"{where}: button text longer than {BUTTON_TEXT} characters")
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    if kind in ("static_select", "multi_static_select") and len(options) > STATIC_OPTIONS:
        problems.append(f"{where}: more than {STATIC_OPTIONS} options (use external_select)")
    for option in options:
        if len(_text(option.get("text"))) > OPTION_TEXT:
            problems.append(f"{where}: option text longer than {OPTION_TEXT} characters")
        if len(option.get("value") or "") > OPTION_VALUE:
            problems.append(f"{where}: option value longer than {OPTION_VALUE} characters")
    if kind == "plain_text_input" and (element.get("max_length") or 0) > INPUT_MAX_LENGTH:
        problems.append(f"{where}: plain_text_input max_length above {INPUT_MAX_LENGTH}")
    return problems


def block_problems(blocks: list | None, limit: int) -> list[str]:
    """Problems with a list of blocks: count, section text and fields, elements inside."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["[ERROR] blocks must be a list"]
    problems = [f"more than {limit} blocks ({len(blocks)})"] if len(blocks) > limit else []
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"{where}: every block needs a type")
            continue
        if block["type"] == "section":
            if len(_text(block.get("text"))) > SECTION_TEXT:
                problems.append(f"{where}: section text longer than {SECTION_TEXT} characters")
            fields = block.get("fields") or []
            if len(fields) > SECTION_FIELDS:
                problems.append(f"{where}: more than {SECTION_FIELDS} fields")
            if any(len(_text(field)) > FIELD_TEXT for field in fields):
                problems.append(f"{where}: a field longer than {FIELD_TEXT} characters")
        elements = list(block.get("elements") or []) if block["type"] == "actions" else []
        elements += [block[key] for key in ("accessory", "element") if isinstance(block.get(key), dict)]
        for element in elements:
            problems.extend(_element_problems(element, where))
    return [f"[ERROR] {problem}" for problem in problems]


def view_problems(view: Any) -> list[str]:
    """Problems with a modal or Home tab view, as views.open/push/update/publish would report."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return ["[ERROR] view must be an object whose type is modal or home"]
    problems = block_problems(view.get("blocks", []), VIEW_BLOCKS)
    if view["type"] == "modal":
        if not view.get("title"):
            problems.append("[ERROR] a modal needs a title")
        for key in ("title", "submit", "close"):
            if len(_text(view.get(key))) > VIEW_TITLE:
                problems.append(f"[ERROR] modal {key} longer than {VIEW_TITLE} characters")
    if len(view.get("private_metadata") or "") > PRIVATE_METADATA:
        problems.append(f"[ERROR] private_metadata longer than {PRIVATE_METADATA} characters")
    return problems
