"""Due dates as reps write them ("Friday", "in 2 weeks", "3/15", "Dec 5"), and the moment an
interaction happened on a day they picked. Pure: the caller passes the user's today and zone.

Conventions (the table in tests/kam_core/interactions/test_note_text.py pins them down):
- a weekday ("Friday", "this Friday") is the next such day after today, never today;
- "next Friday" is the Friday of next week (the week starting next Monday);
- a date without a year ("3/15", "Dec 5") is its next occurrence, today included;
- "3/15" is month/day where the person's locale writes the month first (en-US, zh-CN: 12/03 is
  3 December), day/month where it writes the day first (en-GB: 12 March); "end of month" is the month's
  last day; "next week" is next Monday.
- Chinese (下周五前, 月底, 3月5日, 两周后, 下午3点) is read by kam_core/interactions/dates_zh.py.
- a day the calendar lacks (2/31, 2026-02-30, 2月31日) is `impossible`, not "no date".
"""

import re
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import get_date_format
from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from kam_core import timezones
from kam_core.halfwidth import half_width, has_han
from kam_core.interactions import dates_zh
from kam_core.interactions.dates_zh import Reading, valid_date

DEFAULT_LOCALE = "en-US"

WEEKDAYS = {name: n for n, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
)) for name in names}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "wk": "weeks", "wks": "weeks",
         "month": "months", "months": "months"}
MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b")


def parse_due(text: str, today: date, locale: str = DEFAULT_LOCALE) -> date | None:
    """The date `text` names, seen from `today`; None when it names no date (or a day that does not exist)."""
    return read_due(text, today, locale).on


def read_due(text: str, today: date, locale: str = DEFAULT_LOCALE) -> Reading:
    """What `text` names, seen from `today`, in English or Chinese; numeric dates in the order of `locale`
    (a Slack locale such as "en-GB", or "zh-CN"). Reading() when it names no date."""
    words = re.sub(r"[,.!?;]+$", "", " ".join(half_width(text).casefold().split()))
    words = re.sub(r"^(by|on|before|due|until)\s+", "", words)
    if not words:
        return Reading()
    if has_han(words):
        return dates_zh.read(words, today, day_first=day_first(locale))
    if _impossible(words, day_first(locale)):
        return Reading(impossible=True)
    for rule in (_named_day, _weekday, _relative, _end_of, _absolute):
        found = rule(words, today)
        if found is not None:
            return Reading(on=found)
    found = _month_day(words, today, day_first(locale))
    return Reading(on=found) if found is not None else Reading()


def locale_for(language: str | None, slack_locale: str | None = None) -> str:
    """The locale that orders a person's numeric dates: their Slack locale ("en-GB") when it is known, else
    their language's usual one ("zh" → zh-CN: 12/03 is 3 December), else en-US."""
    return slack_locale or {"zh": "zh-CN"}.get(language or "", DEFAULT_LOCALE)


@cache
def day_first(locale: str | None) -> bool:
    """Whether the locale writes the day before the month in a short date (en-GB 31/12, en-US 12/31)."""
    try:
        pattern = get_date_format("short", locale=Locale.parse((locale or DEFAULT_LOCALE).replace("-", "_"))).pattern
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return pattern.find("d") < pattern.find("M")


def moment_on(day: date, *, today: date, now: datetime, zone: str | None, default: str = "UTC") -> datetime:
    """When an interaction on `day` happened: now if that is today, else midday of that day where the
    user is (their stored `zone`, else the configured `default`: kam_core.timezones)."""
    if day >= today:
        return now
    return datetime.combine(day, time(12), tzinfo=timezones.zone(zone, default)).astimezone(UTC)


def _named_day(words: str, today: date) -> date | None:
    return {"today": today, "tonight": today, "eod": today, "tomorrow": today + timedelta(days=1),
            "tmrw": today + timedelta(days=1), "tmr": today + timedelta(days=1),
            "next week": today + timedelta(days=7 - today.weekday()),
            "next month": (today + relativedelta(months=1)).replace(day=1)}.get(words)


def _weekday(words: str, today: date) -> date | None:
    match = re.fullmatch(r"(this |next |coming |the coming )?([a-z]+)", words)
    if not match or match.group(2) not in WEEKDAYS:
        return None
    target = WEEKDAYS[match.group(2)]
    if (match.group(1) or "").strip() == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=target)
    return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)


def _relative(words: str, today: date) -> date | None:
    match = re.fullmatch(r"in ([a-z]+|\d{1,3}) ([a-z]+)", words)
    if not match or match.group(2) not in UNITS:
        return None
    count = int(match.group(1)) if match.group(1).isdigit() else NUMBERS.get(match.group(1))
    if count is None:
        return None
    return today + relativedelta(**{UNITS[match.group(2)]: count})


def _end_of(words: str, today: date) -> date | None:
    if words in ("end of month", "end of the month", "eom"):
        return today.replace(day=monthrange(today.year, today.month)[1])
    if words in ("end of week", "end of the week", "eow"):
        friday = today + timedelta(days=4 - today.weekday())
        return friday if friday >= today else today
    return None


def _month_day(words: str, today: date, day_first: bool = False) -> date | None:
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", words)
    if not match:
        return None
    month, day, year = int(match.group(1)), int(match.group(2)), match.group(3)
    month, day = _ordered(month, day, day_first)
    if year:
        return valid_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    found = valid_date(today.year, month, day)
    if found is not None and found < today:
        found = valid_date(today.year + 1, month, day)
    return found


def _absolute(words: str, today: date) -> date | None:
    """ISO dates and dates with a month name; dateutil reads them, we pick the year."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", words)
    if iso:
        return valid_date(*(int(part) for part in iso.groups()))
    if not MONTH_NAME.search(words) or not re.search(r"\d", words):
        return None
    try:
        found = dateutil_parser.parse(words, default=datetime(today.year, today.month, 1)).date()
    except (ValueError, OverflowError):
        return None
    if not re.search(r"\b\d{4}\b", words) and found < today:
        found = valid_date(found.year + 1, found.month, found.day)
    return found


def _ordered(first: int, second: int, day_first: bool) -> tuple[int, int]:
    """(month, day) of a short numeric date in the locale's order; 25/12 is 25 December wherever one lives."""
    month, day = (second, first) if day_first else (first, second)
    return (day, month) if month > 12 >= day else (month, day)


def _impossible(words: str, day_first: bool) -> bool:
    """A month and a day each in range that make no date: 2/31, 31/02 (day first), 2026-02-30."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", words)
    short = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", words)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif short:
        month, day = int(short.group(1)), int(short.group(2))
        month, day = _ordered(month, day, day_first)
        year = int(short.group(3)) if short.group(3) else 2024  # no year: 2/29 is a day (of a leap year)
        year += 2000 if year < 100 else 0
    else:
        return False
    return 1 <= month <= 12 and 1 <= day <= 31 and valid_date(year, month, day) is None
