"""Who is in each manager's team, and each manager's week in their own timezone.

A manager's team is the manager and their direct reports; its accounts are the
accounts those people own. A manager who reports to another manager is in both
teams, so an owner maps to one or more managers.

Each manager's digest is "as of" one moment: the end of their week once it has
ended, else now (the week so far). A week that has not started where the manager
is has nothing to report yet.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from kam_core.digests.week import WeekState, bounds, monday_of
from kam_core.enums import Role
from kam_core.people.models import Person
from kam_core.timezones import zone


@dataclass
class ManagerWeek:
    person: Person
    timezone: str
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive
    now: datetime  # aware UTC
    members: set[int] = field(default_factory=set)

    @property
    def state(self) -> WeekState:
        if self.now < self.start:
            return WeekState.future
        return WeekState.ended if self.end <= self.now else WeekState.current

    @property
    def as_of(self) -> datetime:
        """The moment every figure of the digest is taken at: the week's end, or now if sooner."""
        return max(self.start, min(self.end, self.now))

    @property
    def as_of_day(self) -> date:
        """The local day of `as_of`: the Monday after an ended week, today in a current one.
        "Overdue", "days since the last touch" and "close date passed" count from it."""
        return self.as_of.astimezone(zone(self.timezone)).date()

    @property
    def today(self) -> date:
        return self.now.astimezone(zone(self.timezone)).date()

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.as_of


@dataclass
class Teams:
    week: str
    managers: dict[int, ManagerWeek]
    names: dict[int, str]  # every member's name
    managers_of: dict[int, list[int]]  # owner id -> the managers whose team they are in
    members_query: Select  # SELECT of every member's id, for IN (...) filters in SQL

    @property
    def first_day(self) -> date:
        return monday_of(self.week)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """From the earliest local week start to the latest as-of moment, so one
        query fetches every manager's week; rows are then filtered per manager."""
        return min(m.start for m in self.managers.values()), max(m.as_of for m in self.managers.values())

    @property
    def earliest_as_of(self) -> datetime:
        return min(m.as_of for m in self.managers.values())

    @property
    def latest_as_of_day(self) -> date:
        return max(m.as_of_day for m in self.managers.values())


def managers_query(manager_ids: list[int] | None) -> Select:
    query = select(Person.id).where(Person.role == Role.manager, Person.active)
    return query.where(Person.id.in_(manager_ids)) if manager_ids is not None else query


def load_teams(session: Session, *, week: str, manager_ids: list[int] | None, default_timezone: str,
               now: datetime) -> Teams:
    """Two statements whatever the number of managers: the managers, then their reports."""
    managers = session.scalars(
        select(Person).where(Person.id.in_(managers_query(manager_ids))).order_by(Person.id)).all()
    weeks = {}
    for manager in managers:
        tz = zone(manager.timezone, default_timezone)
        start, end = bounds(week, tz)
        weeks[manager.id] = ManagerWeek(person=manager, timezone=tz.key, start=start, end=end, now=now,
                                       members={manager.id})
    names = {m.id: m.name for m in managers}
    managers_of: dict[int, list[int]] = {m.id: [m.id] for m in managers}
    reports = session.execute(select(Person.id, Person.name, Person.manager_id)
                              .where(Person.manager_id.in_(managers_query(manager_ids)))).all()
    for report in reports:
        names[report.id] = report.name
        weeks[report.manager_id].members.add(report.id)
        managers_of.setdefault(report.id, []).append(report.manager_id)
    mgr = managers_query(manager_ids)
    members = select(Person.id).where(or_(Person.id.in_(mgr), Person.manager_id.in_(mgr)))
    return Teams(week=week, managers=weeks, names=names, managers_of=managers_of, members_query=members)
