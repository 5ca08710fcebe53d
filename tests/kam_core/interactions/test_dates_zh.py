"""Chinese due dates phrase by phrase, numeric dates per locale, impossible days, and Chinese quick notes.
Pure functions, a fixed today: Tuesday 1 December 2026.

The phrase table in docs/dates.md is PHRASES with the parser's answers; a test keeps the two the same.
To rewrite the table after changing PHRASES or the parser:
`.venv/bin/python -m tests.kam_core.interactions.test_dates_zh`.
"""

import re
from datetime import date, time
from pathlib import Path

import pytest

from handlers.note_text import parse_note, split_account
from kam_core.halfwidth import half_width
from kam_core.interactions.dates import day_first, locale_for, parse_due, read_due
from kam_core.interactions.dates_zh import hour_of, number, pieces, weekday_of

TODAY = date(2026, 12, 1)  # Tue 1 Dec 2026
D = date
IMPOSSIBLE = "impossible"

# (phrase, the locale it is read in, the date (and time) it names, or None, or IMPOSSIBLE)
PHRASES = [
    ("今天", "zh-CN", D(2026, 12, 1)),
    ("明天", "zh-CN", D(2026, 12, 2)),
    ("后天", "zh-CN", D(2026, 12, 3)),
    ("大后天", "zh-CN", D(2026, 12, 4)),
    ("周五", "zh-CN", D(2026, 12, 4)),
    ("星期五", "zh-CN", D(2026, 12, 4)),
    ("礼拜五", "zh-CN", D(2026, 12, 4)),
    ("周二", "zh-CN", D(2026, 12, 8)),  # a weekday alone is never today
    ("这周五", "zh-CN", D(2026, 12, 4)),
    ("本周五前", "zh-CN", D(2026, 12, 4)),
    ("本周一", "zh-CN", D(2026, 11, 30)),  # this week's Monday: already past
    ("下周五", "zh-CN", D(2026, 12, 11)),
    ("下周一", "zh-CN", D(2026, 12, 7)),
    ("下个星期三", "zh-CN", D(2026, 12, 9)),
    ("下下周一", "zh-CN", D(2026, 12, 14)),
    ("上周五", "zh-CN", D(2026, 11, 27)),
    ("周日", "zh-CN", D(2026, 12, 6)),
    ("星期天", "zh-CN", D(2026, 12, 6)),
    ("周末", "zh-CN", D(2026, 12, 5)),
    ("下周末", "zh-CN", D(2026, 12, 12)),
    ("下周", "zh-CN", D(2026, 12, 7)),
    ("月底", "zh-CN", D(2026, 12, 31)),
    ("月底前", "zh-CN", D(2026, 12, 31)),
    ("下个月底", "zh-CN", D(2027, 1, 31)),
    ("下个月初", "zh-CN", D(2027, 1, 1)),
    ("下个月", "zh-CN", D(2027, 1, 1)),
    ("月中", "zh-CN", D(2026, 12, 15)),
    ("年底", "zh-CN", D(2026, 12, 31)),
    ("明年初", "zh-CN", D(2027, 1, 1)),
    ("3月5日", "zh-CN", D(2027, 3, 5)),  # no year: its next occurrence
    ("12月3日", "zh-CN", D(2026, 12, 3)),
    ("12月1日", "zh-CN", D(2026, 12, 1)),  # today counts
    ("十二月三日", "zh-CN", D(2026, 12, 3)),
    ("3月5号", "zh-CN", D(2027, 3, 5)),
    ("2027年1月5日", "zh-CN", D(2027, 1, 5)),
    ("二〇二七年一月五日", "zh-CN", D(2027, 1, 5)),
    ("3号", "zh-CN", D(2026, 12, 3)),
    ("三十一号", "zh-CN", D(2026, 12, 31)),
    ("两周后", "zh-CN", D(2026, 12, 15)),
    ("三天后", "zh-CN", D(2026, 12, 4)),
    ("10天以后", "zh-CN", D(2026, 12, 11)),
    ("一个月后", "zh-CN", D(2027, 1, 1)),
    ("过两天", "zh-CN", D(2026, 12, 3)),
    ("一周内", "zh-CN", D(2026, 12, 8)),
    ("下午3点", "zh-CN", (D(2026, 12, 1), time(15, 0))),
    ("明天下午3点", "zh-CN", (D(2026, 12, 2), time(15, 0))),
    ("周五上午10点半", "zh-CN", (D(2026, 12, 4), time(10, 30))),
    ("在下周五之前", "zh-CN", D(2026, 12, 11)),
    ("截止到月底", "zh-CN", D(2026, 12, 31)),
    ("２月２８日", "zh-CN", D(2027, 2, 28)),  # full-width digits
    ("2月29日", "zh-CN", D(2028, 2, 29)),  # the next leap year's
    ("2月31日", "zh-CN", IMPOSSIBLE),
    ("4月31日", "zh-CN", IMPOSSIBLE),
    ("13月5日", "zh-CN", IMPOSSIBLE),
    ("2026年2月29日", "zh-CN", IMPOSSIBLE),
    ("12/03", "zh-CN", D(2026, 12, 3)),
    ("12/03", "en-US", D(2026, 12, 3)),
    ("12/03", "en-GB", D(2027, 3, 12)),
    ("25/12", "en-US", D(2026, 12, 25)),  # only day/month can be meant
    ("2/31", "en-US", IMPOSSIBLE),
    ("31/02", "en-GB", IMPOSSIBLE),
    ("31/02", "en-US", IMPOSSIBLE),
    ("2026-02-30", "en-US", IMPOSSIBLE),
    ("13/45", "en-US", None),
    ("周八", "zh-CN", None),
    ("改天", "zh-CN", None),
    ("尽快", "zh-CN", None),
]


