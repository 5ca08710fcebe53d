"""ISO weeks ("2026-W48") and their bounds in a person's own timezone.

A digest covers Monday 00:00 to the next Monday 00:00 local time, so a manager in
Shanghai and one in New York get the same calendar week, at different UTC instants.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kam_core.errors import InvalidInput

WEEK_KEY = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
# What looks like a week someone meant, valid or not ("2026-W40", "2026-W60", "w40").
WEEKISH = re.compile(r"^(\d{4}-?)?w\d+$", re.IGNORECASE)
# Weeks named relative to the person's own current week.
RELATIVE = {"last week": -1, "previous week": -1, "this week": 0, "next week": 1, "上周": -1, "本周": 0, "这周": 0,
            "下周": 1}


class WeekState(StrEnum):
    """Where a week is for a person, now."""

    ended = "ended"
    current = "current"  # under way: figures are as of now
    future = "future"  # not started: nothing to report yet


def parse_week(text: str) -> str:
    """The canonical key ("2026-W48") of what a person typed, or a clear InvalidInput."""
    match = WEEK_KEY.match((text or "").strip())
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        try:
            return week_key(date.fromisocalendar(year, number, 1))
        except ValueError:
            pass
    raise InvalidInput(field="week", problem="not_a_week", text=text)


def week_key(day: date) -> str:
    """The ISO week `day` falls in, as "2026-W48" (also the period key of weekly deliveries)."""
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def monday_of(key: str) -> date:
    year, number = key.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def previous_week(now: datetime, tz: ZoneInfo) -> str:
    """The week that ended most recently where the person is."""
    return week_key(now.astimezone(tz).date() - timedelta(days=7))


def asked_week(text: str, now: datetime, tz: ZoneInfo) -> str | None:
    """The week a person named ("2026-W40", "last week", "this week", "next week"), None when the
    words are not about a week; a clear InvalidInput for a week that does not exist ("2026-W60")."""
    words = " ".join(text.lower().split())
    if words in RELATIVE:
        return week_key(now.astimezone(tz).date() + timedelta(days=7 * RELATIVE[words]))
    if WEEKISH.match(words):
        return parse_week(text.strip())
    return None


def bounds(key: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the week in aware UTC: local Monday 00:00 to the next local Monday 00:00."""
    start = monday_of(key)
    return _utc(start, tz), _utc(start + timedelta(days=7), tz)


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
