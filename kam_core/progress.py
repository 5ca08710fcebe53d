"""Progress of long work (imports, the demo, exports), told to whoever is watching.

The domain only says what it is doing: `track(rows, "opportunities")` around a loop,
`advance("accounts", 500, total=100_000)` after a batch, `tally("interactions", total=...)` for a
loop whose items each hold several, `with step("tiers"):` around work with nothing to count.
Nothing is shown unless a caller installs a reporter with `reporting(...)` (the CLI does: a
progress bar on a terminal, plain lines otherwise), so services and tests run as before.

A label is one line of progress. `track` announces each loop with 0 steps (so a reporter knows
when it began and its total before the first batch); a label that has reached its total and is
advanced again begins a new pass (two loops over different rows under one label)."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    def advance(self, label: str, steps: int, total: int | None) -> None:
        """`steps` more of `label` done (of `total`, when known); 0 steps: it begins."""

    def begin(self, label: str) -> None:
        """A step (work with nothing to count) begins."""

    def end(self, label: str) -> None:
        """The step ends."""


class _Silent:
    def advance(self, label: str, steps: int, total: int | None) -> None:
        pass

    def begin(self, label: str) -> None:
        pass

    def end(self, label: str) -> None:
        pass


_reporter: ContextVar[Reporter] = ContextVar("progress_reporter", default=_Silent())

# Reporting each item of a million-row loop would cost more than the work; a batch is told at once.
BATCH = 500


def advance(label: str, steps: int = 1, *, total: int | None = None) -> None:
    _reporter.get().advance(label, steps, total)


def track(items: Iterable[T], label: str, *, total: int | None = None) -> Iterator[T]:
    """The items, unchanged, telling the reporter every BATCH of them (and the rest at the end)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    counter = Tally(label, total)
    for item in items:
        yield item
        counter.add(1)
    counter.close()


class Tally:
    """Counts of `label` added a few at a time (each account's interactions), told every BATCH."""

    def __init__(self, label: str, total: int | None) -> None:
        self.label, self.total, self.pending = label, total, 0
        self._reporter = _reporter.get()
        self._reporter.advance(label, 0, total)

    def add(self, count: int) -> None:
        self.pending += count
        if self.pending >= BATCH:
            self._reporter.advance(self.label, self.pending, self.total)
            self.pending = 0

    def close(self) -> None:
        if self.pending:
            self._reporter.advance(self.label, self.pending, self.total)
            self.pending = 0


@contextmanager
def tally(label: str, *, total: int | None = None) -> Iterator[Tally]:
    counter = Tally(label, total)
    try:
        yield counter
    finally:
        counter.close()


@contextmanager
def step(label: str) -> Iterator[None]:
    """Work with nothing to count (recomputing tiers): the reporter hears when it begins and ends."""
    reporter = _reporter.get()
    reporter.begin(label)
    try:
        yield
    finally:
        reporter.end(label)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)
