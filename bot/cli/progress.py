"""Long work shows its progress on stderr (stdout keeps the report), then how long it took.

`with shown_progress():` around a command's work installs a kam_core.progress reporter: on a terminal
a rich progress bar per label (counts, total when known, rate, elapsed); otherwise (CI, pipes, logs)
plain lines, at most one every EVERY seconds per label plus its last, so a log is not flooded. On
success it ends with "Took 1 min 12 s.". KAM_PROGRESS=off|plain|bar overrides the choice (off: only
the "Took" line). rich is imported only for the bar, so the plain path adds nothing to start-up."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import typer

from kam_core import progress
from templates import i18n, piece

if TYPE_CHECKING:
    from rich.console import Console

TEMPLATE = "cli/progress.txt.j2"
EVERY = 5.0  # seconds between two plain lines of one label
MODES = ("off", "plain", "bar")


def words(macro: str, /, **context) -> str:
    return piece(TEMPLATE, macro, **context)


def took_parts(seconds: float) -> dict:
    """1 h 2 min, 1 min 12 s, 42 s, 4.2 s: the larger the time, the coarser (and never 0.0 s)."""
    if round(seconds, 1) < 10:
        return {"hours": 0, "minutes": 0, "seconds": f"{max(round(seconds, 1), 0.1):.1f}"}
    whole = round(seconds)
    return {"hours": whole // 3600, "minutes": whole % 3600 // 60, "seconds": whole % 60}


@dataclass
class _Pass:
    """One label's progress since it began (or began again after reaching its total)."""
    started: float
    total: int | None = None
    done: int = 0
    counted_from: int = 0  # steps told with the first call: done before `started`, so not in the rate
    shown_at: float = 0.0
    shown_done: int | None = None

    def rate(self, now: float) -> float | None:
        elapsed = now - self.started
        counted = self.done - self.counted_from
        return counted / elapsed if elapsed > 0 and counted > 0 else None

    @property
    def complete(self) -> bool:
        return self.total is not None and self.done >= self.total


class PlainReporter:
    """Lines like "accounts: 40,000 of 100,000 (8,100/s)": a label's first after EVERY seconds, then at
    most one per EVERY, and its last when it reaches its total (or, without one, at the end)."""

    def __init__(self, write: Callable[[str], None], *, clock: Callable[[], float] = time.monotonic,
                 every: float = EVERY) -> None:
        self.write, self.clock, self.every = write, clock, every
        self.passes: dict[str, _Pass] = {}

    def advance(self, label: str, steps: int, total: int | None) -> None:
        now = self.clock()
        state = self.passes.get(label)
        if state is None or state.complete:
            state = self.passes[label] = _Pass(started=now, shown_at=now, counted_from=steps)
        state.done += steps
        if total is not None:
            state.total = total
        if state.complete or now - state.shown_at >= self.every:
            self._show(label, state, now)

    def begin(self, label: str) -> None:
        self.write(words("step_line", name=label))

    def end(self, label: str) -> None:
        pass

    def close(self) -> None:
        """The last line of every label not yet told as it ended."""
        now = self.clock()
        for label, state in self.passes.items():
            if state.shown_done != state.done:
                self._show(label, state, now)

    def _show(self, label: str, state: _Pass, now: float) -> None:
        self.write(words("line", name=label, done=state.done, total=state.total, per_second=state.rate(now)))
        state.shown_at, state.shown_done = now, state.done


