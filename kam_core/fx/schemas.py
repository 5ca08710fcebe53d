from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel


class RateView(BaseModel):
    currency: str
    quote: str  # the reporting currency the rate is in
    rate: Decimal
    valid_from: date
    set_by: str
    set_at: datetime
    # The rate that applies today for its currency (the latest from today or before).
    current: bool = False


class RateChange(BaseModel):
    """What `kam fx set` (or one row of `kam fx import`) did: added, changed (from `old_rate`) or unchanged."""

    outcome: str
    rate: RateView
    old_rate: Decimal | None = None


class UnratedCurrency(BaseModel):
    """A currency amounts are kept in that has no rate into the reporting currency: sums leave them out."""

    currency: str
    open_deals: int
    value_rows: int


class RatesListing(BaseModel):
    reporting: str
    rates: list[RateView]  # by currency, then newest first
    unrated: list[UnratedCurrency]
    # Rates kept in another reporting currency (set before KAM_REPORTING_CURRENCY changed): unused.
    other_quotes: dict[str, int] = {}


class RatesImport(BaseModel):
    file: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    # Rows for the reporting currency itself at rate 1: it needs none, so they are left out.
    reporting_rows: int = 0
    dry_run: bool = False
