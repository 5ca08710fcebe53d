from datetime import date, datetime

from pydantic import BaseModel, Field

from kam_core.enums import Role


class DemoSize(BaseModel):
    """How much to generate. None means "in proportion to the accounts"."""

    accounts: int = Field(200, ge=1, le=1_000_000)
    interactions: int | None = Field(None, ge=0)
    opportunities: int | None = Field(None, ge=0)
    reps: int | None = Field(None, ge=1)
    managers: int | None = Field(None, ge=1)

    def resolved(self) -> "DemoSize":
        reps = self.reps or max(2, round(self.accounts / 16))
        return DemoSize(
            accounts=self.accounts,
            interactions=self.accounts * 8 if self.interactions is None else self.interactions,
            opportunities=self.accounts * 3 if self.opportunities is None else self.opportunities,
            reps=reps,
            managers=self.managers or max(1, round(reps / 4)),
        )


class DemoUser(BaseModel):
    name: str
    email: str
    role: Role
    slack_user_id: str
    team: str | None
    language: str | None = None


class DemoReport(BaseModel):
    seed: int
    today: date
    size: DemoSize
    # Rows per table, in the order they were written.
    counts: dict[str, int]
    tiers: dict[str, int]
    users: list[DemoUser]
    # Things worth trying: what the generator planted (stale key accounts, overdue follow-ups...).
    highlights: dict[str, int]
    example_account: str | None
    example_rep_email: str
    replaced_existing: bool
    # Seconds spent inserting per table, and in total; for the benchmark.
    insert_seconds: dict[str, float]
    total_seconds: float


class Found(BaseModel):
    """What a demo would replace that it did not write: since the last demo, or everything when no demo
    made the database (kam_core.demo.guard)."""

    made_by_demo: bool
    demo_at: datetime | None = None
    seed: int | None = None
    # Table -> rows written since the demo (every row of a database the demo did not make).
    added: dict[str, int] = {}
    # Table -> rows the demo wrote that were changed since.
    changed: dict[str, int] = {}
    # Audit-log action -> entries since the demo: what people (and imports) did.
    done: dict[str, int] = {}

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.done)
