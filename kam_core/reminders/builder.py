"""What each rep should hear now, for everyone at once, in a fixed number of grouped queries.

Who: active people linked to Slack (a DM needs a Slack user). When: each kind is due
from the person's local hour (their NotificationPreference, default 08:00) to the end
of their local day (kam_core.scheduling); a preference with enabled=False turns it off.

- followups: open follow-ups due by the rep's local date (today's and overdue), one DM
  per local date. Only follow-ups that existed when the DM became due count, so a note
  logged at 15:00 "follow up today" does not set off a "morning" DM in the afternoon.
- cadence: each key account the rep owns whose last touch is older than the key cadence
  (never touched counts, as on the App Home), one DM per account per ISO week.
- care: contact birthdays and renewal dates in the next 7 days (today included), one DM
  per local date. Each item is announced once: the first care DM whose 7-day window
  holds it (a Delivery row of kind "care_item" per item remembers it). Items are keyed by
  their date, so next year's birthday or a moved renewal date is new again.

- actions: open or in-progress account plan actions the person owns, due by their local date
  (today's and overdue), one DM per local date, with a Done button each. As with follow-ups, only
  actions as they were when the DM became due count: one added, given to the person or moved
  (an audited change) after that does not start the DM that day.

Deliveries already sent (or given up after MAX_ATTEMPTS failures) are left out before
any content is built, so a tick every minute stays cheap.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, extract, func, or_, select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, Contact
from kam_core.delivery.models import Delivery, NotificationPreference
from kam_core.enums import AccountStatus, FollowUpStatus, Tier
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.schemas import FollowUpView
from kam_core.people.models import Person
from kam_core.policy import Policy
from kam_core.audit.models import AuditEntry
from kam_core.plans.health import PENDING
from kam_core.plans.models import AccountPlan, PlanAction
from kam_core.reminders.schemas import (CARE_ITEM, KINDS, ActionReminder, CadenceNudge, CareItem, CareReminder,
                                        DueReminder, FollowUpReminder, Kind, PlanActionItem, Recipient)
from kam_core.digests.week import week_key
from kam_core.scheduling import DEFAULT_HOUR, daily_due, local_moment
from kam_core.base import as_date

FOLLOW_UP_ROWS = 15  # two blocks each: well inside Slack's 50 blocks per message
ACTION_ROWS = 15
CARE_ROWS = 15
CARE_DAYS = 7
MAX_ATTEMPTS = 5  # a DM that failed this often is given up (see `kam remind status`)


@dataclass(frozen=True)
class _Due:
    recipient: Recipient
    since: datetime  # when this kind became due today, in UTC


def due_reminders(session: Session, *, policy: Policy, now: datetime, default_timezone: str,
                  kinds: tuple[Kind, ...] = KINDS) -> list[DueReminder]:
    due = _due_people(session, now=now, default_timezone=default_timezone, kinds=kinds)
    if not any(due.values()):
        return []
    done = _done(session, due)
    reminders: list[DueReminder] = []
    if due.get(Kind.followups):
        reminders += _follow_ups(session, due[Kind.followups], done)
    if due.get(Kind.cadence):
        reminders += _cadence(session, due[Kind.cadence], done, policy=policy)
    if due.get(Kind.care):
        reminders += _care(session, due[Kind.care], done)
    if due.get(Kind.actions):
        reminders += _plan_actions(session, due[Kind.actions], done)
    return reminders


def follow_up_reminder(session: Session, *, person_id: int, owner_name: str, today: date) -> FollowUpReminder:
    """One rep's follow-up list as it stands now (the DM re-drawn after Done / Snooze)."""
    rows = _follow_up_rows(session, [person_id], latest=today)
    return _follow_up_reminder(rows, owner_name=owner_name, today=today)


def action_reminder(session: Session, *, person_id: int, today: date) -> ActionReminder:
    """One person's due plan actions as they stand now (the DM re-drawn after Done)."""
    return _action_reminder(_plan_action_rows(session, [person_id], latest=today), today=today)


