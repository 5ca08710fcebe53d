"""`kam import ...`: load CRM data. Each run is one transaction: all or nothing."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, in_transaction, runtime
from kam_core.actors import Actor
from templates import piece, render

app = typer.Typer(no_args_is_help=True, help="Import accounts, people and deals. Safe to run again.")

DryRunOption = typer.Option(False, "--dry-run", help="Run the whole import and print its report, then roll it "
                            "back: nothing is written.")


def _run(importer, kind: str, database: str | None, *, dry_run: bool = False, **kwargs) -> None:
    """`importer(session, actor=, policy=, **kwargs)` in one transaction, then its report."""
    report = _imported(database, dry_run, lambda session, policy: importer(
        session, actor=Actor.system(f"import:{kind}"), policy=policy, **kwargs))
    typer.echo(render("import_report.j2", report=report, dry_run=dry_run))


def _imported(database: str | None, dry_run: bool, work):
    """`work(session, policy)` in one transaction, its progress shown; what it returns. `dry_run`: the
    transaction is rolled back once the import has run in full."""
    from bot.cli.progress import shown_progress

    rt = runtime(database)
    if not dry_run:  # a first import into a new database is a setup step, as `kam demo` is
        from kam_core import schema

        schema.upgrade(rt.engine)
    with shown_progress():
        return in_transaction(rt, lambda session: work(session, rt.policy), dry_run=dry_run)


def _zone(given: str | None) -> str:
    """A CRM's timezone: --timezone, else KAM_DEFAULT_TIMEZONE."""
    from bot.settings import Settings

    return given or Settings().default_timezone


@app.command("maven")
def maven(directory: Path = typer.Argument(..., help="Folder with accounts.csv, products.csv, "
                                           "sales_pipeline.csv and sales_teams.csv."),
          dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """Maven Analytics "CRM Sales Opportunities" (its known flaws are fixed and reported)."""
    from kam_core.importers.maven import import_maven

    _run(import_maven, "maven", database, dry_run=dry_run, directory=directory)


@app.command("salesforce")
def salesforce(directory: Path = typer.Argument(..., help="Folder `sf data export tree` wrote (with or without "
                                                "--plan; also the sample data's Accounts.json, Contacts.json, "
                                                "Opportunities.json)."),
               timezone: str | None = typer.Option(None, "--timezone", metavar="ZONE", help=(
                   "The org's timezone (IANA, e.g. Europe/Berlin): a date-time where a date is meant "
                   "(CloseDate \"2025-06-30T21:16:01.000+0000\") is read as its date there. Default: "
                   "KAM_DEFAULT_TIMEZONE.")),
               add_stages: bool = typer.Option(False, "--add-stages", help=(
                   "Add each stage the pipeline does not know as a new stage (won, lost or open and its "
                   "probability as the records use it) instead of mapping it to a stage by name.")),
               stage_map: Path | None = typer.Option(None, "--stage-map", metavar="FILE", help=(
                   "CSV with the header source_stage,stage: which pipeline stage each of the org's stages "
                   "goes to; wins over everything else (docs/imports.md, \"Stages\").")),
               dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """A Salesforce DX export: accounts, contacts, opportunities; the org's own stages mapped to the
    pipeline and reported."""
    from kam_core.importers.salesforce import import_salesforce

    _run(import_salesforce, "salesforce", database, dry_run=dry_run, directory=directory, timezone=_zone(timezone),
         add_stages=add_stages, stage_map=stage_map)


@app.command("hubspot")
def hubspot(directory: Path = typer.Argument(..., help="Folder with HubSpot's CSV exports of companies, contacts "
                                             "and deals, under any names (each is found by its columns)."),
            timezone: str | None = typer.Option(None, "--timezone", metavar="ZONE", help=(
                "The HubSpot account's timezone (IANA, e.g. Europe/Berlin), in which its date-times "
                "(\"2026-03-14 09:30\") are read as dates. Default: KAM_DEFAULT_TIMEZONE.")),
            add_stages: bool = typer.Option(False, "--add-stages", help=(
                "Add each deal stage the pipeline does not know as a new stage (HubSpot's default stages with "
                "their documented probabilities) instead of mapping it to a stage by name.")),
            stage_map: Path | None = typer.Option(None, "--stage-map", metavar="FILE", help=(
                "CSV with the header source_stage,stage: which pipeline stage each HubSpot deal stage goes to; "
                "wins over everything else (docs/imports.md, \"Stages\").")),
            dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """HubSpot's CSV exports: companies, contacts and deals, linked by their record ids; deal stages mapped
    to the pipeline and reported."""
    from kam_core.importers.hubspot import import_hubspot

    _run(import_hubspot, "hubspot", database, dry_run=dry_run, directory=directory, timezone=_zone(timezone),
         add_stages=add_stages, stage_map=stage_map)


@app.command("accounts")
def accounts(file: Path = typer.Argument(..., help="CSV with the header name,aliases,industry,region,owner_email,"
                                         "revenue,profit,cost_to_serve,currency (only name required), or any "
                                         "CRM's export read through --map."),
             column_map: list[str] = typer.Option([], "--map", metavar='FIELD="COLUMN"', help=(
                 'Which column of the file feeds a field, e.g. --map name="Company Name" --map '
                 'revenue="Annual Revenue" (once per field; the columns not mapped are then ignored). Fields: '
                 "name, aliases, industry, region, owner_email, revenue, profit, cost_to_serve, currency.")),
             dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """Accounts from a CSV file; figures go to the current calendar year, in the row's currency (else the
    reporting currency). Every bad row is reported, and nothing is written while any is."""
    from kam_core.importers.accounts_csv import import_accounts_csv
    from kam_core.importers.source import parse_column_map

    def import_mapped(session, **kwargs):  # the map read in the transaction, so its errors read as any import's
        return import_accounts_csv(session, columns=parse_column_map(column_map), **kwargs)

    _run(import_mapped, "accounts", database, dry_run=dry_run, file=file)


@app.command("plans")
def plans(file: Path = typer.Argument(..., help="CSV with one row per plan part: record (plan, objective, action "
                                      "or review), account, period_start, ... (docs/imports.md; `kam export "
                                      "plans FILE.csv` writes one)."),
          dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """Account plans, their objectives, actions and reviews from a CSV file (all rows checked first)."""
    from kam_core.importers.plans_csv import import_plans_csv

    _run(import_plans_csv, "plans", database, dry_run=dry_run, file=file)


@app.command("export")
def export_folder(directory: Path = typer.Argument(..., help="A folder written by `kam export`."),
                  dry_run: bool = DryRunOption, database: str | None = DatabaseOption) -> None:
    """Restore a `kam export` folder into an empty database at the same schema revision (all or nothing)."""
    from kam_core.importers.export_import import import_export

    report = _imported(database, dry_run, lambda session, _policy: import_export(
        session, directory=directory, actor=Actor.system("import:export")))
    if dry_run:
        typer.echo(piece("import_report.j2", "dry_run_header"))
    typer.echo(piece("cli/export.txt.j2", "restored", report=report))
