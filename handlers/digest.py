"""`/kam digest`: a manager's own digest preview, opting out and in, and choosing the day and hour.

    /kam digest                       the digest of the week just ended (ephemeral)
    /kam digest 2026-W40              that week's (also "last week", "this week" so far, "next week": nothing yet)
    /kam digest off | on              stop or resume the weekly DM
    /kam digest day friday hour 17    move it (also "friday 17", "tue 9am", "hour 7", "monday 08:00")
    /kam 周报 周五 下午5点               the same in Chinese (also 周五17点, 每周一 9点, 关闭 / 开启, 上周)
"""

import re
from datetime import datetime

from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.render import Message
from handlers.render.blocks import context
from handlers.render.common import text_message
from handlers.render.digest import digest_message, schedule_message
from handlers.session import Kam
from kam_core.delivery.service import preference
from kam_core.digests.builder import build_digest
from kam_core.digests.schedule import KIND, Schedule, schedule_of, set_schedule
from kam_core.digests.week import WEEKISH, asked_week, previous_week
from kam_core.timezones import zone
from kam_core.enums import Role
from kam_core.halfwidth import half_width
from kam_core.interactions.dates import WEEKDAYS
from kam_core.interactions.dates_zh import hour_of, pieces, weekday_of
from templates import piece

T = "slack/digest.j2"
HOUR = re.compile(r"^(\d{1,2})(?::00)?(am|pm)?$")
FILLERS = {"day", "hour", "at", "on", "every", "time", "每周", "时间", "在", "改到", "改为", "改成"}
ON_OFF = {"on": True, "off": False, "开": True, "开启": True, "打开": True, "恢复": True, "关": False, "关闭": False,
          "停止": False, "暂停": False}


def digest(kam: Kam, cmd: Command, asked: Asked) -> Message:
    default_timezone = kam.default_timezone  # this app's (its runtime's settings), never another app's
    if kam.person.role != Role.manager:
        return text_message(piece(T, "managers_only"))
    words = [piece for word in half_width(cmd.text).lower().split() for piece in pieces(word)]
    if len(words) == 1 and words[0] in ON_OFF:
        schedule = set_schedule(kam.session, actor=kam.actor, person=kam.person, enabled=ON_OFF[words[0]],
                                default_timezone=default_timezone)
        return schedule_message("turned", schedule)
    schedule = schedule_of(kam.person, preference(kam.session, person_id=kam.person.id, kind=KIND),
                           default_timezone=default_timezone)
    now = kam.now
    week = asked_week(cmd.text, now, zone(schedule.timezone))
    if words and week is None:
        return _move(kam, words, default_timezone)
    return _preview(kam, schedule, week or previous_week(now, zone(schedule.timezone)), now, default_timezone)


def _preview(kam: Kam, schedule: Schedule, week: str, now: datetime, default_timezone: str) -> Message:
    found = build_digest(kam.session, actor=kam.actor, policy=kam.policy, manager_id=kam.person.id, week=week,
                         default_timezone=default_timezone, now=now)
    message = digest_message(found)
    return Message(text=message.text, blocks=[*message.blocks, context(piece(T, "schedule", s=schedule))])


def _move(kam: Kam, words: list[str], default_timezone: str) -> Message:
    weekday = hour = None
    for word in (w.rstrip(",.") for w in words):
        if word in FILLERS:
            continue
        if WEEKISH.match(word):  # a week among other words: say how to ask for one
            return text_message(piece(T, "usage"))
        if (day := WEEKDAYS.get(word, weekday_of(word))) is not None:
            weekday = day + 1
        elif (hour := _hour(word)) is None:
            return text_message(piece(T, "bad_day" if word.isalpha() else "bad_hour", text=word))
    if weekday is None and hour is None:
        return text_message(piece(T, "usage"))
    schedule = set_schedule(kam.session, actor=kam.actor, person=kam.person, weekday=weekday, hour=hour,
                            default_timezone=default_timezone)
    return schedule_message("moved", schedule)


def _hour(word: str) -> int | None:
    """The hour of the day in "8", "08:00", "17", "9am", "5pm" or 下午5点; None when there is none."""
    match = HOUR.match(word)
    if not match:
        return hour_of(word)
    hour, suffix = int(match.group(1)), match.group(2)
    if suffix:
        hour = hour % 12 + (12 if suffix == "pm" else 0) if hour <= 12 else 99
    return hour if hour <= 23 else None


COMMANDS = (Route(Verb.digest, digest),)
