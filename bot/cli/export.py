"""`kam export DIR`: all data as CSV/JSON files plus a manifest, for leaving or for a backup.
`kam export plans FILE.csv`: the account plans, in the spreadsheet format `kam import plans` reads."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from bot.cli.progress import shown_progress
from kam_core.actors import Actor
from templates import piece


def export(directory: Path = typer.Argument(..., help="A new or empty folder to write the files to, or `plans`."),
           file: Path | None = typer.Argument(None, help="After `plans`: the CSV file to write."),
           database: str | None = DatabaseOption) -> None:
    """Write every table (CSV, or JSON for tables holding JSON) and manifest.json to DIRECTORY.
    `kam import export DIRECTORY` reads it back into an empty database.
    `kam export plans FILE.csv` writes the account plans only, for a spreadsheet (`kam import plans` reads it)."""
    if file is not None:
        if str(directory) != "plans":
            runtime(database)  # the language to say it in
            raise typer.BadParameter(piece("cli/words.txt.j2", "export_usage"))
        return _export_plans(file, database)
    from kam_core.export import export_all

    rt = runtime(database)
    with shown_progress(), unit_of_work(rt) as session:
        manifest = export_all(session, directory=directory, actor=Actor.system("export"))
    typer.echo(piece("cli/export.txt.j2", "exported", manifest=manifest, directory=str(directory)))


def _export_plans(file: Path, database: str | None) -> None:
    from kam_core.importers.plans_export import export_plans_csv

    rt = runtime(database)
    with unit_of_work(rt) as session:
        written = export_plans_csv(session, file=file, actor=Actor.system("export:plans"))
    typer.echo(piece("cli/export.txt.j2", "plans_exported", written=written))
