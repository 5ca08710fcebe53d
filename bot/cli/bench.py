"""`kam bench`: measurements of the bot's hot paths, printed as JSON."""

import json
from pathlib import Path

import typer

from bot.cli.common import DatabaseOption
from kam_core.accounts.resolver import benchmark
from kam_core.accounts.resolver.decide import Thresholds
from kam_core.accounts.resolver.evaluation import BadEvaluationFile, read_cases

app = typer.Typer(no_args_is_help=True, help="Measure the bot: account name resolution.")


@app.command()
def resolve(
    queries: Path = typer.Option(..., "--queries", help="CSV with columns query,expected (expected empty = no match)."),
    database: str | None = DatabaseOption,
    accounts_file: Path | None = typer.Option(
        None, "--accounts-file",
        help="Without --database: accounts to load into a temporary SQLite database (CSV name,aliases); "
             "default: resolution_accounts.csv beside the queries file."),
    size: int = typer.Option(100_000, "--size", min=0,
                             help="Without --database: pad the temporary database with generated companies "
                                  "to this many accounts."),
    match: float | None = typer.Option(None, "--match", help="Override the confident-match score."),
    gap: float | None = typer.Option(None, "--gap", help="Override the lead a confident match needs."),
    candidate: float | None = typer.Option(None, "--candidate", help="Override the lowest candidate score."),
    details: bool = typer.Option(False, "--details", help="Add figures per kind of query and the misses."),
) -> None:
    """Top-1 accuracy, top-5 recall, false confident matches, ambiguity and latency of name resolution."""
    overrides = {k: v for k, v in {"match": match, "gap": gap, "candidate": candidate}.items() if v is not None}
    try:
        cases = read_cases(queries)
        report = benchmark.run(cases, database_url=database, size=size, details=details,
                               accounts_file=accounts_file or queries.with_name("resolution_accounts.csv"),
                               thresholds=Thresholds(**overrides))
    except BadEvaluationFile as error:
        typer.echo(f"kam bench resolve: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
