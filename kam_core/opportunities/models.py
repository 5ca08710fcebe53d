from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kam_core.accounts.models import Account, Product
from kam_core.base import Base, Timestamped
from kam_core.enums import Lever
from kam_core.people.models import Person


class Stage(Base):
    """A pipeline stage. Stages are data so each team can shape its own pipeline."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int]
    default_probability: Mapped[int]
    is_open: Mapped[bool] = mapped_column(default=True)
    is_won: Mapped[bool] = mapped_column(default=False)
    is_lost: Mapped[bool] = mapped_column(default=False)


class LostReason(Base):
    """Why deals are lost: a list an admin can extend (`kam lost-reasons`); retired ones stay for old deals."""

    __tablename__ = "lost_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)


class Opportunity(Timestamped, Base):
    __tablename__ = "opportunities"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    lever: Mapped[Lever | None]
    amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    # None means the stage's default probability.
    probability: Mapped[int | None]
    expected_close_date: Mapped[date | None]
    closed_on: Mapped[date | None]
    engaged_on: Mapped[date | None]
    next_step: Mapped[str | None] = mapped_column(String(500))
    # Set when the deal is closed lost: a reason from the list, and the rep's own words.
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"))
    lost_note: Mapped[str | None] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)

    account: Mapped[Account] = relationship()
    product: Mapped[Product | None] = relationship(lazy="joined")
    stage: Mapped[Stage] = relationship(lazy="joined")
    owner: Mapped[Person | None] = relationship()
    lost_reason: Mapped[LostReason | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def effective_probability(self) -> int:
        return self.probability if self.probability is not None else self.stage.default_probability


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


Index("ix_opportunities_account_stage", Opportunity.account_id, Opportunity.stage_id)
Index("ix_opportunities_owner_stage", Opportunity.owner_id, Opportunity.stage_id)
