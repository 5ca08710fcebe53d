"""Block Kit as terminal text: what a person would read, buttons numbered."""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.emulator import Reply
from bot.emulator import payloads
from templates import render

T = "cli/chat.txt.j2"
INPUT, UNDER = "  ", "    "  # indents: an input of a form; what shows under it (options, errors, hints)


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


def plain(text: str, names: Mapping[str, str] | None = None) -> str:
    """mrkdwn to plain text: links and mentions shown readably (a person by the name Slack shows, when
    known), entities unescaped."""
    names = names or {}
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text or "")
    text = re.sub(r"<@(\w+)(?:\|[^>]*)?>", lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"<!(\w+)>", r"@\1", text)
    return html.unescape(text)


def text_of(obj, names: Mapping[str, str] | None = None) -> str:
    """A Block Kit text object as read: plain_text as it is, mrkdwn made plain."""
    if not isinstance(obj, dict):
        return ""
    return obj.get("text", "") if obj.get("type") == "plain_text" else plain(obj.get("text", ""), names)


def shown(value: Any) -> str:
    """What an input shows for a value: an option by its text, several by theirs, a text or date as it is."""
    if isinstance(value, dict):
        return text_of(value.get("text"))
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return "" if value is None else str(value)


def screen_of(replies: list[Reply], start: int = 1, names: Mapping[str, str] | None = None) -> Screen:
    screen = Screen()
    for reply in replies:
        blocks = reply.blocks or []
        if reply.kind in ("view_open", "view_update", "view_push", "home") and reply.view:
            screen.lines.append(render(T, part="view_title", title=text_of(reply.view.get("title")),
                                       home=reply.kind == "home"))
        elif not blocks and reply.text:
            screen.lines.append(plain(reply.text, names))
        for block in blocks:
            _block(block, reply, screen, start, names)
        if reply.errors:
            screen.lines += [f"  ! {message}" for message in reply.errors.values()]
        screen.lines.append("")
    return screen


def input_line(block: dict, value: Any) -> str:
    """An input of a form: its label, whether it is optional, what it holds."""
    return INPUT + render(T, part="input_line", label=text_of(block.get("label")), optional=bool(block.get("optional")),
                  value=shown(value))


def _block(block: dict, reply: Reply, screen: Screen, start: int, names) -> None:
    kind = block.get("type")
    if kind in ("section", "header"):
        if block.get("text"):
            screen.lines.append(text_of(block["text"], names))
        screen.lines += [text_of(f, names) for f in block.get("fields", [])]
        if block.get("accessory", {}).get("type") == "button":
            _choice(block["accessory"], block, reply, screen, start)
    elif kind == "context":
        screen.lines.append("  " + " ".join(text_of(e, names) for e in block.get("elements", [])))
    elif kind == "divider":
        screen.lines.append("─" * 40)
    elif kind == "actions":
        for element in block.get("elements", []):
            if element.get("type") == "button":
                _choice(element, block, reply, screen, start)
    elif kind == "input" and isinstance(block.get("element"), dict):
        screen.lines.append(input_line(block, payloads.initial(block["element"])))


def _choice(element: dict, block: dict, reply: Reply, screen: Screen, start: int) -> None:
    number = start + len(screen.choices)
    label = text_of(element.get("text"))
    screen.choices.append(Choice(label, element["action_id"], element.get("value"), block.get("block_id"), reply))
    screen.lines.append(f"  [{number}] {label}")
