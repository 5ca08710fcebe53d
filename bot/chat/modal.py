"""Filling a modal at prompts: one question per input block."""

from collections.abc import Callable

from bot.chat.session import ChatSession
from bot.chat.text import plain

Ask = Callable[[str], str]


def fill(chat: ChatSession, view: dict, ask: Ask, say: Callable[[str], None]) -> dict:
    """{block_id: {action_id: value}} for the driver, asking for each input."""
    values: dict = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        label = plain(block.get("label", {}).get("text", ""))
        answer = _ask_element(chat, view, block, element, label, ask, say)
        if answer not in (None, "", []):
            values[block["block_id"]] = {element["action_id"]: answer}
    return values


def _ask_element(chat, view, block, element, label, ask: Ask, say):
    kind = element.get("type")
    initial = _initial(element)
    hint = f" [{initial}]" if initial else ""
    if kind in ("static_select", "multi_static_select", "radio_buttons"):
        options = element.get("options", [])
        for n, option in enumerate(options, start=1):
            say(f"    {n}. {plain(option['text']['text'])}")
        picked = ask(f"{label}{hint} (number{'s, comma-separated' if kind.startswith('multi') else ''}): ").strip()
        if not picked:
            return initial
        numbers = [int(p) for p in picked.replace(" ", "").split(",") if p.isdigit() and 0 < int(p) <= len(options)]
        chosen = [options[n - 1]["value"] for n in numbers]
        return chosen if kind.startswith("multi") else (chosen[0] if chosen else None)
    if kind == "external_select":
        typed = ask(f"{label}{hint} (type a few letters): ").strip()
        if not typed:
            return initial
        options = chat.suggest(view["id"], block["block_id"], element["action_id"], typed)
        if not options:
            say("    no match")
            return None
        for n, option in enumerate(options, start=1):
            say(f"    {n}. {plain(option['text']['text'])}")
        picked = ask("    number: ").strip() or "1"
        return options[int(picked) - 1] if picked.isdigit() and 0 < int(picked) <= len(options) else None
    if kind == "datepicker":
        return ask(f"{label}{hint} (YYYY-MM-DD): ").strip() or initial
    return ask(f"{label}{hint}: ").strip() or initial


def _initial(element: dict):
    if "initial_value" in element:
        return element["initial_value"]
    if "initial_date" in element:
        return element["initial_date"]
    if "initial_option" in element:
        return element["initial_option"]["value"]
    return None
