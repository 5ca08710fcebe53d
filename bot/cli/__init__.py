"""`kam`: the command line for admins and for local use."""

import typer

from bot.cli import accounts, bench, chat, database, demo, digest, export, importing, remind, slack, users
from bot.cli import fx, lost_reasons

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The KAM bot: key account management in Slack.")
app.add_typer(database.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(importing.app, name="import")
app.add_typer(accounts.app, name="accounts")
app.add_typer(lost_reasons.app, name="lost-reasons")
app.add_typer(fx.app, name="fx")
app.add_typer(bench.app, name="bench")
app.command("demo")(demo.demo)
app.command("export")(export.export)
app.command("serve")(slack.serve)
app.command("run")(slack.run)
app.command("chat")(chat.chat)
app.add_typer(remind.app, name="remind")
app.add_typer(digest.app, name="digest")
app.command("scheduler")(remind.scheduler)


def main() -> None:
    app()