def _due_people(session: Session, *, now: datetime, default_timezone: str,
                kinds: tuple[Kind, ...]) -> dict[Kind, list[_Due]]:
    people = session.execute(
        select(Person.id, Person.name, Person.email, Person.slack_user_id, Person.timezone, Person.language)
        .where(Person.active, Person.slack_user_id.is_not(None)).order_by(Person.id)
    ).all()
    prefs = {(p.person_id, p.kind): p for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.kind.in_([k.value for k in kinds])))}
    due: dict[Kind, list[_Due]] = {kind: [] for kind in kinds}
    for person in people:
        moment = local_moment(person.timezone, default=default_timezone, now=now)
        recipient = Recipient(person_id=person.id, name=person.name, email=person.email,
                              slack_user_id=person.slack_user_id, zone=moment.zone, local_date=moment.date,
                              language=person.language)
        for kind in kinds:
            pref = prefs.get((person.id, kind.value))
            if pref is not None and not pref.enabled:
                continue
            hour = pref.hour if pref is not None and pref.hour is not None else DEFAULT_HOUR
            if daily_due(moment, hour=hour):
                since = datetime.combine(moment.date, time(hour), tzinfo=moment.at.tzinfo).astimezone(UTC)
                due[kind].append(_Due(recipient, since))
    return due


def _done(session: Session, due: dict[Kind, list[_Due]]) -> set[tuple[str, int, str]]:
    """(kind, person, period) of deliveries for the periods at hand that need no more sending."""
    dates = sorted({d.recipient.local_date for ds in due.values() for d in ds})
    periods = [and_(Delivery.kind.in_([k.value for k in due if k != Kind.cadence]),
                    Delivery.period_key.in_([day.isoformat() for day in dates]))]
    if due.get(Kind.cadence):
        periods += [and_(Delivery.kind == Kind.cadence.value, Delivery.period_key.like(f"{week}:%"))
                    for week in sorted({week_key(day) for day in dates})]
    rows = session.execute(
        select(Delivery.kind, Delivery.person_id, Delivery.period_key)
        .where(or_(*periods),
               or_(Delivery.status == "sent", and_(Delivery.status == "failed", Delivery.attempts >= MAX_ATTEMPTS)))
    ).all()
    return {(r.kind, r.person_id, r.period_key) for r in rows}


def _period(kind: Kind, d: _Due) -> tuple[str, int, str]:
    """The Delivery key of a once-a-local-day kind."""
    return kind.value, d.recipient.person_id, d.recipient.local_date.isoformat()


# ---- follow-ups ------------------------------------------------------------------------------

def _follow_ups(session: Session, due: list[_Due], done: set) -> list[DueReminder]:
    due = [d for d in due if _period(Kind.followups, d) not in done]
    if not due:
        return []
    rows = _follow_up_rows(session, [d.recipient.person_id for d in due],
                           latest=max(d.recipient.local_date for d in due))
    by_owner = defaultdict(list)
    for row in rows:
        by_owner[row.owner_id].append(row)
    reminders = []
    for d in due:
        r = d.recipient
        mine = [row for row in by_owner[r.person_id] if row.due_on <= r.local_date and row.created_at <= d.since]
        if mine:
            reminders.append(DueReminder(kind=Kind.followups, recipient=r, period_key=r.local_date.isoformat(),
                                         follow_ups=_follow_up_reminder(mine, owner_name=r.name, today=r.local_date)))
    return reminders


