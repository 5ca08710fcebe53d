"""One input of a modal asked at a prompt, as Slack's client lets a person fill it: a list by its
options' texts, a search by what the bot suggests, a date only as a real date. What Slack's client
would not accept is asked again at once; nothing the person typed before is lost meanwhile."""

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from bot.chat.text import UNDER, T, shown, text_of
from bot.emulator import payloads
from templates import render

Ask = Callable[[str], str]
Say = Callable[[str], None]
Suggest = Callable[[str], list[dict]]  # typed letters -> the options the bot suggests


class Keep:
    """The answer "leave the input as it is" (an empty line)."""


KEEP = Keep()
CLEAR = "-"  # empties a text input or a multi-select, as deleting it does in Slack
PICK_ONE = {"static_select", "radio_buttons"}
PICK_MANY = {"multi_static_select", "checkboxes"}
SEARCH = {"external_select", "multi_external_select"}
TIME = re.compile(r"\d{2}:\d{2}")


def ask_input(block: dict, current: Any, ask: Ask, say: Say, suggest: Suggest) -> Any:
    """The input's new value (options as option objects, dates as YYYY-MM-DD), or KEEP."""
    element = block["element"]
    kind = element.get("type")
    hint = text_of(block.get("hint"))
    if hint:
        say(UNDER + render(T, part="field_hint", hint=hint))
    prompt = render(T, part="field_prompt", label=text_of(block.get("label")), optional=bool(block.get("optional")),
                    current=shown(current), placeholder=text_of(element.get("placeholder")),
                    kind=_kind_of(kind)) + " "
    if kind in PICK_ONE or kind in PICK_MANY:
        return _pick(payloads.options(element), kind in PICK_MANY, prompt, ask, say)
    if kind in SEARCH:
        return _search(kind.startswith("multi"), prompt, ask, say, suggest)
    if kind == "datepicker":
        return _checked(prompt, ask, say, _a_date, "not_a_date")
    if kind == "timepicker":
        return _checked(prompt, ask, say, _a_time, "not_a_time")
    return _read(prompt, ask, clears_to=None)


NOT_CLEARABLE = object()  # `_read(clears_to=...)` for an input "-" cannot empty


def _read(prompt: str, ask: Ask, *, clears_to: Any = NOT_CLEARABLE) -> Any:
    """What the user typed; KEEP for Enter alone; `clears_to` for "-" (a text's None, a multi-select's
    []), when the input can be emptied."""
    typed = ask(prompt).strip()
    if not typed:
        return KEEP
    return clears_to if typed == CLEAR and clears_to is not NOT_CLEARABLE else typed


def _kind_of(kind: str | None) -> str:
    if kind in PICK_MANY:
        return "many"
    if kind in PICK_ONE:
        return "one"
    return "search" if kind in SEARCH else {"datepicker": "date", "timepicker": "time"}.get(kind or "", "text")


def _pick(options: list[dict], many: bool, prompt: str, ask: Ask, say: Say) -> Any:
    for n, option in enumerate(options, start=1):
        say(UNDER + render(T, part="option", n=n, text=text_of(option.get("text"))))
    while True:
        typed = _read(prompt, ask, clears_to=[] if many else NOT_CLEARABLE)
        if not isinstance(typed, str):
            return typed
        numbers = _numbers(typed, len(options), many)
        if numbers is not None:
            chosen = [options[n - 1] for n in numbers]
            return chosen if many else chosen[0]
        say(UNDER + render(T, part="not_a_number", count=len(options), many=many))


def _numbers(typed: str, count: int, many: bool) -> list[int] | None:
    parts = [p for p in re.split(r"[,\s]+", typed) if p] if many else [typed]
    if not parts or not all(p.isdigit() and 0 < int(p) <= count for p in parts):
        return None
    return list(dict.fromkeys(int(p) for p in parts))


def _search(many: bool, prompt: str, ask: Ask, say: Say, suggest: Suggest) -> Any:
    """Letters typed; the bot's suggestions listed; one picked by number (several, for a multi-select)."""
    while True:
        typed = _read(prompt, ask, clears_to=[] if many else NOT_CLEARABLE)
        if not isinstance(typed, str):
            return typed
        options = suggest(typed)
        if not options:
            say(UNDER + render(T, part="no_match", typed=typed))
            continue
        picked = _pick(options, many, UNDER + render(T, part="pick_prompt", many=many) + " ", ask, say)
        if not isinstance(picked, Keep):
            return picked


def _checked(prompt: str, ask: Ask, say: Say, parse: Callable[[str], str | None], problem: str) -> Any:
    """Slack's pickers send only a real date or time: anything else is asked again."""
    while True:
        typed = ask(prompt).strip()
        if not typed:  # a date or time cannot be emptied, as in Slack: Enter keeps it
            return KEEP
        value = parse(typed)
        if value is not None:
            return value
        say(UNDER + render(T, part=problem, typed=typed, example=date.today().isoformat()))


def _a_date(typed: str) -> str | None:
    return typed if payloads.a_day(typed) else None


def _a_time(typed: str) -> str | None:
    try:
        return time.fromisoformat(typed).strftime("%H:%M") if TIME.fullmatch(typed) else None
    except ValueError:
        return None
