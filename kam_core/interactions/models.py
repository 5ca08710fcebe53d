from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kam_core.accounts.models import Account, Contact
from kam_core.base import Base, Timestamped
from kam_core.enums import FollowUpStatus, InteractionKind, Sentiment, Source
from kam_core.people.models import Person

MAX_TEXT = 3000

interaction_contacts = Table(
    "interaction_contacts",
    Base.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
)


class Interaction(Base):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[InteractionKind] = mapped_column(default=InteractionKind.note)
    occurred_at: Mapped[datetime]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    sentiment: Mapped[Sentiment | None]
    next_step: Mapped[str | None] = mapped_column(String(500))
    follow_up_on: Mapped[date | None]
    source: Mapped[Source]
    permalink: Mapped[str | None] = mapped_column(String(500))
    # A retried submission carries the same key and is stored once.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]

    account: Mapped[Account] = relationship()
    author: Mapped[Person | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contacts)


class FollowUp(Timestamped, Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date]
    status: Mapped[FollowUpStatus] = mapped_column(default=FollowUpStatus.open)
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    account: Mapped[Account] = relationship()
    owner: Mapped[Person | None] = relationship()
    interaction: Mapped[Interaction | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


# Last touch per account and a rep's open follow-ups are the hottest queries.
Index("ix_interactions_account_occurred", Interaction.account_id, Interaction.occurred_at)
Index("ix_follow_ups_owner_status_due", FollowUp.owner_id, FollowUp.status, FollowUp.due_on)
Index("ix_follow_ups_account_status_due", FollowUp.account_id, FollowUp.status, FollowUp.due_on)
