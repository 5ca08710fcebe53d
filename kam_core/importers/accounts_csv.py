"""`kam import accounts FILE.csv`: accounts from a plain CSV file, or any CRM's export of them.

Header `name,aliases,industry,region,owner_email,revenue,profit,cost_to_serve,currency`,
columns in any order, only `name` required; UTF-8 with or without BOM. A CRM export keeps its own
header: `columns` (`--map name="Company Name"`) says which of its columns feeds which field, a column
named as a field feeds that field, and every other column is ignored (and listed in the report).
- Every row is checked before anything is written; every bad row is reported, and nothing is written.
- Accounts match by name or alias, regardless of case; a name may appear once.
- An empty cell (or a column left out) leaves the stored value as it is, so a
  partial file never wipes data.
- `aliases` are separated by `|` and only ever added.
- `owner_email` must belong to a known person.
- `revenue` and `cost_to_serve` are numbers >= 0, `profit` may be negative; they
  go to the account's figures for the current calendar year (e.g. "2026"), in the
  row's `currency` (an ISO 4217 code, any case), else the reporting currency.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.errors import ImportFailed
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.source import Row, raise_problems, read_csv
from kam_core.importers.upsert import AccountIndex, align, existing_values, finish, upsert_figures
from kam_core.people.models import Person
from kam_core.permissions import Action, require
from kam_core.policy import Policy
from kam_core.progress import track

REQUIRED = ["name"]
OPTIONAL = ["aliases", "industry", "region", "owner_email", "revenue", "profit", "cost_to_serve", "currency"]
ENTITIES = ["accounts", "aliases", "values"]


@dataclass
class AccountLine:
    name: str
    aliases: list[str]
    fields: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


def import_accounts_csv(session: Session, *, file: Path, actor: Actor, policy: Policy,
                        columns: dict[str, str] | None = None, now: datetime | None = None) -> ImportReport:
    """`columns`: field -> the file's column that feeds it (any case), for a header of the CRM's own."""
    require(actor, Action.import_data)
    file = Path(file)
    rows = read_csv(file, required=REQUIRED, optional=OPTIONAL, columns=columns, suggest_map=True)
    people = {email.lower(): person_id for email, person_id in session.execute(select(Person.email, Person.id))}
    reading = _Reading(people, policy.reporting_currency)
    lines = [reading.line(row) for row in rows]
    raise_problems(str(file), reading.problems)

    report = ReportBuilder("accounts", str(file), ENTITIES)
    if rows.ignored:
        report.note("columns", "columns_not_mapped", count=len(rows.ignored), columns=rows.ignored)
    index = AccountIndex(session)
    accounts = []
    for line in track(lines, "accounts"):
        account, created = index.get_or_create(line.name)
        report.changed("accounts", line.name, created=created, changed=align(account, line.fields))
        for alias in line.aliases:
            added = index.add_alias(account, alias)
            report.outcome("aliases", (account.name, alias.casefold()), "created" if added else "unchanged")
        accounts.append(account)
    session.flush()

    period = str((now or utcnow()).year)
    values = existing_values(session, {period})
    for line, account in track(zip(lines, accounts, strict=True), "values", total=len(lines)):
        if line.figures:
            upsert_figures(session, values, report, account=account, period=period, wanted=line.figures)
            report.note("values", "value_period", period=period)
    if reading.defaulted:
        report.note("values", "currency_defaulted", count=reading.defaulted, currency=policy.reporting_currency)
    return finish(session, report, actor=actor, policy=policy, now=now)


class _Reading:
    """Reads the rows into lines, keeping every problem found (a row's problems are all kept, one per field)."""

    def __init__(self, people: dict[str, int], reporting_currency: str) -> None:
        self.people, self.reporting_currency = people, reporting_currency
        self.problems: list[ImportFailed] = []
        self.seen: dict[str, int] = {}  # name (casefolded) -> its first row
        self.defaulted = 0  # rows with figures but no currency: taken as the reporting currency

    def check(self, read, *args, **kwargs):
        try:
            return read(*args, **kwargs)
        except ImportFailed as problem:
            self.problems.append(problem)
            return None

    def line(self, row: Row) -> AccountLine:
        name = self.check(row.text, "name", required=True) or ""
        if name and name.casefold() in self.seen:
            self.problems.append(row.fail("name", "duplicate", value=name, first_row=self.seen[name.casefold()]))
        elif name:
            self.seen[name.casefold()] = row.number
        line = AccountLine(name=name, aliases=[a.strip() for a in (row.text("aliases") or "").split("|") if a.strip()])
        for column in ("industry", "region"):
            if (value := row.text(column)) is not None:
                line.fields[column] = value
        if (email := row.text("owner_email")) is not None:
            owner_id = self.people.get(email.lower())
            if owner_id is None:
                self.problems.append(row.fail("owner_email", "unknown_person", value=email))
            line.fields["owner_id"] = owner_id
        for column, target, negative_ok in (("revenue", "revenue", False), ("profit", "profit_contribution", True),
                                            ("cost_to_serve", "cost_to_serve", False)):
            if (amount := self.check(row.amount, column, negative_ok=negative_ok)) is not None:
                line.figures[target] = amount
        currency = self.check(row.currency, "currency")
        if line.figures:
            if row.text("currency") is None:
                self.defaulted += 1
            line.figures["currency"] = currency or self.reporting_currency
        return line
