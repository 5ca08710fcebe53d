"""`kam users ...`: people and their Slack link (the people service is imported when a command runs)."""

import json

import typer

from bot.cli.common import DatabaseOption, runtime, unit_of_work
from kam_core.actors import Actor
from kam_core.enums import Role
from templates import render

app = typer.Typer(no_args_is_help=True, help="People: reps, managers, admins and their Slack link.")
ADMIN = Actor.system("cli")
LanguageOption = typer.Option(None, "--language", help="The language they read the bot in: en or zh "
                                                       "(default: their Slack locale, else KAM_DEFAULT_LANGUAGE).")


def _language(word: str | None) -> str | None:
    """en, zh, or what names them ("中文", "English", "zh-CN"); anything else goes to the service as typed,
    which says which languages there are."""
    from templates.i18n import language_of

    return None if word is None else language_of(word) or word.strip()


@app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print JSON."), database: str | None = DatabaseOption) -> None:
    """List everyone: name, email, role, manager, Slack id."""
    from kam_core.people import service

    with unit_of_work(runtime(database)) as session:
        people = service.list_people(session)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in people], ensure_ascii=False, indent=2))
    else:
        typer.echo(render("cli/users.txt.j2", people=people))


@app.command()
def add(
    email: str,
    name: str = typer.Option(..., "--name"),
    role: Role = typer.Option(Role.rep, "--role"),
    manager: str | None = typer.Option(None, "--manager", help="The manager's email."),
    team: str | None = typer.Option(None, "--team"),
    timezone: str = typer.Option("UTC", "--timezone"),
    language: str | None = LanguageOption,
    database: str | None = DatabaseOption,
) -> None:
    """Add a person."""
    from kam_core.people import service

    with unit_of_work(runtime(database)) as session:
        person = service.add_person(session, actor=ADMIN, email=email, name=name, role=role,
                                    manager_email=manager, team=team, timezone=timezone,
                                    language=_language(language))
    typer.echo(render("cli/user_saved.txt.j2", person=person, verb="Added"))


@app.command("set-role")
def set_role(email: str, role: Role, database: str | None = DatabaseOption) -> None:
    """Change a person's role (rep, manager, admin)."""
    from kam_core.people import service

    with unit_of_work(runtime(database)) as session:
        person = service.set_role(session, actor=ADMIN, email=email, role=role)
    typer.echo(render("cli/user_saved.txt.j2", person=person, verb="Updated"))


@app.command()
def link(email: str, slack_user_id: str, language: str | None = LanguageOption,
         database: str | None = DatabaseOption) -> None:
    """Link a person to their Slack user id (find it in their Slack profile: ⋮ > Copy member ID)."""
    from kam_core.people import service

    with unit_of_work(runtime(database)) as session:
        person = service.link_slack(session, actor=ADMIN, email=email, slack_user_id=slack_user_id,
                                    language=_language(language))
    typer.echo(render("cli/user_saved.txt.j2", person=person, verb="Linked"))
