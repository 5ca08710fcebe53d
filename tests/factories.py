"""Helpers that create records for tests. Every argument has a sensible default,
so a test names only what it is about. Each helper flushes, so ids are set."""

import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias
from kam_core.enums import ActionStatus, Lever, Role
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def make_person(session: Session, *, role: Role = Role.rep, manager: Person | None = None, name: str | None = None,
                email: str | None = None, team: str | None = None, **fields) -> Person:
    n = _next()
    person = Person(name=name or f"Person {n}", email=email or f"person{n}@example.com", role=role,
                    manager=manager, team=team or (manager.team if manager else None), **fields)
    session.add(person)
    session.flush()
    return person


def make_account(session: Session, *, name: str | None = None, owner: Person | None = None, **fields) -> Account:
    account = Account(name=name or f"Account {_next()}", owner=owner, **fields)
    session.add(account)
    session.flush()
    return account


def make_accounts_with_aliases(session: Session, accounts: dict[str, list[str]]) -> None:
    """One account per name, with its aliases."""
    for name, aliases in accounts.items():
        account = make_account(session, name=name)
        session.add_all(AccountAlias(account=account, alias=alias) for alias in aliases)
    session.flush()


def stage_named(session: Session, name: str) -> Stage:
    """A stage of the default pipeline the migration creates, e.g. "Prospecting" or "Closed Won"."""
    return session.scalars(select(Stage).where(Stage.name == name)).one()


def make_opportunity(session: Session, *, account: Account | None = None, stage: str = "Prospecting",
                     amount: Decimal | int | str = 1000, owner: Person | None = None, probability: int | None = None,
                     lever: Lever | None = None, expected_close_date: date | None = None, name: str | None = None,
                     **fields) -> Opportunity:
    """The owner defaults to the account's owner; the account to a new one."""
    account = account or make_account(session)
    opportunity = Opportunity(
        name=name or f"Deal {_next()}", account=account, stage=stage_named(session, stage), amount=Decimal(amount),
        owner=owner or account.owner, probability=probability, lever=lever,
        expected_close_date=expected_close_date, **fields,
    )
    session.add(opportunity)
    session.flush()
    return opportunity


def make_plan(session: Session, *, account: Account | None = None, period_start: date = date(2026, 1, 1),
              period_end: date = date(2026, 12, 31), last_reviewed_at: datetime | None = None,
              executive_sponsor: Person | None = None, objectives: list[dict] = (), actions: list[dict] = (),
              **fields) -> AccountPlan:
    """`objectives` and `actions` are keyword dicts for make_objective / make_action."""
    plan = AccountPlan(account=account or make_account(session), period_start=period_start, period_end=period_end,
                       last_reviewed_at=last_reviewed_at, executive_sponsor=executive_sponsor, **fields)
    session.add(plan)
    session.flush()
    for objective in objectives:
        make_objective(session, plan=plan, **objective)
    for action in actions:
        make_action(session, plan=plan, **action)
    return plan


def make_objective(session: Session, *, plan: AccountPlan, description: str | None = None,
                   target: Decimal | int | str = 100, actual: Decimal | int | str = 0,
                   unit: str | None = None) -> PlanObjective:
    objective = PlanObjective(plan=plan, description=description or f"Objective {_next()}", target=Decimal(target),
                              actual=Decimal(actual), unit=unit)
    session.add(objective)
    session.flush()
    return objective


def make_action(session: Session, *, plan: AccountPlan, description: str | None = None, owner: Person | None = None,
                due_date: date | None = None, status: ActionStatus = ActionStatus.open) -> PlanAction:
    action = PlanAction(plan=plan, description=description or f"Action {_next()}", owner=owner, due_date=due_date,
                        status=status)
    session.add(action)
    session.flush()
    return action


def make_value(session: Session, *, account: Account, period: str = "2026", revenue: Decimal | int = 0,
               profit: Decimal | int | None = None, cost_to_serve: Decimal | int = 0, **scores) -> "AccountValue":
    from kam_core.accounts.models import AccountValue

    value = AccountValue(account=account, period=period, revenue=Decimal(revenue),
                         profit_contribution=None if profit is None else Decimal(profit),
                         cost_to_serve=Decimal(cost_to_serve), **scores)
    session.add(value)
    session.flush()
    return value


def make_contact(session: Session, *, account: Account, name: str | None = None, **fields) -> "Contact":
    from kam_core.accounts.models import Contact

    contact = Contact(account=account, name=name or f"Contact {_next()}", **fields)
    session.add(contact)
    session.flush()
    return contact


def make_interaction(session: Session, *, account: Account, occurred_at: datetime, author: Person | None = None,
                     text: str = "Checked in", **fields) -> "Interaction":
    from kam_core.enums import Source
    from kam_core.interactions.models import Interaction

    interaction = Interaction(account=account, occurred_at=occurred_at, author=author or account.owner, text=text,
                              source=fields.pop("source", Source.import_), created_at=occurred_at, **fields)
    session.add(interaction)
    session.flush()
    return interaction


def make_follow_up(session: Session, *, account: Account, due_on: date, owner: Person | None = None,
                   title: str | None = None, **fields) -> "FollowUp":
    from kam_core.interactions.models import FollowUp

    follow_up = FollowUp(account=account, owner=owner or account.owner, due_on=due_on,
                         title=title or f"Follow-up {_next()}", **fields)
    session.add(follow_up)
    session.flush()
    return follow_up


def make_team(session: Session) -> tuple[Person, Person, Person]:
    """Mia Manager (team "north") and her two reps, Alice Rep and Bob Rep."""
    manager = make_person(session, role=Role.manager, name="Mia Manager", team="north")
    return manager, make_person(session, name="Alice Rep", manager=manager), make_person(session, name="Bob Rep",
                                                                                         manager=manager)
