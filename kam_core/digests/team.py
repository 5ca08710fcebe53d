"""Who is in each manager's team, and each manager's week in their own timezone.

A manager's team is the manager and their direct reports; its accounts are the
accounts those people own. A manager who reports to another manager is in both
teams, so an owner maps to one or more managers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from kam_core.digests.week import bounds, monday_of
from kam_core.enums import Role
from kam_core.people.models import Person
from kam_core.timezones import zone


@dataclass
class ManagerWeek:
    person: Person
    timezone: str
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive
    members: set[int] = field(default_factory=set)

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


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
    def as_of(self) -> date:
        """The day the digest is read: the Monday after the week. "Overdue" and
        "days since last touch" are measured from it."""
        return self.first_day + timedelta(days=7)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """From the earliest local week start to the latest local week end, so one
        query fetches every manager's week; rows are then filtered per manager."""
        return min(m.start for m in self.managers.values()), max(m.end for m in self.managers.values())


def managers_query(manager_ids: list[int] | None) -> Select:
    query = select(Person.id).where(Person.role == Role.manager, Person.active)
    return query.where(Person.id.in_(manager_ids)) if manager_ids is not None else query


def load_teams(session: Session, *, week: str, manager_ids: list[int] | None, default_timezone: str) -> Teams:
    """Two statements whatever the number of managers: the managers, then their reports."""
    managers = session.scalars(
        select(Person).where(Person.id.in_(managers_query(manager_ids))).order_by(Person.id)).all()
    weeks = {}
    for manager in managers:
        tz = zone(manager.timezone, default_timezone)
        start, end = bounds(week, tz)
        weeks[manager.id] = ManagerWeek(person=manager, timezone=tz.key, start=start, end=end, members={manager.id})
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
