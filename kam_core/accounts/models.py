from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kam_core.base import Base, Timestamped
from kam_core.enums import AccountStatus, AliasSource, BuyingRole, SizeSegment, TeamRole, Tier, TierSource
from kam_core.people.models import Person


class Account(Timestamped, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    size_segment: Mapped[SizeSegment | None]
    status: Mapped[AccountStatus] = mapped_column(default=AccountStatus.existing)
    region: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    employees: Mapped[int | None]
    renewal_date: Mapped[date | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # Effective tier = tier_override or computed_tier; both kept so a recompute
    # never silently undoes a manager's decision.
    computed_tier: Mapped[Tier] = mapped_column(default=Tier.general)
    tier_override: Mapped[Tier | None]
    tier_override_reason: Mapped[str | None] = mapped_column(String(500))
    tier_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    tier_override_at: Mapped[datetime | None]
    # The value pyramid as of the last recompute (kam_core.tiers.service), kept
    # on the row so a card can explain the tier without ranking every account.
    value_total: Mapped[Decimal | None]
    value_period: Mapped[str | None] = mapped_column(String(16))
    value_rank: Mapped[int | None] = mapped_column(index=True)
    value_share: Mapped[float | None]
    value_share_before: Mapped[float | None]
    tiers_computed_at: Mapped[datetime | None]

    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    parent: Mapped["Account | None"] = relationship(remote_side=[id])
    aliases: Mapped[list["AccountAlias"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="AccountAlias.alias"
    )

    @property
    def tier(self) -> Tier:
        return tier_of(self)


class AccountAlias(Base):
    __tablename__ = "account_aliases"
    __table_args__ = (UniqueConstraint("account_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    # A learned alias (kam_core/accounts/aliases.py) says who taught it, when, and what they had typed.
    source: Mapped[AliasSource] = mapped_column(default=AliasSource.imported, server_default=AliasSource.imported)
    learned_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    learned_at: Mapped[datetime | None]
    query: Mapped[str | None] = mapped_column(String(200))

    account: Mapped[Account] = relationship(back_populates="aliases")
    learned_by: Mapped[Person | None] = relationship()


class AccountTeamMember(Base):
    __tablename__ = "account_team_members"
    __table_args__ = (UniqueConstraint("account_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[TeamRole]

    person: Mapped[Person] = relationship(lazy="joined")


class AccountValue(Base):
    """Value figures of one account over one period (a year "2026" or a quarter "2026-Q4")."""

    __tablename__ = "account_values"
    __table_args__ = (UniqueConstraint("account_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    # None when unknown; total value then counts revenue as the contribution.
    profit_contribution: Mapped[Decimal | None]
    cost_to_serve: Mapped[Decimal] = mapped_column(default=Decimal(0))
    learning_score: Mapped[int] = mapped_column(default=0)
    capability_score: Mapped[int] = mapped_column(default=0)
    referral_score: Mapped[int] = mapped_column(default=0)

    account: Mapped[Account] = relationship()


class TierChange(Base):
    """Every change of an account's effective tier, with the figures behind it."""

    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    old_tier: Mapped[Tier | None]
    new_tier: Mapped[Tier]
    source: Mapped[TierSource]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    figures: Mapped[dict | None]
    changed_at: Mapped[datetime] = mapped_column(index=True)

    author: Mapped[Person | None] = relationship()


class Contact(Timestamped, Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    buying_role: Mapped[BuyingRole | None]
    # 1 (cold) to 5 (trusted).
    relationship_strength: Mapped[int | None]
    last_contacted_at: Mapped[datetime | None]
    birthday: Mapped[date | None]

    account: Mapped[Account] = relationship()


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    series: Mapped[str | None] = mapped_column(String(100))
    list_price: Mapped[Decimal | None]


class AccountProduct(Base):
    """A product an account buys; the catalogue minus these is cross-sell whitespace."""

    __tablename__ = "account_products"
    __table_args__ = (UniqueConstraint("account_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    since: Mapped[date | None]


Index("ix_accounts_owner_tier", Account.owner_id, Account.computed_tier)


def tier_of(row) -> Tier:
    """The tier an account has: an override wins over the computed one. `row`: an Account or a plain row
    with both columns (the views that read accounts as Core rows)."""
    return Tier(row.tier_override or row.computed_tier)
