"""A person's timezone, by one rule wherever local time matters (reminders, digests, the day a
note is logged on): their stored zone when it is valid, else the configured default
(KAM_DEFAULT_TIMEZONE), else UTC.

The stored zone is set from Slack's users.info `tz` when a person is linked, and refreshed by
kam_core.scheduling.refresh_timezones. The column defaults to "UTC" when nothing is known, so an
empty, invalid or plain "UTC" value counts as unknown.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UNKNOWN_ZONES = {"", "UTC"}


def valid_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_name(stored: str | None, default: str | None = "UTC") -> str:
    """The IANA name of the zone to use for a person whose stored zone is `stored`."""
    if stored not in UNKNOWN_ZONES and valid_zone(stored):
        return stored
    return default if valid_zone(default) else "UTC"


def zone(stored: str | None, default: str | None = "UTC") -> ZoneInfo:
    return ZoneInfo(zone_name(stored, default))
