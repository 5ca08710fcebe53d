"""What every step of the demo generator shares: the seeded random source, the
time anchor, the writer, and the people and catalogue made so far."""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kam_core.demo.writer import BulkWriter
from kam_core.policy import Policy

# Work-day slots (08:00-18:55 UTC, every 5 minutes) so timestamps look like office hours.
SLOTS = [timedelta(hours=8, minutes=5 * i) for i in range(132)]
HISTORY_DAYS = 800


@dataclass(frozen=True)
class StageInfo:
    id: int
    position: int
    default_probability: int


@dataclass
class Staff:
    id: int
    name: str
    email: str
    manager_id: int | None
    # Region group of their team: 0 Greater China, 1 Europe, 2 North America, 3 Asia Pacific; -1 none.
    group: int
    team: str | None = None


@dataclass
class Context:
    rng: random.Random
    today: date
    writer: BulkWriter
    policy: Policy
    # Midnight UTC of each day back from today: day_start[3] is three days ago.
    day_start: list[datetime] = field(init=False)
    anchor: datetime = field(init=False)
    admin: Staff | None = None
    zh_manager: Staff | None = None  # the Chinese-speaking demo manager and rep
    zh_rep: Staff | None = None
    managers: list[Staff] = field(default_factory=list)
    reps: list[Staff] = field(default_factory=list)
    reps_by_manager: dict[int, list[Staff]] = field(default_factory=dict)
    reps_by_group: dict[int, list[Staff]] = field(default_factory=dict)
    staff_by_id: dict[int, Staff] = field(default_factory=dict)
    products: list[tuple[int, str, int]] = field(default_factory=list)  # (id, name, list price)
    open_stages: list[StageInfo] = field(default_factory=list)
    won_stage: StageInfo | None = None
    lost_stage: StageInfo | None = None
    highlights: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.anchor = datetime.combine(self.today, time(0), tzinfo=UTC)
        self.day_start = [self.anchor - timedelta(days=d) for d in range(HISTORY_DAYS)]

    def at(self, days_ago: int) -> datetime:
        """A working-hours moment `days_ago` days before today (at least one day back)."""
        return self.day_start[days_ago] + SLOTS[int(self.rng.random() * len(SLOTS))]

    def on(self, day: date) -> datetime:
        return datetime.combine(day, time(15), tzinfo=UTC)
