"""Checking what people type into a plan: text that fits Slack's inputs and the columns, dates, numbers.

Each check appends InvalidInput problems to a list, so a form gets every problem at once (Invalid).
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from kam_core.errors import Invalid, InvalidInput

# Slack's plain_text_input holds at most 3000 characters: the long parts of a plan fit one input.
LONG_TEXT = 3000
# Objective and action descriptions: their columns' size (String(500)).
DESCRIPTION = 500
UNIT = 20
# Numeric(16, 2): figures stay under 10^14.
LARGEST = Decimal(10) ** 14
PLAN_YEARS = 3

_SCALE = {"k": Decimal(1_000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def parse_amount(text: str, *, field: str) -> Decimal:
    """A figure as people type it: "45", "1,200", "1.2k", "3M", "45%", "$2.5k", "-3"."""
    raw = (text or "").strip()
    cleaned = raw.lower().replace(" ", "").replace("\u00a0", "").lstrip("$€£¥").removesuffix("%")
    scale = Decimal(1)
    if cleaned[-1:] in _SCALE:
        scale, cleaned = _SCALE[cleaned[-1]], cleaned[:-1]
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise InvalidInput(field=field, problem="not_a_number", text=raw)
    try:
        return Decimal(cleaned) * scale
    except InvalidOperation:
        raise InvalidInput(field=field, problem="not_a_number", text=raw) from None


def text(value: str | None, *, field: str, limit: int, problems: list[InvalidInput]) -> str | None:
    """The text stripped (None when blank); a problem when it is longer than `limit`."""
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        problems.append(InvalidInput(field=field, problem="too_long", length=len(value), limit=limit))
    return value


def required(value: str | None, *, field: str, limit: int, problems: list[InvalidInput]) -> str:
    value = text(value, field=field, limit=limit, problems=problems)
    if value is None:
        problems.append(InvalidInput(field=field, problem="description_missing"))
    return value or ""


def figure(value: Decimal | None, *, field: str, problems: list[InvalidInput], positive: bool = False) -> Decimal:
    if value is None or not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
        problems.append(InvalidInput(field=field, problem="not_a_number", text=str(value)))
        return Decimal(0)
    value = Decimal(value)
    if positive and value <= 0:
        problems.append(InvalidInput(field=field, problem="target_not_positive", value=value))
    elif abs(value) >= LARGEST:
        problems.append(InvalidInput(field=field, problem="too_large", value=value, limit=int(LARGEST)))
    return value


def period(start: date, end: date, problems: list[InvalidInput]) -> None:
    if end < start:
        problems.append(InvalidInput(field="period_end", problem="period_end_before_start"))
    elif end - start > timedelta(days=366 * PLAN_YEARS):
        problems.append(InvalidInput(field="period_end", problem="period_too_long", years=PLAN_YEARS))


def raise_any(problems: list[InvalidInput]) -> None:
    if problems:
        raise problems[0] if len(problems) == 1 else Invalid(problems)
