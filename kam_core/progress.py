"""Progress of long work (imports, the demo, exports), told to whoever is watching.

The domain only says what it is doing: `track(rows, "opportunities")` around a loop, or
`advance("accounts", 500, total=100_000)` after a batch. Nothing is shown unless a caller
installs a reporter with `reporting(...)` (the CLI does: a progress bar on a terminal, plain
lines otherwise), so services and tests run as before."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    def advance(self, label: str, steps: int, total: int | None) -> None:
        """`steps` more of `label` done (of `total`, when known)."""


class _Silent:
    def advance(self, label: str, steps: int, total: int | None) -> None:
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
    reporter = _reporter.get()
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == BATCH:
            reporter.advance(label, pending, total)
            pending = 0
    if pending or total == 0:
        reporter.advance(label, pending, total)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)
