"""Sending weekly digests by DM, once per (manager, ISO week), via kam_core.delivery.

kam_core knows no Slack: the caller passes a Messenger (bot/dm.py is the Slack one)
and a render function (DigestData -> message), and gets SendResults back.

A run, safe from cron every hour and from several processes at once:
1. every active manager (or the one asked for) with their schedule; opted-out
   managers and managers without a Slack user are reported and left alone;
2. the week to send: the one asked for, else the one due now in the manager's
   timezone (kam_core.digests.schedule). Before sending, the timezone is refreshed
   from the messenger (Slack's users.info `tz`; skipped for a digest already sent);
3. the digests are built per week in one builder call (a fixed number of statements);
4. each goes through deliver_once: a sent row is never sent again, a row being
   sent by another process is skipped, a failure is recorded and retried by the
   next run. Rate limits are the messenger's business (bot/dm.py waits out a 429);
   if one persists the digest fails and the next run retries.
A digest of a past week that failed and was never retried before the next week
became due is not sent any more: it would be stale.
"""

import os
import socket
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.delivery.models import Delivery
from kam_core.delivery.service import deliver_once
from kam_core.digests.builder import build_digests
from kam_core.digests.schedule import KIND, Schedule, due_week, schedules
from kam_core.digests.schemas import DigestData
from kam_core.digests.week import bounds, parse_week, previous_week
from kam_core.enums import Role
from kam_core.errors import NotFound
from kam_core.people.models import Person
from kam_core.policy import Policy
from kam_core.timezones import zone

Render = Callable[[DigestData], dict]  # DigestData -> the message (text, blocks)


class Messenger(Protocol):
    def timezone_of(self, user_id: str) -> str | None:
        """The user's IANA timezone as the chat platform knows it; None when unknown."""

    def post(self, user_id: str, message: dict) -> tuple[str | None, str | None]:
        """Send `message` to the user privately; (channel, ts). Raises when it was not sent."""


class SendResult(BaseModel):
    manager_email: str
    manager_name: str
    week: str | None = None
    # sent, already_sent, in_progress (another process has it), failed, not_due, opted_out,
    # no_slack_user, would_send (dry run)
    outcome: str
    error: str | None = None
    blocks: int | None = None


class StatusRow(BaseModel):
    manager_email: str
    manager_name: str
    week: str
    enabled: bool
    status: str  # sent, pending, sending, failed, not_sent
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str | None = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def managers(session: Session, email: str | None) -> list[Person]:
    query = select(Person).where(Person.role == Role.manager, Person.active).order_by(Person.name, Person.id)
    if email:
        query = query.where(Person.email == email.strip().lower())
    found = session.scalars(query).all()
    if email and not found:
        raise NotFound(what="manager", name=email)
    return list(found)


def send_digests(sessions: sessionmaker[Session], messenger: Messenger | None, *, policy: Policy, render: Render,
                 default_timezone: str = "UTC", now: datetime | None = None, week: str | None = None,
                 manager_email: str | None = None, dry_run: bool = False,
                 worker: str | None = None) -> list[SendResult]:
    now, worker = now or utcnow(), worker or worker_name()
    week = parse_week(week) if week else None
    results: list[SendResult] = []
    targets: dict[str, list[Person]] = defaultdict(list)
    with sessions() as session, session.begin():
        people = managers(session, manager_email)
        plans = schedules(session, people, default_timezone=default_timezone)
        sent = _sent_weeks(session, [p.id for p in people])
        for person in people:
            outcome, wanted = _decide(messenger, person, plans[person.id], sent.get(person.id, set()), week=week,
                                      now=now, dry_run=dry_run, default_timezone=default_timezone)
            if outcome == "send":
                targets[wanted].append(person)
            else:
                results.append(_result(person, outcome, wanted))
    for target_week, people in targets.items():
        with sessions() as session:
            digests = build_digests(session, actor=Actor.system("digest"), policy=policy, week=target_week,
                                    manager_ids=[p.id for p in people], default_timezone=default_timezone,
                                    now=now)
        for digest in digests:
            results.append(_deliver(sessions, messenger, digest, render(digest), worker=worker, dry_run=dry_run))
    return sorted(results, key=lambda r: (r.manager_name, r.manager_email))


