"""Claiming and recording deliveries. Every step commits on its own, so a crash
leaves rows that the next run (in any process) picks up again.

Claim rule: a row is free when it is pending or failed, or when it has been
"sending" for longer than CLAIM_TIMEOUT (its process died). The claim is one
conditional UPDATE, so two processes can never both win it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kam_core.clock import utcnow
from kam_core.delivery.models import Delivery, NotificationPreference

CLAIM_TIMEOUT = timedelta(minutes=10)


def ensure(factory: sessionmaker[Session], *, kind: str, person_id: int, period_key: str) -> int:
    """The delivery row's id, created when missing (safe under concurrency)."""
    try:
        with factory() as session, session.begin():
            found = _find(session, kind, person_id, period_key)
            if found:
                return found
            row = Delivery(kind=kind, person_id=person_id, period_key=period_key, created_at=utcnow())
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:  # another process created it a moment ago
        with factory() as session:
            return _find(session, kind, person_id, period_key)


def claim(factory: sessionmaker[Session], delivery_id: int, *, worker: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    with factory() as session, session.begin():
        claimed = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, or_(
                Delivery.status.in_(("pending", "failed")),
                and_(Delivery.status == "sending", Delivery.claimed_at < now - CLAIM_TIMEOUT),
            ))
            .values(status="sending", claimed_at=now, claimed_by=worker, attempts=Delivery.attempts + 1)
        )
        return claimed.rowcount == 1


def mark_sent(factory: sessionmaker[Session], delivery_id: int, *, channel: str | None, ts: str | None) -> None:
    with factory() as session, session.begin():
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            status="sent", sent_at=utcnow(), channel=channel, ts=ts, last_error=None))


def mark_failed(factory: sessionmaker[Session], delivery_id: int, *, error: str) -> None:
    with factory() as session, session.begin():
        session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            status="failed", last_error=error[:2000]))


def deliver_once(factory: sessionmaker[Session], *, kind: str, person_id: int, period_key: str, worker: str,
                 send: Callable[[], tuple[str | None, str | None]]) -> str:
    """Send at most once for (kind, person, period): "sent", "skipped" (already
    sent or being sent elsewhere) or "failed". `send` returns (channel, ts) and
    raises on failure; the error is recorded and the next run retries."""
    delivery_id = ensure(factory, kind=kind, person_id=person_id, period_key=period_key)
    if not claim(factory, delivery_id, worker=worker):
        return "skipped"
    try:
        channel, ts = send()
    except BaseException as error:  # noqa: BLE001 - recorded, retried on the next run
        # An interrupt (Ctrl-C, SystemExit) releases the claim too, so the next run
        # resends at once instead of waiting CLAIM_TIMEOUT; it still propagates.
        mark_failed(factory, delivery_id, error=f"{type(error).__name__}: {error}")
        if not isinstance(error, Exception):
            raise
        return "failed"
    mark_sent(factory, delivery_id, channel=channel, ts=ts)
    return "sent"


def preference(session: Session, *, person_id: int, kind: str) -> NotificationPreference | None:
    return session.scalar(select(NotificationPreference).where(
        NotificationPreference.person_id == person_id, NotificationPreference.kind == kind))


def set_preference(session: Session, *, person_id: int, kind: str, enabled: bool | None = None,
                   weekday: int | None = None, hour: int | None = None) -> NotificationPreference:
    pref = preference(session, person_id=person_id, kind=kind)
    if pref is None:
        pref = NotificationPreference(person_id=person_id, kind=kind, enabled=True)
        session.add(pref)
    if enabled is not None:
        pref.enabled = enabled
    if weekday is not None:
        pref.weekday = weekday
    if hour is not None:
        pref.hour = hour
    session.flush()
    return pref


def _find(session: Session, kind: str, person_id: int, period_key: str) -> int | None:
    return session.scalar(select(Delivery.id).where(
        Delivery.kind == kind, Delivery.person_id == person_id, Delivery.period_key == period_key))
