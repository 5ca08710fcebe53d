"""Business rules a team may tune: tier shares, contact cadence, plan health.

The defaults follow the source's Pareto rule of thumb (KAM_DOMAIN.md §1) and are
explained in the README's configuration table.
"""

from decimal import Decimal

from pydantic import BaseModel, Field, field_validator, model_validator


class TierPolicy(BaseModel):
    # Accounts are ranked by total value; those that together make up the first
    # `key_share` of all value are key, the next `important_share` important.
    key_share: float = Field(0.5, gt=0, lt=1)
    important_share: float = Field(0.3, ge=0, lt=1)

    @model_validator(mode="after")
    def _shares_fit(self) -> "TierPolicy":
        if self.key_share + self.important_share > 1:
            raise ValueError("key_share + important_share must not exceed 1")
        return self


class ValuePolicy(BaseModel):
    # Each intangible point (learning, capability, referral; 0-5 each) is worth
    # this much in the account's currency when total value is computed.
    intangible_point_value: Decimal = Decimal("5000")


class CadencePolicy(BaseModel):
    """Days between touches that each tier expects."""

    key_days: int = 14
    important_days: int = 30
    general_days: int = 90

    def days_for(self, tier: str) -> int:
        return {"key": self.key_days, "important": self.important_days}.get(tier, self.general_days)


class PriorityPolicy(BaseModel):
    # Likelihood is "high" at or above this win probability (percent).
    high_likelihood_percent: int = 50
    # Value is "high" at or above this amount; None means the median amount of
    # the open pipeline, so the rule fits any currency and deal size.
    high_value_amount: Decimal | None = None


class PlanHealthPolicy(BaseModel):
    at_risk_overdue_actions: int = 1
    off_track_overdue_actions: int = 3
    at_risk_review_days: int = 90
    off_track_review_days: int = 180
    # A plan never reviewed gets this many days from its start before that
    # counts against it (see kam_core.plans.health).
    first_review_grace_days: int = 30
    # An objective is behind when its progress trails the elapsed share of the
    # plan period by more than these margins.
    at_risk_progress_gap: float = 0.25
    off_track_progress_gap: float = 0.5


class Policy(BaseModel):
    tiers: TierPolicy = TierPolicy()
    value: ValuePolicy = ValuePolicy()
    cadence: CadencePolicy = CadencePolicy()
    priority: PriorityPolicy = PriorityPolicy()
    plan_health: PlanHealthPolicy = PlanHealthPolicy()
    # "all": every rep sees every account; "team": only accounts owned within
    # their own team (their manager's reports).
    visibility: str = Field("all", pattern="^(all|team)$")
    # Sums of money (pipeline, digest, value) are in this ISO 4217 currency; other currencies are
    # converted with the rates an admin keeps (`kam fx`, kam_core.fx).
    reporting_currency: str = "USD"

    @field_validator("reporting_currency", mode="before")
    @classmethod
    def _currency_code(cls, value: object) -> str:
        return reporting_currency_code(value)


def reporting_currency_code(value: object) -> str:
    """A 3-letter currency code, upper-cased ("eur" -> "EUR"); anything else is a ValueError."""
    code = str(value).strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"KAM_REPORTING_CURRENCY is {value!r}: it must be a 3-letter currency code such as USD")
    return code
