"""`kam digest`: preview a manager's weekly digest, send the digests that are due by DM, see what was sent."""

import typer

from bot.cli.common import DatabaseOption, runtime, stop_if_paused, unit_of_work
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.errors import KamError
from templates import error_message, i18n, render

app = typer.Typer(no_args_is_help=True, help="Weekly manager digests: preview, send by DM, delivery status.")
WeekOption = typer.Option(None, "--week", help="ISO week, e.g. 2026-W48 (default: the week just ended).")
T = "cli/digest.txt.j2"


@app.command()
def preview(manager: str = typer.Option(..., "--manager", help="The manager's email."), week: str | None = WeekOption,
            database: str | None = DatabaseOption) -> None:
    """Print a manager's digest as Slack would show it (buttons numbered)."""
    from bot.chat.text import screen_of
    from bot.emulator import Reply
    from handlers.render.digest import digest_message
    from kam_core.digests.builder import build_digest
    from kam_core.digests.delivery import managers
    from kam_core.digests.schedule import schedules
    from kam_core.digests.week import parse_week, previous_week
    from kam_core.timezones import zone

    rt = runtime(database)
    with unit_of_work(rt) as session:
        person = managers(session, manager)[0]
        plan = schedules(session, [person], default_timezone=rt.settings.default_timezone)[person.id]
        key = parse_week(week) if week else previous_week(utcnow(), zone(plan.timezone))
        digest = build_digest(session, actor=Actor.system("cli"), policy=rt.policy, manager_id=person.id, week=key,
                              default_timezone=rt.settings.default_timezone)
    with i18n.use(digest.language or rt.settings.default_language):  # as the manager will read it
        message = digest_message(digest)
        screen = screen_of([Reply(kind="message", text=message.text, blocks=message.blocks)])
    typer.echo(render(T, part="preview", digest=digest, plan=plan, lines=screen.lines))


@app.command()
def send(week: str | None = WeekOption,
         manager: str | None = typer.Option(None, "--manager", help="Only this manager (email)."),
         dry_run: bool = typer.Option(False, "--dry-run", help="Build and list, send nothing."),
         database: str | None = DatabaseOption) -> None:
    """Send the digests that are due now (or those of --week) by DM, each at most once. Safe to run hourly."""
    from bot import digests
    from bot.app import web_client

    rt = runtime(database)
    token = rt.settings.slack_bot_token
    if not dry_run and not (token and token.get_secret_value()):
        typer.echo(render(T, part="no_token"), err=True)
        raise typer.Exit(1)
    client = None if dry_run else web_client(rt.settings)
    stop_if_paused(rt, client)
    try:
        results = digests.send(rt, client, week=week, manager_email=manager, dry_run=dry_run)
    except KamError as error:
        typer.echo(error_message(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(render(T, part="sent", results=results, dry_run=dry_run))
    if any(r.outcome == "failed" for r in results):
        raise typer.Exit(1)


@app.command()
def status(week: str | None = WeekOption, database: str | None = DatabaseOption) -> None:
    """Per manager: the digest of the week sent, pending, being sent or failed (with the error)."""
    from kam_core.digests.delivery import digest_status

    rt = runtime(database)
    try:
        rows = digest_status(rt.sessions, week=week, default_timezone=rt.settings.default_timezone)
    except KamError as error:
        typer.echo(error_message(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(render(T, part="status", rows=rows))
