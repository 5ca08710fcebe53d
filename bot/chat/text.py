"""Block Kit as terminal text: what a person would read, buttons numbered."""

import html
import re
from dataclasses import dataclass, field

from bot.emulator import Reply


@dataclass
class Choice:
    label: str
    action_id: str
    value: str | None
    block_id: str | None
    reply: Reply


@dataclass
class Screen:
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def plain(text: str) -> str:
    """mrkdwn to plain text: links and mentions shown readably, entities unescaped."""
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text or "")
    text = re.sub(r"<@(\w+)>", r"@\1", text)
    text = re.sub(r"<!(\w+)>", r"@\1", text)
    return html.unescape(text)


def _text_of(obj) -> str:
    return plain(obj.get("text", "")) if isinstance(obj, dict) else ""


def screen_of(replies: list[Reply], start: int = 1) -> Screen:
    screen = Screen()
    for reply in replies:
        blocks = reply.blocks or []
        if reply.kind in ("view_open", "view_update", "view_push", "home") and reply.view:
            title = _text_of(reply.view.get("title")) or "Home"
            screen.lines.append(f"┌ {title} ({'modal' if reply.kind != 'home' else 'App Home'})")
        elif not blocks and reply.text:
            screen.lines.append(plain(reply.text))
        for block in blocks:
            _block(block, reply, screen, start)
        if reply.errors:
            screen.lines += [f"  ! {field}: {message}" for field, message in reply.errors.items()]
        screen.lines.append("")
    return screen


def _block(block: dict, reply: Reply, screen: Screen, start: int) -> None:
    kind = block.get("type")
    if kind in ("section", "header"):
        if block.get("text"):
            screen.lines.append(_text_of(block["text"]))
        screen.lines += [_text_of(f) for f in block.get("fields", [])]
        if block.get("accessory", {}).get("type") == "button":
            _choice(block["accessory"], block, reply, screen, start)
    elif kind == "context":
        screen.lines.append("  " + " ".join(_text_of(e) for e in block.get("elements", [])))
    elif kind == "divider":
        screen.lines.append("─" * 40)
    elif kind == "actions":
        for element in block.get("elements", []):
            if element.get("type") == "button":
                _choice(element, block, reply, screen, start)
    elif kind == "input":
        optional = " (optional)" if block.get("optional") else ""
        screen.lines.append(f"  · {_text_of(block.get('label'))}{optional}")


def _choice(element: dict, block: dict, reply: Reply, screen: Screen, start: int) -> None:
    number = start + len(screen.choices)
    label = _text_of(element.get("text"))
    screen.choices.append(Choice(label, element["action_id"], element.get("value"), block.get("block_id"), reply))
    screen.lines.append(f"  [{number}] {label}")
