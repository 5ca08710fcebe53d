"""Every setting comes from the environment (or a .env file); see the README table."""

from decimal import Decimal
from functools import cached_property

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_core.policy import (
    CadencePolicy,
    PlanHealthPolicy,
    Policy,
    PriorityPolicy,
    TierPolicy,
    ValuePolicy,
    reporting_currency_code,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field("sqlite:///kam.db", alias="KAM_DATABASE_URL")
    slack_bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="KAM_SLACK_API_URL")
    default_timezone: str = Field("UTC", alias="KAM_DEFAULT_TIMEZONE")
    # The language of people who have none of their own yet (templates/i18n.LANGUAGES: en, zh).
    default_language: str = Field("en", alias="KAM_DEFAULT_LANGUAGE")
    # Slack wants an answer within 3 s and a quick log answers in it: a SQLite write lock held
    # longer than this (a big import) gets the rep a "try again" with their note, not a timeout.
    sqlite_busy_timeout_ms: int = Field(2500, alias="KAM_SQLITE_BUSY_TIMEOUT_MS")

    tier_key_share: float = Field(0.5, alias="KAM_TIER_KEY_SHARE")
    tier_important_share: float = Field(0.3, alias="KAM_TIER_IMPORTANT_SHARE")
    intangible_point_value: Decimal = Field(Decimal("5000"), alias="KAM_INTANGIBLE_POINT_VALUE")
    cadence_key_days: int = Field(14, alias="KAM_CADENCE_KEY_DAYS")
    cadence_important_days: int = Field(30, alias="KAM_CADENCE_IMPORTANT_DAYS")
    cadence_general_days: int = Field(90, alias="KAM_CADENCE_GENERAL_DAYS")
    priority_high_likelihood: int = Field(50, alias="KAM_PRIORITY_HIGH_LIKELIHOOD")
    priority_high_value: Decimal | None = Field(None, alias="KAM_PRIORITY_HIGH_VALUE")
    visibility: str = Field("all", alias="KAM_VISIBILITY")
    reporting_currency: str = Field("USD", alias="KAM_REPORTING_CURRENCY")

    @field_validator("default_language", mode="before")
    @classmethod
    def _known_language(cls, value: str) -> str:
        """en or zh, also as a locale or a name ("zh-CN", "中文"); anything else stops the start."""
        from templates.i18n import LANGUAGES, language_of

        language = language_of(str(value))
        if language not in LANGUAGES:
            raise ValueError(f"KAM_DEFAULT_LANGUAGE is {value!r}: it must be one of {', '.join(LANGUAGES)}")
        return language

    @field_validator("reporting_currency", mode="before")
    @classmethod
    def _currency_code(cls, value: object) -> str:
        return reporting_currency_code(value)

    @cached_property
    def policy(self) -> Policy:
        return Policy(
            tiers=TierPolicy(key_share=self.tier_key_share, important_share=self.tier_important_share),
            value=ValuePolicy(intangible_point_value=self.intangible_point_value),
            cadence=CadencePolicy(
                key_days=self.cadence_key_days,
                important_days=self.cadence_important_days,
                general_days=self.cadence_general_days,
            ),
            priority=PriorityPolicy(
                high_likelihood_percent=self.priority_high_likelihood, high_value_amount=self.priority_high_value
            ),
            plan_health=PlanHealthPolicy(),
            visibility=self.visibility,
            reporting_currency=self.reporting_currency,
        )
