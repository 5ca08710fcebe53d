"""Jinja2 wording for everything a person reads: Slack messages and CLI output."""

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


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
    )
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


def money(value, currency: str = "USD") -> str:
    """Three significant figures, thousands as k, M, B: 1.03M, 531k, 12.5k, 999, 1M (zeros after the point dropped)."""
    if value is None:
        return "–"
    amount = _significant(Decimal(str(value)), 3)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for limit, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
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


def piece(template: str, macro: str, /, **context: Any) -> str:
    """One macro of a template, e.g. piece("slack/card.j2", "header", card=card)."""
    return str(getattr(environment().get_template(template).module, macro)(**context)).strip()


def slack_escape(text) -> str:
    """What a user typed, made inert for mrkdwn: no pings, no forged links."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
