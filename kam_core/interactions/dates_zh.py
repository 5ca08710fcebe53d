"""Due dates and times as a Chinese-speaking rep writes them (今天, 下周五前, 月底, 3月5日, 两周后, 下午3点),
seen from the rep's own today. Pure: no Slack, no database. The phrase table in docs/dates.md is this
module's answers (tests/kam_core/interactions/test_dates_zh.py keeps the two the same).

Conventions, the same as the English ones where English has them (kam_core/interactions/dates.py):
- 周五 / 星期五 / 礼拜五 is the next Friday after today, never today;
- 本周五 / 这周五 is the Friday of this week (Monday to Sunday), which may be today or already past;
- 下周五 is the Friday of next week, 下下周五 the week after; 上周五 last week's;
- 周末 is this week's Saturday (today on a weekend); 下周 is next Monday; 下个月 the 1st of next month;
- 月底 the month's last day; 下个月初 the 1st of next month; 年底 31 December;
- a date without a year (3月5日, 3号) is its next occurrence, today included;
- 前 / 之前 / 以前 after a date ("by") and 在 / 于 / 到 / 截止 before it change nothing;
- a time (下午3点) without a day is today; the time is read (for the digest's hour) but a follow-up
  keeps only the day.
Chinese numerals (两, 十二, 三十一, 二〇二七) are read as numbers; library evaluation in docs/dates.md.
"""

import re
from calendar import monthrange
from datetime import date, time, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta


class Reading(NamedTuple):
    on: date | None = None
    at: time | None = None
    impossible: bool = False  # names a day that does not exist: 2月31日


class Found(NamedTuple):
    """A date found inside a sentence: where it is (with its 前 / 在 words), its words, and its reading."""

    start: int
    end: int
    words: str
    reading: Reading


DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"[0-9〇零一二两三四五六七八九十廿卅]{1,4}"
WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2,
                 "4": 3, "5": 4, "6": 5, "7": 6}
WEEK = r"(?:周|星期|礼拜)"
UNIT = r"(?:天|日|周|星期|礼拜|个星期|个礼拜|个月|月|年)"

NAMED = {"今天": 0, "今日": 0, "今晚": 0, "今早": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "后天": 2,
         "大后天": 3, "昨天": -1, "前天": -2}
# The parts of a date-and-time phrase, most specific first (a regex alternation takes the first that fits).
DAY = "|".join((
    rf"(?:{NUM}年)?{NUM}月{NUM}[日号]",
    rf"\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}",
    rf"\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?",
    rf"(?:下下个?|下个?|上个?|本|这个?){WEEK}[一二三四五六日天1-7末]",
    rf"{WEEK}[一二三四五六日天1-7末]",
    rf"{NUM}{UNIT}(?:以后|之后|后)",
    rf"过{NUM}{UNIT}",
    rf"{NUM}{UNIT}内",
    r"(?:这个|本|下下个|下个|下|上个|上)?月(?:底|末|初|中)",
    r"(?:今|明)?年(?:底|末|初)",
    rf"(?:下下个?|下个?){WEEK}",
    r"(?:下下个|下个|下)月",
    "|".join(sorted(NAMED, key=len, reverse=True)),
    rf"{NUM}[日号](?![楼线馆厅门库仓位床院室层区])",
))
TIME = rf"(?:上午|早上|早晨|中午|下午|晚上|傍晚)?(?:{NUM}(?:点|时)(?:半|{NUM}分?)?|\d{{1,2}}:\d{{2}})"
BEFORE = r"(?:在|于|到|截止到|截至|截止|最晚|最迟)"
AFTER = r"(?:之前|以前|前|为止)"
PHRASE = re.compile(rf"(?P<pre>{BEFORE})?(?P<day>{DAY})?\s*(?P<time>{TIME})?(?P<post>{AFTER})?")


def read(text: str, today: date, *, day_first: bool = False) -> Reading:
    """What the whole of `text` names (`下周五前`, `明天下午3点`), seen from today; Reading() when nothing."""
    words = re.sub(r"[\s,.!?;:]+$", "", (text or "").strip())
    match = PHRASE.fullmatch(words)
    if not match or not (match.group("day") or match.group("time")):
        return Reading()
    return _reading(match, today, day_first)


