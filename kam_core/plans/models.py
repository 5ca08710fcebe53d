from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kam_core.accounts.models import Account
from kam_core.base import Base, Timestamped
from kam_core.enums import ActionStatus, Lever
from kam_core.people.models import Person


class AccountPlan(Timestamped, Base):
    __tablename__ = "account_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    focus: Mapped[str | None] = mapped_column(Text)
    value_proposition: Mapped[str | None] = mapped_column(Text)
    customer_trends: Mapped[str | None] = mapped_column(Text)
    customer_priorities: Mapped[str | None] = mapped_column(Text)
    # The seed's value-proposition chain: trends → our impact on them → the proposition.
    our_impact: Mapped[str | None] = mapped_column(Text)
    # Who in the account team does what for this customer (KAM_DOMAIN.md §5, account-team involvement).
    team_roles: Mapped[str | None] = mapped_column(Text)
    # Why an account that is not a key account has a plan at all (the seed: plan only the few key ones).
    reason: Mapped[str | None] = mapped_column(Text)
    executive_sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The latest review's moment, kept with each review recorded (plan health reads it).
    last_reviewed_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship()
    executive_sponsor: Mapped[Person | None] = relationship()
    objectives: Mapped[list["PlanObjective"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanObjective.id"
    )
    actions: Mapped[list["PlanAction"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanAction.due_date"
    )
    reviews: Mapped[list["PlanReview"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanReview.reviewed_on.desc()"
    )


class PlanObjective(Base):
    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plans.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    lever: Mapped[Lever | None]
    unit: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    actual: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))

    plan: Mapped[AccountPlan] = relationship(back_populates="objectives")


class PlanAction(Base):
    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plans.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    due_date: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(default=ActionStatus.open)
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[AccountPlan] = relationship(back_populates="actions")
    owner: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PlanReview(Base):
    """A plan review (KAM_DOMAIN.md §5: senior management reviews each plan; the customer scores us)."""

    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plans.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    notes: Mapped[str] = mapped_column(Text)
    # The customer's own view of us, when it was heard.
    customer_view: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    plan: Mapped[AccountPlan] = relationship(back_populates="reviews")
    reviewer: Mapped[Person | None] = relationship()
