"""`kam remind send|status` (safe from cron every hour) and `kam scheduler` (the long-running loop)."""

import signal
import threading
from datetime import UTC, datetime, timedelta

import typer

from bot.cli.common import DatabaseOption, runtime, stop_if_paused
from kam_core.clock import utcnow
from kam_core.errors import KamError
from templates import error_message, piece

app = typer.Typer(no_args_is_help=True, help="Rep reminders: morning follow-ups, cadence nudges, care touches.")
T = "cli/remind.txt.j2"


@app.command()
def send(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what is due now; send nothing, record nothing."),
    kind: list[str] = typer.Option(None, "--kind", help="Only this kind: followups, cadence, care or actions (repeatable)."),
    now: str | None = typer.Option(None, "--now", help="Pretend it is this UTC time (ISO), e.g. with --dry-run."),
    refresh_timezones: bool = typer.Option(False, "--refresh-timezones",
                                           help="First take everyone's timezone from Slack (users.info)."),
    database: str | None = DatabaseOption,
) -> None:
    """Send the reminders due now. Each goes once, so running this every hour is safe."""
    from bot.app import web_client
    from bot.scheduler import refresh_all_timezones, send_reminders, worker_id
    from kam_core.reminders.preferences import kind_named
    from kam_core.reminders.schemas import KINDS

    try:
        kinds = tuple(kind_named(k) for k in kind) if kind else KINDS
    except KamError as error:
        typer.echo(error_message(error), err=True)
        raise typer.Exit(2) from None
    at = _parse_now(now)
    rt = runtime(database)
    if rt.settings.slack_bot_token is None and not dry_run:
        typer.echo(piece(T, "no_token"), err=True)
        raise typer.Exit(1)
    client = None if dry_run else web_client(rt.settings)
    stop_if_paused(rt, client)
    if refresh_timezones and client is not None:
        refresh_all_timezones(rt, client)
    report = send_reminders(rt, client, now=at, worker=worker_id(), dry_run=dry_run, kinds=kinds)
    typer.echo(piece(T, "send_report", report=report, kinds=kinds, dry_run=dry_run, now=at))
    if report.count("failed"):
        raise typer.Exit(1)


@app.command()
def status(days: int = typer.Option(7, "--days", min=1, help="Look back this many days."),
           database: str | None = DatabaseOption) -> None:
    """What was sent, is pending and failed, per kind."""
    from kam_core.db import transaction
    from kam_core.reminders.delivery import delivery_status

    with transaction(runtime(database).sessions) as session:
        report = delivery_status(session, since=(utcnow() - timedelta(days=days)).date())
    typer.echo(piece(T, "status", report=report))


def scheduler(interval: float = typer.Option(60, "--interval", min=1, help="Seconds between ticks."),
              once: bool = typer.Option(False, "--once", help="Run one tick and exit."),
              database: str | None = DatabaseOption) -> None:
    """Send digests and reminders at each person's local time, until stopped. Several copies may run:
    the database makes sure each message goes once."""
    from bot.app import web_client
    from bot.observability.logging import configure_logging
    from bot.observability.metrics import start_metrics_server
    from bot.scheduler import Scheduler

    configure_logging()
    start_metrics_server()  # /metrics on KAM_METRICS_PORT, when set (docs/setup.md)
    rt = runtime(database)
    if rt.settings.slack_bot_token is None:
        typer.echo(piece(T, "no_token"), err=True)
        raise typer.Exit(1)
    loop = Scheduler(rt, web_client(rt.settings))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    typer.echo(piece(T, "scheduler_start", worker=loop.worker, interval=interval), err=True)
    ticks = loop.run(interval=interval, stop=stop, once=once)
    rt.engine.dispose()
    typer.echo(piece(T, "scheduler_stopped", ticks=ticks), err=True)


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        typer.echo(piece(T, "bad_now", value=value), err=True)
        raise typer.Exit(2) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
