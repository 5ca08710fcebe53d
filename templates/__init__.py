"""Jinja2 wording for everything a person reads: Slack messages and CLI output."""

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
    env.filters["money"] = money
    env.filters["percent"] = percent
    env.filters["slack_escape"] = slack_escape
    return env


def render(name: str, /, **context: Any) -> str:
    return environment().get_template(name).render(**context).strip()


def error_message(error) -> str:
    """The friendly text for a kam_core.errors.KamError, from errors.j2."""
    return piece("errors.j2", error.code, **error.params)


def money(value, currency: str = "USD") -> str:
    if value is None:
        return "–"
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            return f"{sign}{amount / limit:.1f}{suffix} {currency}".replace(".0" + suffix, suffix)
    return f"{sign}{amount:,.0f} {currency}"


def percent(value) -> str:
    return "–" if value is None else f"{float(value) * 100:.1f}%"


def piece(template: str, macro: str, /, **context: Any) -> str:
    """One macro of a template, e.g. piece("slack/card.j2", "header", card=card)."""
    return str(getattr(environment().get_template(template).module, macro)(**context)).strip()


def slack_escape(text) -> str:
    """What a user typed, made inert for mrkdwn: no pings, no forged links."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
