"""`/kam remind [on|off] [followups|cadence|care]`, `/kam remind followups 7`, and the
reminder DM re-drawn in place after its Done / Snooze buttons (listeners in handlers/home.py)."""

import re
from collections.abc import Callable

from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.errors import told
from handlers.render import Message
from handlers.render.reminders import follow_ups_message, settings_message, usage_message
from handlers.session import Kam, as_user
from kam_core.reminders.builder import follow_up_reminder
from kam_core.reminders.preferences import kind_named, reminder_settings, set_reminders
from kam_core.reminders.schemas import KINDS

HOUR = re.compile(r"^(?:at\s+)?(\d{1,2})(?::00)?(?:h)?$")


def remind(kam: Kam, cmd: Command, asked: Asked) -> Message:
    text = cmd.text.strip()
    words = text.lower().split()
    if not words or words == ["status"]:
        return settings_message(reminder_settings(kam.session, actor=kam.actor))
    if words[0] in ("on", "off") and len(words) <= 2:
        kinds = [kind_named(words[1])] if len(words) == 2 else list(KINDS)
        return settings_message(set_reminders(kam.session, actor=kam.actor, kinds=kinds,
                                              enabled=words[0] == "on"), changed=True)
    hour = HOUR.match(" ".join(words[1:]))
    if len(words) >= 2 and hour:
        return settings_message(set_reminders(kam.session, actor=kam.actor, kinds=[kind_named(words[0])],
                                              enabled=True, hour=int(hour.group(1))), changed=True)
    return usage_message(text)


def redraw_reminder(runtime: Runtime, client: WebClient, respond, user_id: str,
                    act: Callable[[Kam], str]) -> None:
    """Run the button's work (its text, or the friendly error, tops the message), then replace
    the reminder DM with the rep's follow-ups as they stand now."""
    notice = told(lambda: as_user(runtime, user_id, client, act))

    def current(kam: Kam) -> Message:
        return follow_ups_message(follow_up_reminder(kam.session, person_id=kam.person.id,
                                                     owner_name=kam.person.name, today=kam.today), notice=notice)

    respond(replace_original=True, **as_user(runtime, user_id, client, current).as_kwargs())


COMMANDS = (Route(Verb.remind, remind),)
