"""`kam demo`: a deterministic demo dataset (the generator and alembic are imported when it runs)."""

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from bot.cli.progress import shown_progress
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
    force: bool = typer.Option(False, "--force", help="Replace the database even though it holds data `kam demo` "
                                                      "did not write (imports, notes, changes since the demo)."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Only fill an empty database; one holding anything is "
                                                            "left as it is (what `make run` does)."),
    database: str | None = DatabaseOption,
) -> None:
    """Create or refresh a deterministic demo dataset. It REPLACES the database's contents (all but the
    pipeline stages), so it refuses a database holding anything it did not write itself (data from
    elsewhere, or anything imported, logged or changed since the last demo) unless --force."""
    from pydantic import ValidationError

    from kam_core import schema
    from kam_core.demo import DemoSize, generate_demo
    from kam_core.demo.guard import DemoWouldReplace, found_since_demo, kept_tables
    from kam_core.demo.writer import holds_data

    rt = runtime(database)  # first: it sets the language the answers are written in
    try:
        size = DemoSize(accounts=accounts, interactions=interactions, opportunities=opportunities, reps=reps,
                        managers=managers)
    except ValidationError as error:
        problem = error.errors()[0]
        limits = problem.get("ctx") or {}
        invalid = {"option": problem["loc"][0], "problem": problem["type"], "message": problem["msg"].lower(),
                   "limit": limits.get("ge", limits.get("le"))}
        typer.echo(render("demo_report.j2", invalid=invalid), err=True)
        raise typer.Exit(1) from None
    schema.upgrade(rt.engine)
    url = rt.engine.url.render_as_string(hide_password=True)
    with shown_progress() as shown, unit_of_work(rt) as session:
        if if_empty and holds_data(session, kept_tables()):
            shown.nothing_done()
            typer.echo(render("cli/demo_refused.txt.j2", found=found_since_demo(session), database=url,
                              given=database, kept=True))
            return
        try:
            report = generate_demo(session, actor=Actor.system("demo"), policy=rt.policy, size=size, seed=seed,
                                   force=force)
        except DemoWouldReplace as refusal:
            typer.echo(render("cli/demo_refused.txt.j2", found=refusal.found, database=url, given=database,
                              kept=False), err=True)
            raise typer.Exit(1) from None
    typer.echo(render("demo_report.j2", report=report, database=url))
