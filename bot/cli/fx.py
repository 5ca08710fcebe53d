"""`kam fx set|list|import`: the exchange rates into the reporting currency (KAM_REPORTING_CURRENCY) that
sums of money use (kam_core.fx). The CLI's operator acts as an admin, as in `kam lost-reasons`."""

from pathlib import Path

import typer

from bot.cli.common import DatabaseOption, in_transaction, runtime, unit_of_work
from kam_core.actors import Actor
from templates import piece, render

app = typer.Typer(no_args_is_help=True, help="Exchange rates into the reporting currency (KAM_REPORTING_CURRENCY).")
ADMIN = Actor.system("cli")
T = "cli/fx.txt.j2"


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
        tiers = _recompute(session, rt) if change.outcome != "unchanged" else None
    typer.echo(render(T, part="set", change=change))
    _say_tiers(tiers)


def _recompute(session, rt):
    """Values in other currencies rank at the new rate at once: a rate is as much a change of value as an import."""
    from kam_core.tiers.service import recompute_tiers

    return recompute_tiers(session, policy=rt.policy, actor=ADMIN)


def _say_tiers(tiers) -> None:
    """Only when the new rate moved an account: a rate for a currency nobody uses says nothing of tiers."""
    if tiers is not None and (tiers.moved or tiers.kept):
        typer.echo(piece("tier_moves.j2", "moves", t=tiers).strip())


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

    def work(session):
        report = import_rates_csv(session, file=file, actor=ADMIN, reporting=rt.policy.reporting_currency,
                                  today=today())
        return report, (_recompute(session, rt) if report.added or report.changed else None)

    report, tiers = in_transaction(rt, work, dry_run=dry_run)
    if dry_run:
        report, tiers = report.model_copy(update={"dry_run": True}), None
    typer.echo(render(T, part="import", report=report, reporting=rt.policy.reporting_currency))
    _say_tiers(tiers)
