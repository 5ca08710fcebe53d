"""`kam db upgrade|current`: the schema, through alembic (imported when a command runs)."""

import typer

from bot.cli.common import DatabaseOption, runtime
from templates import piece

app = typer.Typer(no_args_is_help=True, help="Create and upgrade the database schema.")
T = "cli/words.txt.j2"


@app.command()
def upgrade(database: str | None = DatabaseOption) -> None:
    """Apply every migration (creates the database on first run)."""
    from kam_core import schema

    rt = runtime(database)
    schema.upgrade(rt.engine)
    typer.echo(piece(T, "db_upgraded", revision=schema.current_revision(rt.engine)))


@app.command()
def current(database: str | None = DatabaseOption) -> None:
    """Show the database's revision and whether it is up to date."""
    from kam_core import schema

    rt = runtime(database)
    typer.echo(piece(T, "db_current", revision=schema.current_revision(rt.engine), current=schema.is_current(rt.engine),
                     head=schema.head_revision()))
