"""Time helpers. Datetimes are stored as naive UTC and handed out as aware UTC."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()