def find(text: str, today: date, *, day_first: bool = False) -> Found | None:
    """The first date (or time) in a sentence: `下周五前发送报价` → 下周五前 at 0–4, Friday of next week."""
    for match in PHRASE.finditer(text):
        if not (match.group("day") or match.group("time")):
            continue
        if not match.group("day") and not re.match(r"上午|早上|早晨|中午|下午|晚上|傍晚|\d", match.group("time")):
            continue  # 一点 alone is "a little", 两点 "two points": a time in a sentence needs 下午 or digits
        reading = _reading(match, today, day_first)
        if reading.on is not None or reading.impossible:
            words = (match.group("day") or "") + (match.group("time") or "")
            return Found(match.start(), match.end(), words, reading)
    return None


def hour_of(text: str) -> int | None:
    """The whole hour in 下午5点, 17点, 早上9点, 9时 (the digest's and reminders' hour); None if none (5点半)."""
    at = _time((text or "").strip())
    return at.hour if at is not None and at.minute == 0 else None


def weekday_of(text: str) -> int | None:
    """0 for Monday … 6 for Sunday, from 周五 / 星期五 / 礼拜五 / 每周五 / 周日 / 星期天; None if none."""
    match = re.fullmatch(rf"每?{WEEK}([一二三四五六日天1-7])", (text or "").strip())
    return WEEKDAY_CHARS[match.group(1)] if match else None


def pieces(word: str) -> list[str]:
    """A settings word cut into its weekday and time (周五下午5点 → 周五, 下午5点); the word itself otherwise."""
    parts = re.findall(rf"每?{WEEK}[一二三四五六日天1-7]|{TIME}", word)
    return parts if parts and "".join(parts) == word else [word]


def number(text: str) -> int | None:
    """12 from 12, 十二 or 一二; 2027 from 二〇二七; 2 from 两; 31 from 三十一 or 卅一."""
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        value = (DIGITS.get(tens) if tens else 1), (DIGITS.get(ones) if ones else 0)
        return None if None in value else value[0] * 10 + value[1]
    if all(char in DIGITS for char in text):
        return int("".join(str(DIGITS[char]) for char in text))
    return None


# ---- the readings ------------------------------------------------------------------------------

def _reading(match: re.Match, today: date, day_first: bool) -> Reading:
    at = _time(match.group("time")) if match.group("time") else None
    if match.group("time") and at is None:
        return Reading(impossible=True)
    if not match.group("day"):
        return Reading(on=today, at=at)
    day = _day(match.group("day"), today, day_first)
    if isinstance(day, Reading):
        return day
    return Reading(on=day, at=at)


def _day(words: str, today: date, day_first: bool) -> "date | Reading | None":
    for rule in (_named, _weekday, _relative, _month_part, _year_part, _next_week_or_month, _month_day,
                 _numeric, _day_of_month):
        found = rule(words, today, day_first)
        if found is not None:
            return found
    return None


def _named(words: str, today: date, _: bool) -> date | None:
    return today + timedelta(days=NAMED[words]) if words in NAMED else None


def _weekday(words: str, today: date, _: bool) -> date | None:
    match = re.fullmatch(rf"(下下个?|下个?|上个?|本|这个?)?{WEEK}([一二三四五六日天1-7末])", words)
    if not match:
        return None
    which, target = (match.group(1) or "").rstrip("个"), match.group(2)
    monday = today - timedelta(days=today.weekday())
    if target == "末":
        offset = {"": 0, "本": 0, "这": 0, "下": 7, "下下": 14, "上": -7}[which]
        saturday = monday + timedelta(days=5 + offset)
        return today if not which and today.weekday() >= 5 else saturday
    weekday = WEEKDAY_CHARS[target]
    if not which:  # the next such day after today, as in English
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return monday + timedelta(days=weekday + {"本": 0, "这": 0, "下": 7, "下下": 14, "上": -7}[which])


def _relative(words: str, today: date, _: bool) -> date | None:
    match = re.fullmatch(rf"过?({NUM})({UNIT})(?:以后|之后|后|内)?", words)
    if not match or number(match.group(1)) is None:
        return None
    count, unit = number(match.group(1)), match.group(2).lstrip("个")
    step = {"天": {"days": 1}, "日": {"days": 1}, "周": {"weeks": 1}, "星期": {"weeks": 1}, "礼拜": {"weeks": 1},
            "月": {"months": 1}, "年": {"years": 1}}[unit]
    return today + relativedelta(**{key: value * count for key, value in step.items()})


