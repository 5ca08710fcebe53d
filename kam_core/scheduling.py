"""Local-time rules for messages sent "at 08:00 where the person is".

A person's zone follows kam_core.timezones (their stored timezone, refreshed here by
`refresh_timezones`; the configured default when it is unknown).

A reminder is due from its local hour until the end of that local day (a digest, until the end
of its week: kam_core.digests.schedule), so a scheduler that was down at 08:00 still sends at
09:00; the Delivery row's period key (local date or ISO week) keeps it to once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.people.models import Person
from kam_core.timezones import valid_zone, zone

# The local hour a digest or reminder goes out at unless the person picked another.
DEFAULT_HOUR = 8


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


def local_moment(stored: str | None, *, default: str, now: datetime) -> LocalMoment:
    tz = zone(stored, default)
    return LocalMoment(zone=tz.key, at=now.astimezone(tz))


def daily_due(moment: LocalMoment, *, hour: int | None) -> bool:
    """Due from `hour` (default 08:00) to the end of the local day."""
    return moment.hour >= (DEFAULT_HOUR if hour is None else hour)


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
