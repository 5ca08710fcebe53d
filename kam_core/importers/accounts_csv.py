"""`kam import accounts FILE.csv`: accounts from a plain CSV file.

Header `name,aliases,industry,region,owner_email,revenue,profit,cost_to_serve`,
columns in any order, only `name` required; UTF-8 with or without BOM.
- Accounts match by name or alias, regardless of case; a name may appear once.
- An empty cell (or a column left out) leaves the stored value as it is, so a
  partial file never wipes data.
- `aliases` are separated by `|` and only ever added.
- `owner_email` must belong to a known person.
- `revenue` and `cost_to_serve` are numbers >= 0, `profit` may be negative; they
  go to the account's figures for the current calendar year (e.g. "2026").
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.source import Row, read_csv
from kam_core.importers.upsert import AccountIndex, align, existing_values, finish, upsert_value
from kam_core.people.models import Person
from kam_core.permissions import Action, require
from kam_core.policy import Policy

REQUIRED = ["name"]
OPTIONAL = ["aliases", "industry", "region", "owner_email", "revenue", "profit", "cost_to_serve"]
ENTITIES = ["accounts", "aliases", "values"]


@dataclass
class AccountLine:
    name: str
    aliases: list[str]
    fields: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


def import_accounts_csv(session: Session, *, file: Path, actor: Actor, policy: Policy,
                        now: datetime | None = None) -> ImportReport:
    require(actor, Action.import_data)
    file = Path(file)
    report = ReportBuilder("accounts", str(file), ENTITIES)
    people = {email: person_id for email, person_id in session.execute(select(Person.email, Person.id))}
    seen: dict[str, int] = {}
    lines = [_parse(row, people, seen) for row in read_csv(file, required=REQUIRED, optional=OPTIONAL)]

    index = AccountIndex(session)
    accounts = []
    for line in lines:
        account, created = index.get_or_create(line.name)
        report.changed("accounts", line.name, created=created, changed=align(account, line.fields))
        for alias in line.aliases:
            added = index.add_alias(account, alias)
            report.outcome("aliases", (account.name, alias.casefold()), "created" if added else "unchanged")
        accounts.append(account)
    session.flush()

    period = str((now or utcnow()).year)
    values = existing_values(session, {period})
    for line, account in zip(lines, accounts, strict=True):
        if line.figures:
            upsert_value(session, values, report, account=account, period=period, wanted=line.figures)
            report.note("values", "value_period", period=period)
    return finish(session, report, actor=actor, policy=policy, now=now)


def _parse(row: Row, people: dict[str, int], seen: dict[str, int]) -> AccountLine:
    name = row.text("name", required=True)
    if name.casefold() in seen:
        raise row.fail("name", "duplicate", value=name, first_row=seen[name.casefold()])
    seen[name.casefold()] = row.number
    line = AccountLine(name=name, aliases=[a.strip() for a in (row.text("aliases") or "").split("|") if a.strip()])
    for column in ("industry", "region"):
        if (value := row.text(column)) is not None:
            line.fields[column] = value
    if (email := row.text("owner_email")) is not None:
        owner_id = people.get(email.lower())
        if owner_id is None:
            raise row.fail("owner_email", "unknown_person", value=email)
        line.fields["owner_id"] = owner_id
    for column, target, negative_ok in (("revenue", "revenue", False), ("profit", "profit_contribution", True),
                                        ("cost_to_serve", "cost_to_serve", False)):
        if (amount := row.amount(column, negative_ok=negative_ok)) is not None:
            line.figures[target] = amount
    return line
