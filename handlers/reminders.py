"""`/kam remind [on|off] [followups|cadence|care|actions]`, `/kam remind followups 7` (in Chinese `/kam 提醒 关 关怀`,
`/kam 提醒 跟进 早上7点`), and the
reminder DMs re-drawn in place after their buttons: Done / Snooze on follow-ups (listeners in
handlers/home.py), Done on plan actions (the listener in handlers/plans.py)."""

import re
from collections.abc import Callable

from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.errors import told
from handlers.render import Message
from handlers.ids import BlockId, id_and_version
from handlers.render.reminders import follow_ups_message, plan_actions_message, settings_message, usage_message
from handlers.session import Kam, as_user
from kam_core.halfwidth import half_width
from kam_core.interactions.dates_zh import hour_of
from kam_core.plans.service import complete_action
from kam_core.reminders.builder import action_reminder, follow_up_reminder
from kam_core.reminders.preferences import kind_named, reminder_settings, set_reminders
from kam_core.reminders.schemas import KINDS
from templates import piece

T = "slack/reminders.j2"
HOUR = re.compile(r"^(?:at\s+)?(\d{1,2})(?::00)?(?:h)?$")
ON_OFF = {"on": "on", "off": "off", "开": "on", "开启": "on", "打开": "on", "关": "off", "关闭": "off", "停止": "off"}
# The kinds' Chinese names, as the reminders' own messages call them.
KIND_WORDS = {"跟进": "followups", "节奏": "cadence", "关怀": "care", "行动": "actions", "计划行动": "actions"}


def remind(kam: Kam, cmd: Command, asked: Asked) -> Message:
    text = cmd.text.strip()
    words = [KIND_WORDS.get(word, ON_OFF.get(word, word)) for word in half_width(text).lower().split()]
    if not words or words in (["status"], ["状态"]):
        return settings_message(reminder_settings(kam.session, actor=kam.actor))
    if words[0] in ("on", "off") and len(words) <= 2:
        kinds = [kind_named(words[1])] if len(words) == 2 else list(KINDS)
        return settings_message(set_reminders(kam.session, actor=kam.actor, kinds=kinds,
                                              enabled=words[0] == "on"), changed=True)
    hour = HOUR.match(" ".join(words[1:]))
    hour = int(hour.group(1)) if hour else hour_of("".join(words[1:])) if len(words) >= 2 else None
    if len(words) >= 2 and hour is not None:
        return settings_message(set_reminders(kam.session, actor=kam.actor, kinds=[kind_named(words[0])],
                                              enabled=True, hour=hour), changed=True)
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


def from_action_reminder(body: dict) -> bool:
    """Whether a click came from the plan-actions reminder DM (its rows' block ids say so)."""
    return str(body["actions"][0].get("block_id", "")).startswith(f"{BlockId.action_reminder}:")


def redraw_action_reminder(runtime: Runtime, client: WebClient, respond, user_id: str, value: str) -> None:
    """Done in the plan-actions DM: complete the action (or say why not), then re-draw that DM as it stands now."""
    action_id, version = id_and_version(value)

    def complete(kam: Kam) -> str:
        plan = complete_action(kam.session, actor=kam.actor, action_id=action_id, expected_version=version,
                               now=kam.now, policy=kam.policy)
        return piece(T, "action_done", account_name=plan.account_name)

    notice = told(lambda: as_user(runtime, user_id, client, complete))

    def current(kam: Kam) -> Message:
        return plan_actions_message(action_reminder(kam.session, person_id=kam.person.id, today=kam.today),
                                    notice=notice)

    respond(replace_original=True, **as_user(runtime, user_id, client, current).as_kwargs())


COMMANDS = (Route(Verb.remind, remind),)
