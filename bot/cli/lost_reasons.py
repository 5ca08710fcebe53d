"""`kam lost-reasons ...`: the list a rep picks from when a deal is lost (the service is imported when a
command runs). The CLI's operator acts as an admin, as in `kam users`."""

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from templates import render

app = typer.Typer(no_args_is_help=True, help="Why deals are lost: the reasons reps pick from.")
ADMIN = Actor.system("cli")
T = "cli/lost_reasons.txt.j2"


@app.command("list")
def list_reasons(database: str | None = DatabaseOption) -> None:
    """List the reasons, in the order reps see them; retired ones (kept on old deals) last."""
    from kam_core.opportunities.lost_reasons import lost_reasons

    with unit_of_work(runtime(database)) as session:
        reasons = lost_reasons(session, include_retired=True)
    typer.echo(render(T, reasons=reasons))


@app.command()
def add(name: str, database: str | None = DatabaseOption) -> None:
    """Add a reason at the end of the list (a retired one comes back)."""
    from kam_core.opportunities.lost_reasons import add_lost_reason

    with unit_of_work(runtime(database)) as session:
        reason, outcome = add_lost_reason(session, actor=ADMIN, name=name)
    typer.echo(render(T, reason=reason, outcome=outcome))


@app.command()
def retire(name: str, database: str | None = DatabaseOption) -> None:
    """Stop offering a reason; deals already lost for it keep it."""
    from kam_core.opportunities.lost_reasons import retire_lost_reason

    with unit_of_work(runtime(database)) as session:
        reason, outcome = retire_lost_reason(session, actor=ADMIN, name=name)
    typer.echo(render(T, reason=reason, outcome=outcome))
