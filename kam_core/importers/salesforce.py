"""`kam import salesforce DIR`: a Salesforce DX export as `sf data export tree` writes it (with or
without `--plan`, children in their own files or inside their Account; salesforce_tree.py reads it).

- Field names match whatever their case (`StageName`, `stagename`, `stageName`); amounts may be
  numbers or strings such as "87,500.50".
- Accounts match by name (or alias), contacts by account + email (by name when there is no email),
  opportunities by account + name: importing again changes nothing.
- A contact or opportunity belongs to the Account its AccountId refers to ("@AccountRef1"), else to
  the Account record it sits in, else to the Account its `Account.Name` names.
- Type "Prospect" -> prospect, anything else existing. NumberOfEmployees -> employees and size segment.
- StageName goes through the shared stage rule (stages.py: spellings, names, IsWon / IsClosed,
  `--add-stages`, `--stage-map`); a stage nothing maps is an error naming record and field.
- CloseDate (a date, or an ISO 8601 date-time read as its date in the org's timezone) is the
  expected close; for a closed stage it is also the close date. Probability is kept on the deal,
  CurrencyIsoCode is its currency (without one, an org with one currency: the reporting currency).
- All or nothing: every record is checked first and every problem reported at once.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.enums import AccountStatus
from kam_core.errors import ImportFailed
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.salesforce_tree import Export, Record, read_export
from kam_core.importers.source import Row, raise_problems, source_zone
from kam_core.importers.stages import StageMapper, read_stage_map
from kam_core.importers.upsert import AccountIndex, align, contact_key, finish, size_segment
from kam_core.opportunities.models import Opportunity
from kam_core.permissions import Action, require
from kam_core.policy import Policy
from kam_core.progress import track

SOURCE = "salesforce"
ENTITIES = ["accounts", "contacts", "opportunities"]
ENTITY = {"Account": "accounts", "Contact": "contacts", "Opportunity": "opportunities"}
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


@dataclass
class _Lines:
    """What the records say, checked; nothing written yet."""

    accounts: list[tuple[str, dict]]
    contacts: list[dict]
    deals: list[dict]


def import_salesforce(session: Session, *, directory: Path, actor: Actor, policy: Policy,
                      timezone: str | None = None, add_stages: bool = False,
                      stage_map: Path | None = None, now: datetime | None = None) -> ImportReport:
    require(actor, Action.import_data)
    directory = Path(directory)
    zone = source_zone(directory, timezone)
    mapper = StageMapper(session, add_stages=add_stages, stage_map=read_stage_map(stage_map) if stage_map else None)
    export = read_export(directory)
    lines = _check(export, directory, mapper, zone=zone, currency=policy.reporting_currency)

    report = ReportBuilder(SOURCE, str(directory), ENTITIES)
    index = AccountIndex(session)
    accounts = {}
    for name, fields in track(lines.accounts, "accounts"):
        account, created = index.get_or_create(name)
        report.changed("accounts", name, created=created, changed=align(account, fields))
        accounts[name.casefold()] = account
    session.flush()
    ids = [a.id for a in accounts.values()]
    _upsert_contacts(session, lines.contacts, accounts, ids, report)
    _upsert_deals(session, lines.deals, accounts, ids, report)
    _notes(export, report, zone)
    mapper.finish(report, "opportunities")
    return finish(session, report, actor=actor, policy=policy, now=now)


class _Problems(list):
    def check(self, read):
        try:
            return read()
        except ImportFailed as problem:
            self.append(problem)
            return None


def _check(export: Export, directory: Path, mapper: StageMapper, *, zone: ZoneInfo, currency: str) -> _Lines:
    problems = _Problems(export.problems)
    if not export.records["Account"] and not problems:
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_accounts")
    refs, names, accounts = {}, {}, []
    # Not tracked: a plain progress line would come before the one-line error of a bad file.
    for record in export.records["Account"]:
        line = problems.check(lambda r=record: _account(r.row, refs, names))
        if line is not None:
            accounts.append(line)
    contacts = [c for record in export.records["Contact"]
                if (c := problems.check(lambda r=record: _contact(r, refs, names))) is not None]
    deals = []
    for record in export.records["Opportunity"]:
        deal = _deal(record, refs, names, mapper, problems, zone=zone, currency=currency)
        if deal is not None:
            deals.append(deal)
    problems.extend(mapper.check())
    raise_problems(str(directory), problems)
    return _Lines(accounts, contacts, deals)


def _account(row: Row, refs: dict[str, str], names: dict[str, Row]) -> tuple[str, dict]:
    """The account's name and fields; remembers its name and reference (each given once), also when
    a field is bad, so its contacts and deals are not reported for it too."""
    name = row.text("Name", required=True)
    ref = str((row.values.get("attributes") or {}).get("referenceid") or "").strip()
    if ref:
        if ref in refs:
            raise row.fail("referenceId", "reference_twice", value=ref)
        refs[ref] = name
    if name.casefold() in names:
        raise row.fail("Name", "duplicate", value=name, first_row=names[name.casefold()].number)
    names[name.casefold()] = row
    kind = (row.text("Type") or "").casefold()
    fields = {"status": AccountStatus.prospect if kind == "prospect" else AccountStatus.existing}
    employees = row.integer("NumberOfEmployees")
    if employees is not None:
        fields |= {"employees": employees, "size_segment": size_segment(employees)}
    return name, fields


def _account_of(record: Record, refs: dict[str, str], names: dict[str, Row]) -> str:
    row = record.row
    given = row.text("AccountId")
    if given:
        name = refs.get(given.removeprefix("@"))
        if name is None:
            raise row.fail("AccountId", "no_such_account_ref", value=given)
        return name
    if record.parent is not None and record.parent.sobject == "Account":
        parent_name = record.parent.row.text("Name")
        if parent_name and parent_name.casefold() in names:
            return names[parent_name.casefold()].text("Name")
    lookup = row.values.get("account")
    if isinstance(lookup, dict) and str(lookup.get("name") or "").strip():
        name = str(lookup["name"]).strip()
        if name.casefold() not in names:
            raise row.fail("Account.Name", "no_such_account_ref", value=name)
        return names[name.casefold()].text("Name")
    raise row.fail("AccountId", "value_required")


def _contact(record: Record, refs: dict[str, str], names: dict[str, Row]) -> dict:
    row = record.row
    name = " ".join(filter(None, [row.text("FirstName"), row.text("LastName")]))
    if not name:
        raise row.fail("LastName", "contact_without_name")
    email = row.text("Email")
    return {"account": _account_of(record, refs, names), "name": name, "email": email.lower() if email else None,
            "title": row.text("Title"), "phone": row.text("Phone"), "birthday": row.date("Birthdate")}


def _deal(record: Record, refs: dict[str, str], names: dict[str, Row], mapper: StageMapper, problems: _Problems,
          *, zone: ZoneInfo, currency: str) -> dict | None:
    """Every field's problem is collected, so one import run names them all."""
    row = record.row
    found = len(problems)
    account = problems.check(lambda: _account_of(record, refs, names))
    name = problems.check(lambda: row.text("Name", required=True))
    amount = problems.check(lambda: row.amount("Amount"))
    close = problems.check(lambda: row.date("CloseDate", tz=zone))
    probability = problems.check(lambda: _probability(row))
    won, closed = problems.check(lambda: _flag(row, "IsWon")), problems.check(lambda: _flag(row, "IsClosed"))
    code = problems.check(lambda: _currency(row))
    stage_name = problems.check(lambda: row.text("StageName", required=True))
    stage = None if stage_name is None else problems.check(
        lambda: mapper.resolve(stage_name, row=row, field="StageName", won=won, closed=closed,
                               probability=probability))
    if len(problems) > found:
        return None
    return {"account": account, "name": name, "amount": amount or Decimal(0), "currency": code or currency,
            "stage": stage, "probability": probability, "expected_close_date": close,
            "closed_on": None if stage.is_open else close}


