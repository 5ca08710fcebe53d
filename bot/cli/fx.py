"""`kam fx set|list|import`: the exchange rates into the reporting currency (KAM_REPORTING_CURRENCY) that
sums of money use (kam_core.fx). The CLI's operator acts as an admin, as in `kam lost-reasons`."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from templates import render

app = typer.Typer(no_args_is_help=True, help="Exchange rates into the reporting currency (KAM_REPORTING_CURRENCY).")
ADMIN = Actor.system("cli")
T = "cli/fx.txt.j2"


class _RolledBack(Exception):
    def __init__(self, result) -> None:
        super().__init__("dry run")
        self.result = result


@app.command("set")
def set_rate(currency: str = typer.Argument(..., help="The currency's ISO 4217 code, e.g. EUR."),
             rate: str = typer.Argument(..., help="What 1 unit of it is worth in the reporting currency, e.g. 1.08."),
             valid_from: str | None = typer.Option(None, "--from", help="The first day it applies, YYYY-MM-DD "
                                                   "(default: today); until the currency's next rate."),
             database: str | None = DatabaseOption) -> None:
    """Keep a rate: `kam fx set EUR 1.08 --from 2026-01-01` (1 EUR = 1.08 in the reporting currency)."""
    from kam_core.clock import today
    from kam_core.fx.rates import set_rate as keep

    rt = runtime(database)
    with unit_of_work(rt) as session:
        change = keep(session, actor=ADMIN, reporting=rt.policy.reporting_currency, currency=currency, rate=rate,
                      valid_from=valid_from, today=today())
    typer.echo(render(T, part="set", change=change))


@app.command("list")
def list_rates(database: str | None = DatabaseOption) -> None:
    """Every rate, today's marked, and the currencies in use that have none."""
    from kam_core.clock import today
    from kam_core.fx.rates import list_rates as listing

    rt = runtime(database)
    with unit_of_work(rt) as session:
        found = listing(session, reporting=rt.policy.reporting_currency, today=today())
    typer.echo(render(T, part="list", listing=found))


@app.command("import")
def import_rates(file: Path = typer.Argument(..., help="CSV with the header currency,rate,valid_from."),
                 dry_run: bool = typer.Option(False, "--dry-run", help="Check the file and print what it would do, "
                                              "writing nothing."),
                 database: str | None = DatabaseOption) -> None:
    """Rates from a CSV file; every bad row is reported, and nothing is written while any is."""
    from kam_core.clock import today
    from kam_core.fx.rates_csv import import_rates_csv

    rt = runtime(database)
    try:
        with unit_of_work(rt) as session:
            report = import_rates_csv(session, file=file, actor=ADMIN, reporting=rt.policy.reporting_currency,
                                      today=today())
            if dry_run:
                raise _RolledBack(report)
    except _RolledBack as rolled_back:
        report = rolled_back.result.model_copy(update={"dry_run": True})
    typer.echo(render(T, part="import", report=report, reporting=rt.policy.reporting_currency))