def answer(phrase: str, locale: str):
    reading = read_due(phrase, TODAY, locale)
    if reading.impossible:
        return IMPOSSIBLE
    if reading.at is not None:
        return reading.on, reading.at
    return reading.on


@pytest.mark.parametrize(("phrase", "locale", "expected"), PHRASES)
def test_phrase(phrase, locale, expected):
    assert answer(phrase, locale) == expected


def test_english_phrases_still_read_as_before():
    assert parse_due("next Friday", TODAY) == D(2026, 12, 11)
    assert parse_due("3/15", TODAY) == D(2027, 3, 15)
    assert parse_due("3/15", TODAY, "en-GB") == D(2027, 3, 15)  # 15 cannot be a month
    assert parse_due("2/31", TODAY) is None  # no date, and read_due says why


def test_the_locale_that_orders_numeric_dates():
    assert (locale_for("zh"), locale_for("en"), locale_for(None), locale_for("en", "en-GB")) == (
        "zh-CN", "en-US", "en-US", "en-GB")
    assert [day_first(locale) for locale in ("en-US", "zh-CN", "en-GB", "de-DE", "xx-nonsense")] == [
        False, False, True, True, False]


@pytest.mark.parametrize(("words", "value"), [("12", 12), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31),
                                              ("廿一", 21), ("两", 2), ("二〇二七", 2027), ("十二三", None)])
def test_chinese_numerals(words, value):
    assert number(words) == value


def test_weekdays_and_hours_for_settings():
    assert [weekday_of(w) for w in ("周一", "星期五", "礼拜天", "每周日", "周八")] == [0, 4, 6, 6, None]
    assert [hour_of(w) for w in ("下午5点", "17点", "早上九点", "9时", "5点半", "中午12点", "晚上8点")] == [
        17, 17, 9, 9, None, 12, 20]
    assert pieces("周五下午5点") == ["周五", "下午5点"] and pieces("周五") == ["周五"] and pieces("day") == ["day"]


def test_half_width_keeps_every_index():
    typed = "比亚迪：与采购总监开会，下一步：下周五前发送报价。ＡＢＣ　１２"
    plain = half_width(typed)
    assert plain == "比亚迪:与采购总监开会,下一步:下周五前发送报价.ABC 12" and len(plain) == len(typed)


# ---- Chinese quick notes ------------------------------------------------------------------------

def test_the_issues_note_has_its_step_and_date_and_keeps_its_text():
    text = "与采购总监开会，下一步：下周五前发送报价"
    note = parse_note(text, TODAY, "zh-CN")
    assert (note.text, note.next_step, note.due_on, note.due_words) == (text, "发送报价", D(2026, 12, 11), None)


