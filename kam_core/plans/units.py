"""Objective units that count whole things, and an objective's figures as a reader is shown them.

Nobody has 0.45 of a product in use or holds 0.45 of a meeting, so a countable
unit's target and actual are whole numbers wherever they are read, and progress
is the share of those whole numbers: "1 of 12 meetings" is 8.3%, whatever
fraction an old import or demo row stored. Money, scores (NPS) and percentages
are measures and keep their decimals.
"""

from decimal import ROUND_HALF_UP, Decimal

# Singular forms; a unit is countable when it is one of these or its plural.
COUNTABLE = frozenset({
    "account", "call", "contact", "customer", "deal", "event", "licence", "license", "meeting", "opportunity",
    "order", "person", "people", "product", "project", "reference", "seat", "site", "user", "visit", "workshop",
})


def is_countable(unit: str | None) -> bool:
    name = (unit or "").strip().lower()
    singular = name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")
    return name in COUNTABLE or singular in COUNTABLE


def whole(value) -> Decimal:
    """Rounded to a whole number, halves up (0.5 meeting is 1, as a person would round it)."""
    return _decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def shown(value, unit: str | None) -> Decimal:
    """The figure as it is shown: whole for a countable unit, as stored otherwise."""
    return whole(value) if is_countable(unit) else _decimal(value)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
