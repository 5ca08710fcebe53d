"""When a manager's digest is due, and their choice of day, hour and on/off.

Default: Monday 08:00 in the manager's own timezone (Person.timezone, which the
sender refreshes from Slack's users.info `tz`; KAM_DEFAULT_TIMEZONE when unknown).
A digest always covers the ISO week before the one the send time falls in, so a
manager who picks Friday 17:00 gets last week's digest on Friday, not a half week.
It is due once local time has passed the send time in the current week; running
the sender every hour therefore sends each digest within the hour after its time.
"""

from datetime import datetime, time, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.delivery.models import NotificationPreference
from kam_core.delivery.service import set_preference
from kam_core.digests.week import week_key
from kam_core.people.models import Person
from kam_core.permissions import Action, may_choose_digest_schedule, require
from kam_core.scheduling import DEFAULT_HOUR
from kam_core.timezones import zone

KIND = "digest"
DEFAULT_WEEKDAY = 1  # ISO: Monday


class Schedule(BaseModel):
    enabled: bool = True
    weekday: int = Field(DEFAULT_WEEKDAY, ge=1, le=7)
    hour: int = Field(DEFAULT_HOUR, ge=0, le=23)
    timezone: str = "UTC"


def due_week(now: datetime, schedule: Schedule) -> str | None:
    """The week whose digest is due at `now`, or None before this week's send time."""
    local = now.astimezone(zone(schedule.timezone))
    monday = local.date() - timedelta(days=local.isoweekday() - 1)
    send_at = datetime.combine(monday + timedelta(days=schedule.weekday - 1), time(schedule.hour),
                               tzinfo=local.tzinfo)
    return week_key(monday - timedelta(days=7)) if local >= send_at else None


def schedules(session: Session, people: list[Person], *, default_timezone: str) -> dict[int, Schedule]:
    """Each person's digest schedule, in one query for all their preferences."""
    prefs = {p.person_id: p for p in session.scalars(select(NotificationPreference).where(
        NotificationPreference.kind == KIND, NotificationPreference.person_id.in_([p.id for p in people])))}
    return {p.id: schedule_of(p, prefs.get(p.id), default_timezone=default_timezone) for p in people}


def schedule_of(person: Person, pref: NotificationPreference | None, *, default_timezone: str) -> Schedule:
    return Schedule(enabled=pref.enabled if pref else True,
                    weekday=pref.weekday if pref and pref.weekday else DEFAULT_WEEKDAY,
                    hour=pref.hour if pref and pref.hour is not None else DEFAULT_HOUR,
                    timezone=zone(person.timezone, default_timezone).key)


def set_schedule(session: Session, *, actor: Actor, person: Person, enabled: bool | None = None,
                 weekday: int | None = None, hour: int | None = None, default_timezone: str = "UTC") -> Schedule:
    """Turn a manager's digest on or off, or move it to another day and hour (audited)."""
    require(actor, Action.choose_a_digest_schedule,
            allowed=may_choose_digest_schedule(actor, person_id=person.id, person_role=person.role))
    pref = set_preference(session, person_id=person.id, kind=KIND, enabled=enabled, weekday=weekday, hour=hour)
    record(session, actor=actor, action="set_digest_schedule", entity="person", entity_id=person.id,
           changes={"enabled": pref.enabled, "weekday": pref.weekday, "hour": pref.hour})
    return schedule_of(person, pref, default_timezone=default_timezone)
