"""Filling a modal at prompts, as a person fills it in Slack.

Each input is asked by its label, showing what it holds (Enter keeps it). Choosing in an input the
bot listens to (`dispatch_action`) tells the bot at once, as Slack does, and the form goes on with the
view the bot updated. On submit, what Slack's own client refuses (a required input left empty, text
over its limit) and what the bot answers with `response_action: errors` are shown under their inputs;
the form stays open with every value, only the inputs in error are asked again, and it is submitted
again: nothing typed is lost.
"""

from dataclasses import dataclass, field
from typing import Any

from bot.chat.fields import KEEP, Ask, Say, ask_input
from bot.chat.session import ChatSession
from bot.chat.text import UNDER, T, input_line, text_of
from bot.emulator import Reply
from bot.emulator import payloads
from templates import render


@dataclass
class Form:
    """An open modal and what the person entered into it, {block_id: {action_id: value}} as the driver
    takes it (options as option objects, so they show by their text)."""

    view: dict
    entered: dict[str, dict[str, Any]] = field(default_factory=dict)

    def inputs(self) -> list[dict]:
        return [b for b in self.view.get("blocks", [])
                if b.get("type") == "input" and isinstance(b.get("element"), dict) and b.get("block_id")]

    def value(self, block: dict) -> Any:
        action_id = block["element"].get("action_id")
        given = self.entered.get(block["block_id"], {})
        return given[action_id] if action_id in given else payloads.initial(block["element"])

    def set(self, block: dict, value: Any) -> None:
        self.entered[block["block_id"]] = {block["element"].get("action_id"): value}

    def values(self) -> dict[str, dict[str, Any]]:
        """What is entered, for the inputs the view has now."""
        present = {b["block_id"]: b["element"].get("action_id") for b in self.inputs()}
        return {block_id: given for block_id, given in self.entered.items()
                if block_id in present and present[block_id] in given}

    def show(self, errors: dict[str, str] | None = None) -> list[str]:
        """The form as it stands: each input with its value, an error under the input it is about."""
        errors = dict(errors or {})
        lines = [render(T, part="form_title", title=text_of(self.view.get("title")))]
        for block in self.inputs():
            lines.append(input_line(block, self.value(block)))
            if block["block_id"] in errors:
                lines.append(UNDER + render(T, part="field_error", message=errors.pop(block["block_id"])))
        lines += [UNDER + render(T, part="field_error", message=message) for message in errors.values()]
        return lines


def slack_refuses(form: Form) -> dict[str, str]:
    """What Slack's client checks before it sends a view_submission at all."""
    errors = {}
    for block in form.inputs():
        element, value = block["element"], form.value(block)
        if not block.get("optional") and value in (None, "", []):
            errors[block["block_id"]] = render(T, part="required")
        elif isinstance(value, str) and element.get("max_length") and len(value) > element["max_length"]:
            errors[block["block_id"]] = render(T, part="too_long", limit=element["max_length"], length=len(value))
        elif isinstance(value, str) and element.get("min_length") and len(value) < element["min_length"]:
            errors[block["block_id"]] = render(T, part="too_short", limit=element["min_length"])
    return errors


def fill_and_submit(chat: ChatSession, view: dict, ask: Ask, say: Say) -> list[Reply] | None:
    """Fill the modal and submit it until it is accepted: the replies to that submission; None when the
    person closes the form instead."""
    form = Form(view)
    say(render(T, part="form_intro", submit=text_of(view.get("submit"))))
    asked: set[str] = set()
    while (block := next((b for b in form.inputs() if b["block_id"] not in asked), None)) is not None:
        asked.add(block["block_id"])
        _ask(chat, form, block, ask, say)
    while True:
        errors = slack_refuses(form)
        if not errors:
            replies = chat.submit(form.view["id"], form.values())
            errors = next((r.errors for r in replies if r.errors), None)
            if not errors:
                return replies
        for line in form.show(errors):
            say(line)
        again = ask(render(T, part="fix_prompt", submit=text_of(form.view.get("submit"))) + " ")
        if again.strip().lower().startswith("n"):
            chat.close_modal(form.view)
            say(render(T, part="form_closed"))
            return None
        for block in [b for b in form.inputs() if b["block_id"] in errors]:
            _ask(chat, form, block, ask, say)


def _ask(chat: ChatSession, form: Form, block: dict, ask: Ask, say: Say) -> None:
    element = block["element"]

    def suggest(typed: str) -> list[dict]:
        return chat.suggest(form.view["id"], block["block_id"], element.get("action_id"), typed)

    answer = ask_input(block, form.value(block), ask, say, suggest)
    if answer is KEEP:
        return
    form.set(block, answer)
    if block.get("dispatch_action"):
        form.view = chat.dispatch(form.view, block["block_id"], element.get("action_id"), answer,
                                  form.values())
