"""`kam export DIR`: all data as CSV/JSON files plus a manifest, for leaving or for a backup."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from templates import piece


def export(directory: Path = typer.Argument(..., help="A new or empty folder to write the files to."),
           database: str | None = DatabaseOption) -> None:
    """Write every table (CSV, or JSON for tables holding JSON) and manifest.json to DIRECTORY.
    `kam import export DIRECTORY` reads it back into an empty database."""
    from kam_core.export import export_all

    rt = runtime(database)
    with unit_of_work(rt) as session:
        manifest = export_all(session, directory=directory, actor=Actor.system("export"))
    typer.echo(piece("cli/export.txt.j2", "exported", manifest=manifest, directory=str(directory)))
