"""`kam accounts ...`: find accounts, show their card and history, rank mine or my team's, explain and set tiers.

Each command imports the services it uses when it runs (see bot/cli/common.py)."""

import typer

from bot.cli.common import DatabaseOption, runtime, speak_as, unit_of_work
from kam_core.actors import Actor
from kam_core.clock import today, utcnow
from kam_core.enums import Tier
from kam_core.errors import NotFound
from templates import render

app = typer.Typer(no_args_is_help=True, help="Look accounts up, explain and set tiers.")
AsOption = typer.Option(None, "--as", help="Act as this person (email); default: the console admin.")


def actor_for(session, email: str | None) -> Actor:
    """The person `--as EMAIL` names, whose language the command then prints in; else the console admin."""
    from kam_core.people.service import by_email

    if not email:
        return Actor.system("cli")
    person = by_email(session, email)
    speak_as(person)
    return Actor.of(person)


def resolve(session, name: str) -> int:
    """The one account `name` means; otherwise print the candidates and exit 1."""
    from kam_core.accounts.resolver.resolve import Outcome, search_accounts

    result = search_accounts(session, query=name)
    if result.outcome == Outcome.match:
        return result.best.account_id
    if result.outcome == Outcome.ambiguous:
        typer.echo(render("cli/candidates.txt.j2", result=result), err=True)
        raise typer.Exit(1)
    suggestion = result.best.name if result.best else None
    raise NotFound(what="account", name=name, suggestion=suggestion)


@app.command()
def find(query: str, limit: int = typer.Option(5, "--limit"), as_json: bool = typer.Option(False, "--json"),
         database: str | None = DatabaseOption) -> None:
    """Search accounts by name or alias, as the bot does."""
    from kam_core.accounts.resolver.resolve import search_accounts

    with unit_of_work(runtime(database)) as session:
        result = search_accounts(session, query=query, limit=limit)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(render("cli/search.txt.j2", result=result))


@app.command()
def show(name: str, as_: str | None = AsOption, database: str | None = DatabaseOption) -> None:
    """The account card: tier and why, team, value, pipeline, plan health, last touch."""
    from kam_core.accounts.service import account_card

    rt = runtime(database)
    with unit_of_work(rt) as session:
        card = account_card(session, actor=actor_for(session, as_), account_id=resolve(session, name),
                            policy=rt.policy, today=today())
    typer.echo(render("cli/account_card.txt.j2", card=card))


PageOption = typer.Option(1, "--page", min=1, help="Which page of the ranked list.")
PageSizeOption = typer.Option(10, "--limit", min=1, help="Accounts per page.")


@app.command()
def mine(as_: str = typer.Option(..., "--as", help="The rep's email."), page: int = PageOption,
         limit: int = PageSizeOption, database: str | None = DatabaseOption) -> None:
    """A rep's accounts, the ones needing attention first (overdue follow-ups and quiet key accounts lead)."""
    _ranked(as_, "mine", page, limit, database)


@app.command()
def team(as_: str = typer.Option(..., "--as", help="The manager's email."), page: int = PageOption,
         limit: int = PageSizeOption, database: str | None = DatabaseOption) -> None:
    """A manager's team: the accounts of the people who report to them and their own, ranked as `mine`."""
    _ranked(as_, "team", page, limit, database)


def _ranked(email: str, scope: str, page: int, limit: int, database: str | None) -> None:
    from kam_core.accounts.attention import attention_page, leads_a_team
    from kam_core.accounts.schemas import AttentionScope

    rt = runtime(database)
    with unit_of_work(rt) as session:
        actor = actor_for(session, email)
        if scope == AttentionScope.team and not leads_a_team(actor):
            typer.echo(render("cli/mine.txt.j2", team_for_managers=True), err=True)
            raise typer.Exit(1)
        found = attention_page(session, actor=actor, policy=rt.policy, today=today(), scope=AttentionScope(scope),
                               offset=(page - 1) * limit, page_size=limit)
    typer.echo(render("cli/mine.txt.j2", page=found))


