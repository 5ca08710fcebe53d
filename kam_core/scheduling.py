"""Local-time rules for messages sent "at 08:00 where the person is".

A person's zone is their stored timezone (set from Slack's users.info `tz` when they
are linked, and refreshed by `refresh_timezones`). The column defaults to "UTC" when
nothing is known, so an empty, invalid or plain "UTC" value counts as unknown and the
configured default (KAM_DEFAULT_TIMEZONE) applies instead.

A job is due from its local hour until the end of that local day (daily) or week
(weekly), so a scheduler that was down at 08:00 still sends at 09:00; the Delivery
row's period key (local date or ISO week) keeps it to once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.people.models import Person

DEFAULT_HOUR = 8
UNKNOWN_ZONES = {"", "UTC"}


def valid_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_name(stored: str | None, *, default: str) -> str:
    """The zone to schedule by: the stored one when known, else the default (else UTC)."""
    if stored not in UNKNOWN_ZONES and valid_zone(stored):
        return stored
    return default if valid_zone(default) else "UTC"


@dataclass(frozen=True)
class LocalMoment:
    zone: str
    at: datetime  # aware, in `zone`

    @property
    def date(self) -> date:
        return self.at.date()

    @property
    def hour(self) -> int:
        return self.at.hour

    @property
    def weekday(self) -> int:
        """ISO weekday: Monday = 1."""
        return self.at.isoweekday()

    @property
    def iso_week(self) -> str:
        return iso_week(self.at.date())


def local_moment(stored: str | None, *, default: str, now: datetime) -> LocalMoment:
    zone = zone_name(stored, default=default)
    return LocalMoment(zone=zone, at=now.astimezone(ZoneInfo(zone)))


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def daily_due(moment: LocalMoment, *, hour: int | None) -> bool:
    """Due from `hour` (default 08:00) to the end of the local day."""
    return moment.hour >= (DEFAULT_HOUR if hour is None else hour)


def weekly_due(moment: LocalMoment, *, weekday: int | None, hour: int | None) -> bool:
    """Due from `weekday` (default Monday) at `hour` (default 08:00) to the end of the ISO week."""
    weekday = 1 if weekday is None else weekday
    return moment.weekday > weekday or (moment.weekday == weekday and daily_due(moment, hour=hour))


def refresh_timezones(session: Session, *, people: Iterable[Person], lookup: Callable[[str], str | None]) -> int:
    """Store each linked person's zone as Slack reports it (`lookup(slack_user_id)` -> tz or None
    when Slack does not know). Returns how many changed; each change is audited."""
    changed = 0
    actor = Actor.system("timezone-refresh")
    for person in people:
        if not person.slack_user_id:
            continue
        tz = lookup(person.slack_user_id)
        if not valid_zone(tz) or tz == person.timezone:
            continue
        record(session, actor=actor, action="refresh_timezone", entity="person", entity_id=person.id,
               changes={"timezone": [person.timezone, tz]})
        person.timezone = tz
        changed += 1
    session.flush()
    return changed
