"""How many SQL statements each /kam command runs: the benchmark table's "SQL" column.

The real bot (bot.emulator.LocalBot: the same assembly as gunicorn's) serves signed requests on
loopback against the benchmark's database, and an engine event counts the statements sent while
each request is answered, on the request's own thread (work handed to handlers.background after
the answer is left out: Slack is not waiting for it). Round trips show as a number, so a change
that adds one shows in the table even when the machine is too noisy to see it in milliseconds.

Used by benchmarks/commands.py (`kam bench all`) after the gunicorn figures, on the same database.
"""

import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings


@dataclass
class Statements:
    name: str
    counts: list[int]
    errors: list[str] = field(default_factory=list)  # answers not the expected one (`count`'s check)

    @property
    def median(self) -> int:
        return round(statistics.median(self.counts)) if self.counts else 0

    @property
    def most(self) -> int:
        return max(self.counts, default=0)


class _Counter:
    """Statements per thread, for the threads being watched."""

    def __init__(self) -> None:
        self.watched: dict[int, int] = {}
        self.lock = threading.Lock()

    def seen(self, *_args) -> None:
        thread = threading.get_ident()
        with self.lock:
            if not threading.current_thread().name.startswith("kam-after-ack"):
                self.watched[thread] = self.watched.get(thread, 0) + 1

    def take(self) -> int:
        with self.lock:
            total = sum(self.watched.values())
            self.watched.clear()
        return total


def count(url: str, requests: dict[str, list[tuple[str, str]]], *, warmup: int = 5,
          check: Callable[[str, int, str], str | None] = lambda *_: None) -> list[Statements]:
    """requests: command name → (Slack user, text) pairs, each sent once, one at a time; the first `warmup`
    of each command are not counted (the first request of a process builds its name index), so give
    `warmup` more than the counts wanted, all different (a /kam log pair writes its note: a pair sent
    twice would log the same note twice). check(name, HTTP status, body) says what is wrong with an
    answer, or None; what it says is kept in the figure's errors, and that request is not counted (an
    error's statements are not the command's)."""
    counter = _Counter()
    out = []
    with LocalBot(Settings(KAM_DATABASE_URL=url)) as local:
        engine = local.runtime.engine
        event.listen(engine, "before_cursor_execute", counter.seen)
        try:
            for name, pairs in requests.items():
                if len(pairs) <= warmup:
                    raise ValueError(f"{name}: {len(pairs)} requests, none after the {warmup} not counted")
                figure = Statements(name, [])
                for number, (user, typed) in enumerate(pairs):
                    counter.take()
                    answer = local.driver.slash_command(user, typed)
                    seen = counter.take()
                    wrong = check(name, answer.status, answer.body)
                    if wrong:
                        figure.errors.append(wrong)
                    elif number >= warmup:
                        figure.counts.append(seen)
                out.append(figure)
        finally:
            event.remove(engine, "before_cursor_execute", counter.seen)
    return out
