"""`kam db upgrade|current`: the schema, through alembic (imported when a command runs)."""

import typer

from bot.cli.common import DatabaseOption, runtime

app = typer.Typer(no_args_is_help=True, help="Create and upgrade the database schema.")


@app.command()
def upgrade(database: str | None = DatabaseOption) -> None:
    """Apply every migration (creates the database on first run)."""
    from kam_core import schema

    rt = runtime(database)
    schema.upgrade(rt.engine)
    typer.echo(f"Database at revision {schema.current_revision(rt.engine)}.")


@app.command()
def current(database: str | None = DatabaseOption) -> None:
    """Show the database's revision and whether it is up to date."""
    from kam_core import schema

    rt = runtime(database)
    revision = schema.current_revision(rt.engine)
    state = "up to date" if schema.is_current(rt.engine) else f"behind (latest is {schema.head_revision()})"
    typer.echo(f"Revision {revision or 'none'}: {state}.")
