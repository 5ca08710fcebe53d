"""`kam demo`: a deterministic demo dataset (the generator and alembic are imported when it runs)."""

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from templates import render


def demo(
    accounts: int = typer.Option(200, "--accounts", help="Accounts to generate."),
    interactions: int | None = typer.Option(None, "--interactions",
                                            help="Calls, meetings, notes... (default 8 per account)."),
    opportunities: int | None = typer.Option(None, "--opportunities", help="Opportunities (default 3 per account)."),
    reps: int | None = typer.Option(None, "--reps", help="Sales reps (default one per 16 accounts)."),
    managers: int | None = typer.Option(None, "--managers", help="Managers (default one per 4 reps)."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same data."),
    force: bool = typer.Option(False, "--force", help="Replace a database that holds data not made by `kam demo`."),
    database: str | None = DatabaseOption,
) -> None:
    """Create or refresh a deterministic demo dataset. It REPLACES the database's contents (all but the
    pipeline stages); a database holding data that `kam demo` did not make is refused unless --force."""
    from pydantic import ValidationError

    from kam_core import schema
    from kam_core.demo import DemoSize, generate_demo

    try:
        size = DemoSize(accounts=accounts, interactions=interactions, opportunities=opportunities, reps=reps,
                        managers=managers)
    except ValidationError as error:
        problem = error.errors()[0]
        typer.echo(render("demo_report.j2", invalid=f"--{problem['loc'][0]}: {problem['msg'].lower()}"), err=True)
        raise typer.Exit(1) from None
    rt = runtime(database)
    schema.upgrade(rt.engine)
    with unit_of_work(rt) as session:
        report = generate_demo(session, actor=Actor.system("demo"), policy=rt.policy, size=size, seed=seed,
                               force=force)
    typer.echo(render("demo_report.j2", report=report, database=rt.engine.url.render_as_string(hide_password=True)))
