"""`kam import ...`: load CRM data. Each run is one transaction: all or nothing."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from templates import piece, render

app = typer.Typer(no_args_is_help=True, help="Import accounts, people and deals. Safe to run again.")


def _run(importer, kind: str, database: str | None, **kwargs) -> None:
    rt = runtime(database)
    with unit_of_work(rt) as session:
        report = importer(session, actor=Actor.system(f"import:{kind}"), policy=rt.policy, **kwargs)
    typer.echo(render("import_report.j2", report=report))


@app.command("maven")
def maven(directory: Path = typer.Argument(..., help="Folder with accounts.csv, products.csv, "
                                           "sales_pipeline.csv and sales_teams.csv."),
          database: str | None = DatabaseOption) -> None:
    """Maven Analytics "CRM Sales Opportunities" (its known flaws are fixed and reported)."""
    from kam_core.importers.maven import import_maven

    _run(import_maven, "maven", database, directory=directory)


@app.command("salesforce")
def salesforce(directory: Path = typer.Argument(..., help="Folder with Accounts.json, Contacts.json "
                                                "and Opportunities.json (Salesforce DX data)."),
               database: str | None = DatabaseOption) -> None:
    """Salesforce DX sample data: accounts, contacts, opportunities."""
    from kam_core.importers.salesforce import import_salesforce

    _run(import_salesforce, "salesforce", database, directory=directory)


@app.command("accounts")
def accounts(file: Path = typer.Argument(..., help="CSV with the header name,aliases,industry,region,"
                                         "owner_email,revenue,profit,cost_to_serve (only name required)."),
             database: str | None = DatabaseOption) -> None:
    """Accounts from a CSV file; figures go to the current calendar year."""
    from kam_core.importers.accounts_csv import import_accounts_csv

    _run(import_accounts_csv, "accounts", database, file=file)


@app.command("plans")
def plans(file: Path = typer.Argument(..., help="CSV with one row per plan part: record (plan, objective, action "
                                      "or review), account, period_start, ... (docs/imports.md; `kam export "
                                      "plans FILE.csv` writes one)."),
          database: str | None = DatabaseOption) -> None:
    """Account plans, their objectives, actions and reviews from a CSV file (all rows checked first)."""
    from kam_core.importers.plans_csv import import_plans_csv

    _run(import_plans_csv, "plans", database, file=file)


@app.command("export")
def export_folder(directory: Path = typer.Argument(..., help="A folder written by `kam export`."),
                  database: str | None = DatabaseOption) -> None:
    """Restore a `kam export` folder into an empty database at the same schema revision (all or nothing)."""
    from kam_core.importers.export_import import import_export

    rt = runtime(database)
    with unit_of_work(rt) as session:
        report = import_export(session, directory=directory, actor=Actor.system("import:export"))
    typer.echo(piece("cli/export.txt.j2", "restored", report=report))
