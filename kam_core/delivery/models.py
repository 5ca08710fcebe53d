from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kam_core.base import Base


class Delivery(Base):
    """One message owed to one person for one period, e.g. ("digest", manager, "2026-W48").

    The unique key makes delivery idempotent across runs and across processes:
    whoever claims the row sends; a sent row is never sent again.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("kind", "person_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(String(64))
    # pending -> sending -> sent, or failed (retried on the next run).
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class NotificationPreference(Base):
    """A person's choice for one kind of message: on or off, and when."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(default=True)
    # ISO weekday 1-7 (Monday = 1) and local hour 0-23; None = the kind's default.
    weekday: Mapped[int | None]
    hour: Mapped[int | None]