def _decide(messenger: Messenger | None, person: Person, plan: Schedule, sent: set[str], *, week: str | None,
            now: datetime, dry_run: bool, default_timezone: str) -> tuple[str, str | None]:
    """(outcome, week): "send" when the week's digest should go out now, else why not."""
    wanted = week or due_week(now, plan)
    if not plan.enabled:
        return "opted_out", wanted
    if not person.slack_user_id:
        return "no_slack_user", wanted
    if wanted is not None and wanted in sent:
        return "already_sent", wanted
    if not dry_run and messenger is not None and _refresh_timezone(messenger, person):
        plan = plan.model_copy(update={"timezone": zone(person.timezone, default_timezone).key})
        wanted = week or due_week(now, plan)
    if wanted is None:
        return "not_due", None
    if bounds(wanted, zone(plan.timezone, default_timezone))[1] > now:
        # A week still under way would go out "so far" and count as sent: the real one never would.
        return "week_not_over", wanted
    return ("already_sent" if wanted in sent else "send"), wanted


def _refresh_timezone(messenger: Messenger, person: Person) -> bool:
    """Take the user's timezone from the chat platform; True when it changed."""
    tz = messenger.timezone_of(person.slack_user_id)
    if not tz or tz == person.timezone:
        return False
    person.timezone = tz
    return True


def _sent_weeks(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    rows = session.execute(select(Delivery.person_id, Delivery.period_key).where(
        Delivery.kind == KIND, Delivery.status == "sent", Delivery.person_id.in_(person_ids)))
    found: dict[int, set[str]] = defaultdict(set)
    for person_id, period in rows:
        found[person_id].add(period)
    return found


def _result(person: Person, outcome: str, week: str | None, **extra) -> SendResult:
    return SendResult(manager_email=person.email, manager_name=person.name, week=week, outcome=outcome, **extra)


def _deliver(sessions: sessionmaker[Session], messenger: Messenger | None, digest: DigestData, message: dict, *,
             worker: str, dry_run: bool) -> SendResult:
    base = {"manager_email": digest.manager_email, "manager_name": digest.manager_name, "week": digest.week,
            "blocks": len(message.get("blocks") or [])}
    if dry_run or messenger is None:
        return SendResult(**base, outcome="would_send")
    problem: list[str] = []

    def send() -> tuple[str | None, str | None]:
        try:
            return messenger.post(digest.slack_user_id, message)
        except Exception as error:
            problem.append(f"{type(error).__name__}: {error}")
            raise

    outcome = deliver_once(sessions, kind=KIND, person_id=digest.manager_id, period_key=digest.week, worker=worker,
                           send=send)
    return SendResult(**base, outcome={"skipped": "in_progress"}.get(outcome, outcome),
                      error=problem[0] if problem else None)


def digest_status(sessions: sessionmaker[Session], *, week: str | None = None, default_timezone: str = "UTC",
                  now: datetime | None = None) -> list[StatusRow]:
    """Per manager: the digest of the week asked for (default: the week just ended where they are)."""
    now = now or utcnow()
    week = parse_week(week) if week else None
    with sessions() as session:
        people = managers(session, None)
        plans = schedules(session, people, default_timezone=default_timezone)
        rows = {(d.person_id, d.period_key): d for d in session.scalars(select(Delivery).where(
            Delivery.kind == KIND, Delivery.person_id.in_([p.id for p in people])))}
    found = []
    for person in people:
        plan = plans[person.id]
        key = week or previous_week(now, zone(plan.timezone))
        row = rows.get((person.id, key))
        found.append(StatusRow(manager_email=person.email, manager_name=person.name, week=key, enabled=plan.enabled,
                               status=row.status if row else "not_sent", attempts=row.attempts if row else 0,
                               sent_at=row.sent_at if row else None, last_error=row.last_error if row else None))
    return found