def _month_part(words: str, today: date, _: bool) -> date | None:
    match = re.fullmatch(r"(这个|本|下下个|下个|下|上个|上)?月(底|末|初|中)", words)
    if not match:
        return None
    shift = {"": 0, "这个": 0, "本": 0, "下": 1, "下个": 1, "下下个": 2, "上": -1, "上个": -1}[match.group(1) or ""]
    if match.group(2) == "初" and not match.group(1) and today.day > 1:
        shift = 1  # 月初 said after the 1st: the start of the coming month
    month = today.replace(day=1) + relativedelta(months=shift)
    if match.group(2) in ("底", "末"):
        return month.replace(day=monthrange(month.year, month.month)[1])
    if match.group(2) == "中":
        middle = month.replace(day=15)
        return middle if middle >= today or match.group(1) else middle + relativedelta(months=1)
    return month


def _year_part(words: str, today: date, _: bool) -> date | None:
    match = re.fullmatch(r"(今|明)?年(底|末|初)", words)
    if not match:
        return None
    year = today.year + (1 if match.group(1) == "明" or (match.group(2) == "初" and not match.group(1)) else 0)
    return date(year, 12, 31) if match.group(2) in ("底", "末") else date(year, 1, 1)


def _next_week_or_month(words: str, today: date, _: bool) -> date | None:
    if re.fullmatch(rf"(下下个?|下个?){WEEK}", words):
        weeks = 2 if words.startswith("下下") else 1
        return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    if re.fullmatch(r"(下下个|下个|下)月", words):
        return today.replace(day=1) + relativedelta(months=2 if words.startswith("下下") else 1)
    return None


def _month_day(words: str, today: date, _: bool) -> "date | Reading | None":
    match = re.fullmatch(rf"(?:({NUM})年)?({NUM})月({NUM})[日号]", words)
    if not match:
        return None
    year, month, day = (number(part) if part else None for part in match.groups())
    if month is None or day is None or (match.group(1) and year is None):
        return None
    if year is not None and year < 100:
        year += 2000
    return _dated(year, month, day, today)


def _numeric(words: str, today: date, day_first: bool) -> "date | Reading | None":
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", words)
    if iso:
        return _dated(*(int(part) for part in iso.groups()), today)
    short = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", words)
    if not short:
        return None
    first, second, year = int(short.group(1)), int(short.group(2)), short.group(3)
    month, day = (second, first) if day_first else (first, second)
    month, day = (day, month) if month > 12 >= day else (month, day)  # 25/12 wherever one lives
    if month > 12 or day > 31:
        return None  # not a date at all, rather than a day the calendar lacks
    return _dated(int(year) + (2000 if len(year) == 2 else 0) if year else None, month, day, today)


def _day_of_month(words: str, today: date, _: bool) -> "date | Reading | None":
    match = re.fullmatch(rf"({NUM})[日号]", words)
    day = number(match.group(1)) if match else None
    if day is None:
        return None
    if not 1 <= day <= 31:
        return Reading(impossible=True)
    month = today.replace(day=1)
    for _ in range(3):  # 31号 on 5 February: 31 March
        if day <= monthrange(month.year, month.month)[1] and month.replace(day=day) >= today:
            return month.replace(day=day)
        month += relativedelta(months=1)
    return None


def _dated(year: int | None, month: int, day: int, today: date) -> "date | Reading":
    """The date, or its next occurrence when the year is not said; Reading(impossible) for 2月31日."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return Reading(impossible=True)
    if year is not None:
        return valid_date(year, month, day) or Reading(impossible=True)
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        found = valid_date(year, month, day)
        if found is not None and found >= today:
            return found
        if found is None and month != 2:
            return Reading(impossible=True)
    return Reading(impossible=True)  # 2月30日 is in no year


def _time(words: str) -> time | None:
    match = re.fullmatch(rf"(上午|早上|早晨|中午|下午|晚上|傍晚)?(?:({NUM})(?:点|时)(半|{NUM}分?)?|(\d{{1,2}}):(\d{{2}}))",
                         words)
    if not match:
        return None
    part, hour, minutes = match.group(1), number(match.group(2) or match.group(4)), match.group(3) or match.group(5)
    minute = 30 if minutes == "半" else number(minutes.rstrip("分")) if minutes else 0
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    if part in ("下午", "晚上", "傍晚") and hour < 12:
        hour += 12
    elif part == "中午" and hour < 6:
        hour += 12
    return time(hour % 24, minute) if hour < 24 or minute == 0 else None


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
