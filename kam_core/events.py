"""Deliveries already handled, shared by every server process through the database.

Slack redelivers an event it thinks was lost (X-Slack-Retry-Num), possibly to another
process than the one that got the first copy; a key claimed here is answered once.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kam_core.base import Base
from kam_core.clock import utcnow

# Slack retries within minutes; a day of keys is plenty and keeps the table small.
KEEP_FOR = timedelta(days=1)


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    event_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


def first_time(session: Session, *, key: str, now: datetime | None = None) -> bool:
    """Claim `key`: True for the first caller, False for every later one (also when two
    processes race: the database's primary key decides). Old keys are forgotten here."""
    now = now or utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claimed = session.scalar(
        dialect.insert(ProcessedEvent).values(event_key=key, seen_at=now).on_conflict_do_nothing()
        .returning(ProcessedEvent.event_key)
    ) is not None
    if claimed:
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.seen_at < now - KEEP_FOR))
    return claimed
