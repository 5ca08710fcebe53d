"""What the CLI commands share: settings, sessions, friendly errors."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.settings import Settings
from kam_core.db import transaction
from kam_core.errors import KamError
from templates import error_message

DatabaseOption = typer.Option(None, "--database", help="Database URL (default: KAM_DATABASE_URL).")


def runtime(database: str | None = None) -> Runtime:
    settings = Settings()
    if database:
        settings = settings.model_copy(update={"database_url": database})
    return Runtime(settings)


@contextmanager
def unit_of_work(rt: Runtime) -> Iterator[Session]:
    """A committed transaction; a domain error becomes one clear line and exit 1."""
    try:
        with transaction(rt.sessions) as session:
            yield session
    except KamError as error:
        typer.echo(error_message(error), err=True)
        raise typer.Exit(1) from None