class BarReporter:
    """A rich progress bar per label pass; steps (nothing to count) pulse until they end."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        counts, rate = _columns()
        # The command's language, kept: rich redraws from a thread of its own, which has the default one.
        self.language = language = i18n.current()
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(bar_width=30), counts(language),
                                 rate(language),
                                 TimeElapsedColumn(), console=console, transient=False,
                                 redirect_stdout=False, redirect_stderr=False, refresh_per_second=5)
        self.tasks: dict = {}  # label → its rich Task (the current pass)
        self.started = False

    def _start(self) -> None:
        # Only once there is something to show: a command that ends at once draws nothing.
        if not self.started:
            self.progress.start()
            self.started = True

    def advance(self, label: str, steps: int, total: int | None) -> None:
        self._start()
        task = self.tasks.get(label)
        if task is None or task.finished:
            task = self._add(self._words("label", name=label), total, open_ended=total is None)
            self.tasks[label] = task
        if total is not None:
            task.fields["open_ended"] = False
        self.progress.update(task.id, advance=steps, total=total)
        if task.finished and task.finished_speed is None:
            task.finished_speed = task.speed

    def begin(self, label: str) -> None:
        self._start()
        self.tasks[label] = self._add(self._words("step", name=label), None, step=True)

    def end(self, label: str) -> None:
        if (task := self.tasks.get(label)) is not None:
            self.progress.update(task.id, total=1, completed=1)

    def close(self, *, succeeded: bool = True) -> None:
        if succeeded:  # a label without a total is full once the work is done
            for task in self.progress.tasks:
                if task.total is None:
                    speed = task.speed
                    self.progress.update(task.id, total=task.completed or 1, completed=task.completed or 1)
                    task.finished_speed = speed
        if self.started:
            self.progress.stop()

    def _words(self, macro: str, **context) -> str:
        with i18n.use(self.language):
            return words(macro, **context)

    def _add(self, description: str, total: int | None, **fields):
        task_id = self.progress.add_task(description, total=total, **fields)
        return next(task for task in self.progress.tasks if task.id == task_id)


def _columns() -> tuple[type, type]:
    """The counts and rate columns, in the language of the command (rich is imported only for the bar)."""
    from rich.progress import ProgressColumn
    from rich.table import Column
    from rich.text import Text

    class Counts(ProgressColumn):
        def __init__(self, language: str) -> None:
            super().__init__(table_column=Column(no_wrap=True))
            self.language = language

        def render(self, task) -> Text:
            if task.fields.get("step"):
                return Text("")
            total = None if task.total is None or task.fields.get("open_ended") else int(task.total)
            with i18n.use(self.language):
                return Text(words("counts", done=int(task.completed), total=total), style="progress.download")

    class Rate(ProgressColumn):
        def __init__(self, language: str) -> None:
            super().__init__(table_column=Column(no_wrap=True))
            self.language = language

        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            if task.fields.get("step") or not speed:
                return Text("")
            with i18n.use(self.language):
                return Text(words("rate", per_second=speed), style="progress.data.speed")

    return Counts, Rate


def mode(environ=os.environ, stream: TextIO | None = None) -> str:
    """off, plain or bar: KAM_PROGRESS when it says one, else a bar on a terminal and plain lines elsewhere."""
    chosen = environ.get("KAM_PROGRESS", "").strip().lower()
    if chosen in MODES:
        return chosen
    if chosen:
        typer.echo(words("bad_mode", value=chosen), err=True)
    stream = stream or sys.stderr
    return "bar" if stream.isatty() and environ.get("TERM") != "dumb" else "plain"


class Shown:
    """What `shown_progress` yields: `nothing_done()` when the command found nothing to do (no "Took")."""

    def __init__(self) -> None:
        self.timed = True

    def nothing_done(self) -> None:
        self.timed = False


@contextmanager
def shown_progress(*, chosen: str | None = None, console: Console | None = None,
                   write: Callable[[str], None] | None = None,
                   clock: Callable[[], float] = time.monotonic) -> Iterator[Shown]:
    """Show kam_core's progress while the block runs; on success end with how long it took."""
    write = write or (lambda line: typer.echo(line, err=True))
    chosen = chosen or mode()
    started = clock()
    if chosen == "bar":
        if console is None:
            from rich.console import Console
            console = Console(stderr=True, force_terminal=True)
        reporter = BarReporter(console)
    elif chosen == "plain":
        reporter = PlainReporter(write, clock=clock)
    else:
        reporter = None
    shown = Shown()
    try:
        if reporter is None:
            yield shown
        else:
            with progress.reporting(reporter):
                yield shown
    except BaseException:
        if isinstance(reporter, BarReporter):
            reporter.close(succeeded=False)
        raise
    if reporter is not None:
        reporter.close()
    if shown.timed:
        write(words("took", **took_parts(clock() - started)))