def _follow_up_rows(session: Session, owner_ids: list[int], *, latest: date) -> list:
    return session.execute(
        select(FollowUp.id, FollowUp.owner_id, FollowUp.account_id, Account.name.label("account_name"),
               FollowUp.title, FollowUp.due_on, FollowUp.status, FollowUp.version, FollowUp.created_at)
        .join(Account, Account.id == FollowUp.account_id)
        .where(FollowUp.owner_id.in_(owner_ids), FollowUp.status == FollowUpStatus.open, FollowUp.due_on <= latest)
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()


def _follow_up_reminder(rows: list, *, owner_name: str, today: date) -> FollowUpReminder:
    rows = [row for row in rows if row.due_on <= today]
    items = [FollowUpView(id=row.id, account_id=row.account_id, account_name=row.account_name, title=row.title,
                          due_on=row.due_on, status=row.status, owner_name=owner_name, version=row.version)
             for row in rows[:FOLLOW_UP_ROWS]]
    return FollowUpReminder(today=today, items=items, total=len(rows),
                            overdue=sum(1 for row in rows if row.due_on < today))


# ---- cadence ---------------------------------------------------------------------------------

def _is_key():
    return or_(Account.tier_override == Tier.key,
               and_(Account.tier_override.is_(None), Account.computed_tier == Tier.key))


def _cadence(session: Session, due: list[_Due], done: set, *, policy: Policy) -> list[DueReminder]:
    recipients = {d.recipient.person_id: d.recipient for d in due}
    rows = session.execute(
        select(Account.id, Account.name, Account.owner_id, func.max(Interaction.occurred_at).label("last_touch"))
        .outerjoin(Interaction, Interaction.account_id == Account.id)
        .where(Account.owner_id.in_(list(recipients)), _is_key(), Account.status != AccountStatus.churned)
        .group_by(Account.id, Account.name, Account.owner_id)
        .order_by(Account.name, Account.id)
    ).all()
    cadence = policy.cadence.days_for(Tier.key)
    reminders = []
    for row in rows:
        r = recipients[row.owner_id]
        period_key = f"{week_key(r.local_date)}:{row.id}"
        if (Kind.cadence.value, r.person_id, period_key) in done:
            continue
        last = as_date(row.last_touch) if row.last_touch else None
        days = (r.local_date - last).days if last else None
        if days is None or days > cadence:
            reminders.append(DueReminder(kind=Kind.cadence, recipient=r, period_key=period_key, cadence=CadenceNudge(
                account_id=row.id, account_name=row.name, tier=Tier.key, cadence_days=cadence,
                days_since_touch=days, last_touch=last)))
    return reminders


# ---- care touches ----------------------------------------------------------------------------

def _care(session: Session, due: list[_Due], done: set) -> list[DueReminder]:
    due = [d for d in due if _period(Kind.care, d) not in done]
    if not due:
        return []
    recipients = {d.recipient.person_id: d.recipient for d in due}
    dates = {r.local_date for r in recipients.values()}
    window = {day + timedelta(days=n) for day in dates for n in range(CARE_DAYS + 1)}
    month_days = {(d.month, d.day) for d in window} | ({(2, 29)} if any(d.month == 2 and d.day == 28 for d in window)
                                                        else set())
    live = and_(Account.owner_id.in_(list(recipients)), Account.status != AccountStatus.churned)
    birthdays = session.execute(
        select(Contact.id, Contact.name, Contact.title, Contact.birthday, Account.id.label("account_id"),
               Account.name.label("account_name"), Account.owner_id)
        .join(Account, Account.id == Contact.account_id)
        .where(live, Contact.birthday.is_not(None),
               or_(*[and_(extract("month", Contact.birthday) == m, extract("day", Contact.birthday) == d)
                     for m, d in sorted(month_days)]))
    ).all()
    renewals = session.execute(
        select(Account.id, Account.name, Account.owner_id, Account.renewal_date)
        .where(live, Account.renewal_date.between(min(window), max(window)))
    ).all()
    candidates: dict[int, list[CareItem]] = defaultdict(list)
    for row in birthdays:
        r = recipients[row.owner_id]
        on = _next_birthday(row.birthday, r.local_date)
        candidates[r.person_id].append(CareItem(
            key=f"birthday:{row.id}:{on.isoformat()}", kind="birthday", on=on, days_until=(on - r.local_date).days,
            account_id=row.account_id, account_name=row.account_name, contact_name=row.name,
            contact_title=row.title))
    for row in renewals:
        r = recipients[row.owner_id]
        candidates[r.person_id].append(CareItem(
            key=f"renewal:{row.id}:{row.renewal_date.isoformat()}", kind="renewal", on=row.renewal_date,
            days_until=(row.renewal_date - r.local_date).days, account_id=row.id, account_name=row.name))
    announced = _announced(session, {pid: [i.key for i in items] for pid, items in candidates.items()})
    reminders = []
    for d in due:
        r = d.recipient
        items = sorted((i for i in candidates[r.person_id]
                        if 0 <= i.days_until <= CARE_DAYS and (r.person_id, i.key) not in announced),
                       key=lambda i: (i.on, i.kind, i.account_name, i.key))
        if items:
            reminders.append(DueReminder(kind=Kind.care, recipient=r, period_key=r.local_date.isoformat(),
                                         care=CareReminder(today=r.local_date, items=items[:CARE_ROWS],
                                                           total=len(items))))
    return reminders


def _next_birthday(birthday: date, today: date) -> date:
    def in_year(year: int) -> date:
        try:
            return birthday.replace(year=year)
        except ValueError:  # 29 February outside a leap year: celebrate on the 28th
            return date(year, 2, 28)

    this_year = in_year(today.year)
    return this_year if this_year >= today else in_year(today.year + 1)


def _announced(session: Session, keys_by_person: dict[int, list[str]]) -> set[tuple[int, str]]:
    keys = {k for ks in keys_by_person.values() for k in ks}
    if not keys:
        return set()
    rows = session.execute(
        select(Delivery.person_id, Delivery.period_key)
        .where(Delivery.kind == CARE_ITEM, Delivery.status == "sent", Delivery.person_id.in_(list(keys_by_person)),
               Delivery.period_key.in_(sorted(keys)))
    ).all()
    return {(r.person_id, r.period_key) for r in rows}


# ---- plan actions ----------------------------------------------------------------------------

def _plan_actions(session: Session, due: list[_Due], done: set) -> list[DueReminder]:
    due = [d for d in due if _period(Kind.actions, d) not in done]
    if not due:
        return []
    rows = _plan_action_rows(session, [d.recipient.person_id for d in due],
                             latest=max(d.recipient.local_date for d in due))
    if not rows:
        return []
    # The latest audited change of each since the earliest DM became due (audit_log.at is indexed).
    touched = dict(session.execute(
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(AuditEntry.at >= min(d.since for d in due), AuditEntry.entity == "plan_action",
               AuditEntry.entity_id.in_(sorted({row.id for row in rows})))
        .group_by(AuditEntry.entity_id)
    ).all())
    by_owner = defaultdict(list)
    for row in rows:
        by_owner[row.owner_id].append(row)
    reminders = []
    for d in due:
        r = d.recipient
        mine = [row for row in by_owner[r.person_id] if row.due_date <= r.local_date
                and (row.id not in touched or _utc(touched[row.id]) <= d.since)]
        if mine:
            reminders.append(DueReminder(kind=Kind.actions, recipient=r, period_key=r.local_date.isoformat(),
                                         actions=_action_reminder(mine, today=r.local_date)))
    return reminders


def _utc(moment) -> datetime:
    """An aggregate's datetime: SQLite hands back text without the column's type."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _plan_action_rows(session: Session, owner_ids: list[int], *, latest: date) -> list:
    return session.execute(
        select(PlanAction.id, PlanAction.version, PlanAction.description, PlanAction.due_date, PlanAction.status,
               PlanAction.owner_id, Account.id.label("account_id"), Account.name.label("account_name"))
        .join(AccountPlan, AccountPlan.id == PlanAction.plan_id).join(Account, Account.id == AccountPlan.account_id)
        .where(PlanAction.owner_id.in_(owner_ids), PlanAction.status.in_(list(PENDING)),
               PlanAction.due_date <= latest)
        .order_by(PlanAction.due_date, PlanAction.id)
    ).all()


def _action_reminder(rows: list, *, today: date) -> ActionReminder:
    rows = [row for row in rows if row.due_date <= today]
    items = [PlanActionItem(id=row.id, version=row.version, description=row.description, due_date=row.due_date,
                            status=row.status, account_id=row.account_id, account_name=row.account_name)
             for row in rows[:ACTION_ROWS]]
    return ActionReminder(today=today, items=items, total=len(rows),
                          overdue=sum(1 for row in rows if row.due_date < today))
