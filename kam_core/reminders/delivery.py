"""Sending what is due now, each DM at most once (kam_core.delivery.service.deliver_once).

Nothing here knows Slack: the caller passes `post(reminder) -> (channel, ts)`, which
renders and sends the DM and raises when Slack refuses (recorded; retried next run).
"""

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kam_core.clock import utcnow
from kam_core.delivery.models import Delivery
from kam_core.delivery.service import deliver_once
from kam_core.people.models import Person
from kam_core.policy import Policy
from kam_core.reminders.builder import due_reminders
from kam_core.reminders.schemas import (CARE_ITEM, KINDS, DueReminder, Kind, OpenDelivery, Outcome, SendReport,
                                        StatusReport, StatusRow)

log = logging.getLogger("kam.reminders")
Post = Callable[[DueReminder], tuple[str | None, str | None]]
OPEN_ROWS = 20


def send_due_reminders(factory: sessionmaker[Session], *, policy: Policy, now: datetime, default_timezone: str,
                       worker: str, post: Post, dry_run: bool = False,
                       kinds: tuple[Kind, ...] = KINDS) -> SendReport:
    with factory() as session:
        due = due_reminders(session, policy=policy, now=now, default_timezone=default_timezone, kinds=kinds)
    report = SendReport()
    for reminder in due:
        if dry_run:
            status = "would_send"
        else:
            status = deliver_once(factory, kind=reminder.kind.value, person_id=reminder.recipient.person_id,
                                  period_key=reminder.period_key, worker=worker, send=lambda r=reminder: post(r))
            if status == "sent" and reminder.care:
                _remember_care_items(factory, reminder)
        report.outcomes.append(Outcome(kind=reminder.kind, email=reminder.recipient.email,
                                       period_key=reminder.period_key, status=status))
    return report


def _remember_care_items(factory: sessionmaker[Session], reminder: DueReminder) -> None:
    """Only the process that sent the care DM gets here. Should this fail, the items
    come again in tomorrow's care DM: told twice rather than never."""
    person_id = reminder.recipient.person_id
    keys = [item.key for item in reminder.care.items]
    try:
        with factory() as session, session.begin():
            known = set(session.scalars(select(Delivery.period_key).where(
                Delivery.kind == CARE_ITEM, Delivery.person_id == person_id, Delivery.period_key.in_(keys))))
            now = utcnow()
            session.add_all(Delivery(kind=CARE_ITEM, person_id=person_id, period_key=key, status="sent",
                                     attempts=1, sent_at=now, created_at=now) for key in keys if key not in known)
    except IntegrityError:
        log.warning("care items of person %s were being remembered by another process", person_id)


def delivery_status(session: Session, *, since: date, kinds: tuple[str, ...] = tuple(KINDS)) -> StatusReport:
    """What was sent, is pending and failed since a date, per kind (CARE_ITEM rows are bookkeeping)."""
    after = datetime.combine(since, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    kinds = tuple(str(k) for k in kinds)
    in_range = (Delivery.kind.in_(kinds), Delivery.created_at >= after)
    counts = [StatusRow(kind=r.kind, status=r.status, count=r.n) for r in session.execute(
        select(Delivery.kind, Delivery.status, func.count().label("n")).where(*in_range)
        .group_by(Delivery.kind, Delivery.status).order_by(Delivery.kind, Delivery.status))]
    unsent = (*in_range, Delivery.status != "sent")
    open_rows = session.execute(
        select(Delivery.kind, Person.email, Delivery.period_key, Delivery.status, Delivery.attempts,
               Delivery.last_error)
        .join(Person, Person.id == Delivery.person_id).where(*unsent)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(OPEN_ROWS)
    ).all()
    return StatusReport(
        since=since, counts=counts, open_total=sum(c.count for c in counts if c.status != "sent"),
        open=[OpenDelivery(kind=r.kind, email=r.email, period_key=r.period_key, status=r.status,
                           attempts=r.attempts, last_error=_first_line(r.last_error)) for r in open_rows])


def _first_line(text: str | None) -> str | None:
    return text.splitlines()[0][:200] if text else None
