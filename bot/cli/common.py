"""What the CLI commands share: settings, sessions, friendly errors.

Every command module is imported to build `kam` (its help, its options), whichever command runs:
so at the top they import only typer, the templates and kam_core's plain vocabulary (enums, actors,
errors, clock), and each command imports what it needs (settings, SQLAlchemy, the domain services,
Slack) when it runs. `kam --help` then starts in a fraction of the time (docs/benchmarks.md,
"CLI start-up")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy.orm import Session

    from bot.runtime import Runtime
    from kam_core.people.models import Person

DatabaseOption = typer.Option(None, "--database", help="Database URL (default: KAM_DATABASE_URL).")


def stop_if_paused(rt: Runtime, client: WebClient | None) -> None:
    """Sending commands send nothing while the app is uninstalled from the workspace (exit 0: from
    cron, that is no failure); a dry run still shows what is due."""
    from bot.installation import InstallationWatch
    from templates import render

    reason = InstallationWatch(rt, client).paused_reason() if client is not None else None
    if reason:
        typer.echo(render("cli/paused.txt.j2", reason=reason), err=True)
        raise typer.Exit(0)


def runtime(database: str | None = None) -> Runtime:
    from pydantic import ValidationError

    from bot.runtime import Runtime
    from bot.settings import Settings
    from templates import i18n, render

    try:
        settings = Settings()
    except ValidationError as error:  # a setting that cannot be used: one line each, not a traceback
        problems = [str(e["msg"]).removeprefix("Value error, ") if e["type"] == "value_error"
                    else f"{e['loc'][0]}: {e['msg']}" for e in error.errors()]
        typer.echo(render("cli/bad_settings.txt.j2", problems=problems), err=True)
        raise typer.Exit(2) from None
    if database:
        settings = settings.model_copy(update={"database_url": database})
    # What the command prints is in the default language; a message for one person (a digest, a
    # reminder) is written in theirs where it is rendered.
    i18n.set_language(settings.default_language)
    return Runtime(settings)


def speak_as(person: Person | None) -> None:
    """A command that acts as someone (`--as EMAIL`, `kam chat --user`) prints in their language from here
    on; without one, or when they have none of their own, it keeps the default runtime() set."""
    from templates import i18n

    if person is not None and person.language:
        i18n.set_language(person.language)


@contextmanager
def unit_of_work(rt: Runtime) -> Iterator[Session]:
    """A committed transaction; a domain error becomes one clear line and exit 1."""
    from sqlalchemy.exc import DBAPIError

    from kam_core.db import transaction
    from kam_core.errors import KamError
    from templates import error_message

    try:
        with transaction(rt.sessions) as session:
            yield session
    except KamError as error:
        typer.echo(error_message(error), err=True)
        raise typer.Exit(1) from None
    except DBAPIError:
        _stop_if_schema_behind(rt)
        raise


def _stop_if_schema_behind(rt: Runtime) -> None:
    """A database without the bot's tables (or with older ones) fails deep in a query: say what to run instead."""
    from sqlalchemy.exc import DBAPIError

    from kam_core import schema
    from templates import piece

    try:
        revision, current = schema.current_revision(rt.engine), schema.is_current(rt.engine)
    except DBAPIError:
        return
    if not current:
        typer.echo(piece("cli/words.txt.j2", "db_behind", revision=revision, head=schema.head_revision(),
                         database=rt.engine.url.render_as_string(hide_password=True)), err=True)
        raise typer.Exit(1) from None


class _RolledBack(Exception):
    """Leaves a dry run's transaction by an exception, so that it rolls back, carrying the result out."""

    def __init__(self, result) -> None:
        super().__init__("dry run")
        self.result = result


def in_transaction(rt: Runtime, work, *, dry_run: bool):
    """`work(session)`'s result, committed; with `dry_run`, the whole work runs and is then rolled back."""
    try:
        with unit_of_work(rt) as session:
            result = work(session)
            if dry_run:
                raise _RolledBack(result)
    except _RolledBack as rolled_back:
        return rolled_back.result
    return result
