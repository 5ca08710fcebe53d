from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kam_core.base import Base
from kam_core.clock import utcnow


class FxRate(Base):
    """1 unit of `currency` is worth `rate` units of `quote` (the reporting currency when it was set),
    from `valid_from` until the currency's next rate."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("currency", "quote", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    # Kept so that changing KAM_REPORTING_CURRENCY never reads a USD rate as a EUR one.
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    valid_from: Mapped[date]
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