@pytest.mark.parametrize(("text", "step", "due"), [
    ("开会顺利。下次：明天给他打电话", "给他打电话", D(2026, 12, 2)),
    ("跟进：和张总下周五见面", "和张总见面", D(2026, 12, 11)),
    ("待办：发送报价，月底前", "发送报价", D(2026, 12, 31)),
    ("待办事项：两周后回访", "回访", D(2026, 12, 15)),
    ("拜访顺利，下一步: 3月5日前签合同", "签合同", D(2027, 3, 5)),
    ("下一步：12/03前寄样品", "寄样品", D(2026, 12, 3)),
    ("下一步：send the quote by Friday", "send the quote", D(2026, 12, 4)),  # mixed languages
    ("met the CFO, next: 下周一发报价", "发报价", D(2026, 12, 7)),
    ("下一步：尽快发一点资料", "尽快发一点资料", None),  # 一点 is "a little", not one o'clock
    ("下一步：去3号楼开会", "去3号楼开会", None),  # building 3, not the 3rd
])
def test_chinese_next_step_forms(text, step, due):
    note = parse_note(text, TODAY, "zh-CN")
    assert (note.next_step, note.due_on) == (step, due)


def test_a_marker_needs_its_colon():
    assert parse_note("客户说下次再谈", TODAY).next_step is None
    assert parse_note("需要跟进的事情很多", TODAY).next_step is None


def test_an_impossible_or_past_chinese_date_is_said_as_such():
    impossible = parse_note("下一步：2月31日前发送报价", TODAY, "zh-CN")
    assert (impossible.next_step, impossible.due_on, impossible.due_impossible, impossible.due_words) == (
        "发送报价", None, True, "2月31日")
    past = parse_note("下一步：上周五发送报价", TODAY, "zh-CN")
    assert (past.due_on, past.due_in_past, past.due_impossible, past.due_words) == (None, True, False, "上周五")


def test_day_first_locales_read_numeric_dates_day_first_in_notes():
    assert parse_note("next: send quote by 12/03", TODAY, "en-GB").due_on == D(2027, 3, 12)
    assert parse_note("next: send quote by 12/03", TODAY, "en-US").due_on == D(2026, 12, 3)
    assert parse_note("next: send quote by 31/02", TODAY, "en-GB").due_impossible


def test_split_account_on_a_full_width_colon_keeps_the_typed_text():
    assert split_account("比亚迪：与采购总监开会，下一步：下周五前发送报价") == (
        "比亚迪", "与采购总监开会，下一步：下周五前发送报价")
    assert split_account("与采购总监开会，下一步：发送报价") is None  # the colon is the next step's


# ---- the docs' phrase table -------------------------------------------------------------------------

DOC = Path(__file__).parents[3] / "docs" / "dates.md"
BEGIN, END = "<!-- phrase table: begin -->", "<!-- phrase table: end -->"


def table() -> str:
    rows = ["| phrase | locale | the parser's answer |", "| --- | --- | --- |"]
    for phrase, locale, _ in PHRASES:
        found = answer(phrase, locale)
        if isinstance(found, tuple):
            shown = f"{found[0]:%a %d %b %Y}, {found[1]:%H:%M}"
        elif isinstance(found, date):
            shown = f"{found:%a %d %b %Y}"
        else:
            shown = "impossible: told so, nothing saved" if found == IMPOSSIBLE else "no date"
        rows.append(f"| {phrase} | {locale} | {shown} |")
    return "\n".join(rows)


def test_the_docs_table_is_the_parsers_answers():
    text = DOC.read_text(encoding="utf-8")
    written = re.search(rf"{re.escape(BEGIN)}\n(.*?)\n{re.escape(END)}", text, flags=re.DOTALL)
    assert written and written.group(1) == table(), (
        "docs/dates.md is out of date: run .venv/bin/python -m tests.kam_core.interactions.test_dates_zh")


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(re.sub(rf"{re.escape(BEGIN)}.*?{re.escape(END)}",
                          lambda _: f"{BEGIN}\n{table()}\n{END}", text, flags=re.DOTALL), encoding="utf-8")