@app.command()
def history(name: str, page: int = typer.Option(1, "--page", min=1, help="Which page, ten interactions each."),
            full: bool = typer.Option(False, "--full", help="Each note whole, not its first lines."),
            as_: str | None = AsOption, database: str | None = DatabaseOption) -> None:
    """The account's interactions, newest first: when, who, kind, what was said, the follow-up and its state."""
    from kam_core.interactions.history import PAGE_SIZE, account_history
    from kam_core.people.service import by_email
    from kam_core.scheduling import local_moment
    from kam_core.timezones import zone_name

    rt = runtime(database)
    with unit_of_work(rt) as session:
        person = by_email(session, as_) if as_ else None
        speak_as(person)
        zone = zone_name(person.timezone if person else None, rt.settings.default_timezone)
        found = account_history(session, actor=Actor.of(person) if person else Actor.system("cli"),
                                account_id=resolve(session, name), policy=rt.policy, zone=zone,
                                today=local_moment(zone, default=zone, now=utcnow()).date,
                                offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    typer.echo(render("cli/history.txt.j2", page=found, full=full))


@app.command()
def why(name: str, database: str | None = DatabaseOption) -> None:
    """Why an account has its tier: rank, share of total value, the figures, the history."""
    from kam_core.tiers.service import explain_tier, tier_history

    rt = runtime(database)
    with unit_of_work(rt) as session:
        account_id = resolve(session, name)
        why = explain_tier(session, account_id=account_id, policy=rt.policy)
        history = tier_history(session, account_id=account_id)
    typer.echo(render("cli/tier_why.txt.j2", why=why, history=history))


@app.command("set-tier")
def set_tier_command(
    name: str, tier: str = typer.Argument(..., help="key, important, general, or auto to drop the override"),
    reason: str = typer.Option(..., "--reason"), as_: str | None = AsOption, database: str | None = DatabaseOption,
) -> None:
    """Override an account's computed tier (managers and admins), with a reason."""
    from kam_core.tiers.service import explain_tier, set_tier

    if tier not in {*Tier, "auto"}:
        typer.echo(render("cli/tier_why.txt.j2", bad_tier=tier), err=True)
        raise typer.Exit(2)
    rt = runtime(database)
    with unit_of_work(rt) as session:
        account = set_tier(session, actor=actor_for(session, as_), account_id=resolve(session, name),
                           tier=None if tier == "auto" else Tier(tier), reason=reason)
        why = explain_tier(session, account_id=account.id, policy=rt.policy)
    typer.echo(render("cli/tier_why.txt.j2", why=why, history=[]))


@app.command("recompute-tiers")
def recompute(database: str | None = DatabaseOption) -> None:
    """Rank every account by total value and store the tiers (run after value changes)."""
    from kam_core.tiers.service import recompute_tiers

    rt = runtime(database)
    with unit_of_work(rt) as session:
        report = recompute_tiers(session, policy=rt.policy, actor=Actor.system("cli"))
    typer.echo(render("cli/recompute.txt.j2", report=report))


@app.command()
def aliases(name: str, remove: str | None = typer.Option(None, "--remove", help="Forget this learned alias."),
            as_: str | None = AsOption, database: str | None = DatabaseOption) -> None:
    """The aliases the team taught the bot for an account (who, when, from what they typed); --remove one (admins)."""
    from kam_core.accounts.aliases import learned_aliases, may_manage_aliases, remove_learned_alias

    rt = runtime(database)
    with unit_of_work(rt) as session:
        actor = actor_for(session, as_)
        may_manage_aliases(actor)
        account_id = resolve(session, name)
        gone = remove_learned_alias(session, actor=actor, account_id=account_id, alias=remove,
                                    now=utcnow()) if remove is not None else None
        listing = learned_aliases(session, actor=actor, account_id=account_id)
    typer.echo(render("cli/aliases.txt.j2", listing=listing, removed=gone))