def _flag(row: Row, field: str) -> bool | None:
    value = row.text(field)
    if value is None:
        return None
    if value.casefold() in TRUE:
        return True
    if value.casefold() in FALSE:
        return False
    raise row.fail(field, "not_true_or_false", value=value)


def _probability(row: Row) -> int | None:
    number = row.amount("Probability")
    if number is None:
        return None
    if number > 100 or number != number.to_integral_value():
        raise row.fail("Probability", "not_a_percentage", value=row.text("Probability"))
    return int(number)


def _currency(row: Row) -> str | None:
    code = row.text("CurrencyIsoCode")
    if code is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", code):
        raise row.fail("CurrencyIsoCode", "not_a_currency", value=code)
    return code.upper()


def _notes(export: Export, report: ReportBuilder, zone: ZoneInfo) -> None:
    for sobject, records in export.records.items():
        read = Counter(field for record in records for field in record.row.datetime_seen)
        for field, count in read.items():
            report.note(ENTITY[sobject], "datetimes_as_dates", count=count, field=field, timezone=zone.key)
        if not records and sobject != "Account":
            report.note(ENTITY[sobject], "none_in_export", sobject=sobject)
    for sobject, count in sorted(export.other.items()):
        report.note("records", "sobject_not_imported", count=count, sobject=sobject)
    for name in export.not_tree:
        report.note("files", "not_tree_file", file=name)


def _upsert_contacts(session: Session, contacts: list[dict], accounts: dict[str, Account], ids: list[int],
                     report: ReportBuilder) -> None:
    existing = {contact_key(c.account_id, c.email, c.name): c
                for c in session.scalars(select(Contact).where(Contact.account_id.in_(ids)))}
    for fields in track(contacts, "contacts"):
        account_id = accounts[fields.pop("account").casefold()].id
        if fields["birthday"] is None:
            del fields["birthday"]  # a file without birthdays leaves the stored ones
        k = contact_key(account_id, fields["email"], fields["name"])
        contact = existing.get(k)
        if contact is None:
            existing[k] = Contact(account_id=account_id, **fields)
            session.add(existing[k])
        report.changed("contacts", k, created=contact is None, changed=contact is not None and align(contact, fields))


def _upsert_deals(session: Session, deals: list[dict], accounts: dict[str, Account], ids: list[int],
                  report: ReportBuilder) -> None:
    existing = {(o.account_id, o.name.casefold()): o
                for o in session.scalars(select(Opportunity).where(Opportunity.account_id.in_(ids)))}
    for fields in track(deals, "opportunities"):
        fields["account_id"] = accounts[fields.pop("account").casefold()].id
        if fields["probability"] is None:
            del fields["probability"]  # a deal without one keeps what a rep set
        k = (fields["account_id"], fields["name"].casefold())
        deal = existing.get(k)
        if deal is None:
            existing[k] = Opportunity(source=SOURCE, **fields)
            session.add(existing[k])
        report.changed("opportunities", k, created=deal is None, changed=deal is not None and align(deal, fields))
