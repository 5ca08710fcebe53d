"""Jinja2 wording for everything a person reads: Slack messages and CLI output, in the language of the
person it is for (templates/i18n.py: gettext catalogs through Jinja2's i18n extension)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, PackageLoader, StrictUndefined

from templates import i18n


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("templates", ""),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        auto_reload=False,  # templates ship with the code: no stat() of each file on every message
        extensions=["jinja2.ext.i18n"],
    )
    # Called when a macro runs, so each message takes the language current then (templates/i18n.py).
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext,
                                  npgettext=i18n.npgettext)
    env.filters["date"] = day
    env.filters["whole"] = whole  # not "count": Jinja's own `count` is `length`
    env.filters["money"] = money
    env.filters["percent"] = percent
    env.filters["slack_escape"] = slack_escape
    return env


def render(name: str, /, **context: Any) -> str:
    return environment().get_template(name).render(**context).strip()


def error_message(error) -> str:
    """The friendly text for a kam_core.errors.KamError, from errors.j2."""
    return piece("errors.j2", error.code, **error.params)


def whole(value) -> str:
    """A whole number of things: 1,234."""
    return f"{int(value):,}"


# Large amounts as each language groups them: thousands (k, M, B) in English, 万 and 亿 in Chinese (a
# Chinese reader counts in 万; "103万" reads at a glance where "1.03M" must be converted).
MAGNITUDES = {"en": ((10**9, "B"), (10**6, "M"), (10**3, "k")), "zh": ((10**8, "亿"), (10**4, "万"))}


def money(value, currency: str = "USD") -> str:
    """Three significant figures, grouped per language: 1.03M, 531k, 12.5k, 999, 1M in English (zeros after
    the point dropped); 103万, 5.31亿 in Chinese."""
    if value is None:
        return "–"
    amount = _significant(Decimal(str(value)), 3)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for limit, suffix in MAGNITUDES.get(i18n.current(), MAGNITUDES["en"]):
        if amount >= limit:  # after rounding, so 999,999 is 1M, not 1000k
            return f"{sign}{_plain(amount / limit)}{suffix} {currency}"
    return f"{sign}{_plain(amount)} {currency}"


def _significant(amount: Decimal, digits: int) -> Decimal:
    if amount == 0:
        return Decimal(0)
    return amount.quantize(Decimal(1).scaleb(amount.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value) -> str:
    """One decimal; a share that is not 0 or 1 never reads as 0.0% or 100.0%."""
    if value is None:
        return "–"
    share = float(value)
    text = f"{share * 100:.1f}"
    if 0 < share and text == "0.0":
        return "<0.1%"
    if share < 1 and text == "100.0":
        return ">99.9%"
    return f"{text}%"


# The English strftime patterns the templates use, and each one's form in Chinese (CLDR patterns, Babel).
ZH_DATES = {
    "%d %b %Y": "y年M月d日",
    "%a %d %b": "M月d日（EEE）",
    "%a %d %b %Y": "y年M月d日（EEE）",
    "%a %-d %b %Y": "y年M月d日（EEE）",
    "%A %d %B": "M月d日 EEEE",
    "%a %-d %b %Y, %H:%M": "y年M月d日（EEE）HH:mm",
    "%d %b %Y %H:%M": "y年M月d日 HH:mm",
}


def day(value: date | datetime | None, pattern: str = "%d %b %Y") -> str:
    """A date (or moment) in the current language: `d | date("%a %d %b")` is "Fri 11 Dec" in English,
    "12月11日（周五）" in Chinese. Patterns without words (%Y-%m-%d, %H:%M) read the same in both."""
    if value is None:
        return "–"
    zh = ZH_DATES.get(pattern) if i18n.current() == "zh" else None
    if zh is None:
        return value.strftime(pattern)
    if isinstance(value, datetime):
        return format_datetime(value, zh, tzinfo=value.tzinfo, locale=i18n.locale())
    return format_date(value, zh, locale=i18n.locale())


def piece(template: str, macro: str, /, **context: Any) -> str:
    """One macro of a template, e.g. piece("slack/card.j2", "header", card=card)."""
    return str(getattr(environment().get_template(template).module, macro)(**context)).strip()


def slack_escape(text) -> str:
    """What a user typed, made inert for mrkdwn: no pings, no forged links."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
