"""`kam import salesforce DIR`: Salesforce DX data (Accounts.json, Contacts.json,
Opportunities.json, each `{"records": [...]}` linked by `attributes.referenceId`
and `"@Ref"` values in AccountId).

- Field names match whatever their case (`StageName`, `stagename`, `stageName`);
  amounts may be numbers or strings such as "87,500.50".
- Accounts match by name (or alias), contacts by account + email (by name when
  there is no email), opportunities by account + name: importing again changes
  nothing.
- Type "Customer - ..." -> existing, "Prospect" -> prospect, anything else
  existing. NumberOfEmployees -> employees and size segment.
- An unknown StageName is an error naming the row and field rather than a skip:
  a deal in a guessed stage would misstate the pipeline. Add the stage or fix
  the file. A dangling "@Ref" is an error too.
- CloseDate is the expected close; for a closed stage it is also the close date.
  The files carry no owner or lever, so opportunities get neither.
- Accounts.json is required; a missing Contacts.json or Opportunities.json is
  reported and the rest imported.
"""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Contact
from kam_core.actors import Actor
from kam_core.enums import AccountStatus
from kam_core.errors import ImportFailed
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.source import Row, read_json_records
from kam_core.importers.upsert import AccountIndex, align, finish, size_segment
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.permissions import Action, require
from kam_core.policy import Policy

SOURCE = "salesforce"
FILES = ("Accounts.json", "Contacts.json", "Opportunities.json")
ENTITIES = ["accounts", "contacts", "opportunities"]


def import_salesforce(session: Session, *, directory: Path, actor: Actor, policy: Policy,
                      now: datetime | None = None) -> ImportReport:
    require(actor, Action.import_data)
    directory = Path(directory)
    report = ReportBuilder(SOURCE, str(directory), ENTITIES)
    records = _read(directory, report)
    stages = {s.name.casefold(): s for s in session.scalars(select(Stage))}
    refs = _account_refs(records["Accounts.json"])
    contacts = [_contact(row, refs) for row in records["Contacts.json"]]
    deals = [_deal(row, refs, stages) for row in records["Opportunities.json"]]

    index = AccountIndex(session)
    accounts = {}
    for row in records["Accounts.json"]:
        name = row.text("Name")
        account, created = index.get_or_create(name)
        report.changed("accounts", name, created=created, changed=align(account, _account_fields(row)))
        accounts[name] = account
    session.flush()
    ids = [a.id for a in accounts.values()]
    _upsert_contacts(session, contacts, accounts, ids, report)
    _upsert_deals(session, deals, accounts, ids, report)
    return finish(session, report, actor=actor, policy=policy, now=now)


def _read(directory: Path, report: ReportBuilder) -> dict[str, list[Row]]:
    if not directory.is_dir():
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_such_folder")
    present = {p.name.casefold(): p for p in directory.iterdir()}
    records = {}
    for name in FILES:
        path = present.get(name.casefold())
        if path is None and name == "Accounts.json":
            raise ImportFailed(file=str(directory / name), row=None, field=None, problem="no_such_file")
        if path is None:
            report.note(name.removesuffix(".json").lower(), "file_missing", file=name)
        records[name] = read_json_records(path) if path else []
    return records


def _account_refs(rows: list[Row]) -> dict[str, str]:
    """Account name by referenceId; also checks names and refs are given once each."""
    refs, names = {}, {}
    for row in rows:
        name = row.text("Name", required=True)
        if name.casefold() in names:
            raise row.fail("Name", "duplicate", value=name, first_row=names[name.casefold()])
        names[name.casefold()] = row.number
        ref = str((row.values.get("attributes") or {}).get("referenceid") or "").strip()
        if ref:
            if ref in refs:
                raise row.fail("referenceId", "reference_twice", value=ref)
            refs[ref] = name
        row.integer("NumberOfEmployees")
    return refs


def _account_fields(row: Row) -> dict:
    kind = (row.text("Type") or "").casefold()
    fields = {"status": AccountStatus.prospect if kind == "prospect" else AccountStatus.existing}
    employees = row.integer("NumberOfEmployees")
    if employees is not None:
        fields |= {"employees": employees, "size_segment": size_segment(employees)}
    return fields


def _account_of(row: Row, refs: dict[str, str]) -> str:
    given = row.text("AccountId", required=True)
    name = refs.get(given.removeprefix("@"))
    if name is None:
        raise row.fail("AccountId", "unknown_reference", value=given, listing="Accounts.json")
    return name


def _contact(row: Row, refs: dict[str, str]) -> dict:
    name = " ".join(filter(None, [row.text("FirstName"), row.text("LastName")]))
    if not name:
        raise row.fail("LastName", "contact_without_name")
    email = row.text("Email")
    return {"account": _account_of(row, refs), "name": name, "email": email.lower() if email else None,
            "title": row.text("Title"), "phone": row.text("Phone")}


def _deal(row: Row, refs: dict[str, str], stages: dict[str, Stage]) -> dict:
    stage_name = row.text("StageName", required=True)
    stage = stages.get(stage_name.casefold())
    if stage is None:
        raise row.fail("StageName", "unknown_stage", value=stage_name)
    close = row.date("CloseDate")
    return {"account": _account_of(row, refs), "name": row.text("Name", required=True),
            "amount": row.amount("Amount") or Decimal(0), "stage_id": stage.id, "expected_close_date": close,
            "closed_on": None if stage.is_open else close}


def _upsert_contacts(session: Session, contacts: list[dict], accounts: dict, ids: list[int],
                     report: ReportBuilder) -> None:
    def key(account_id: int, email: str | None, name: str) -> tuple:
        return (account_id, email.casefold() if email else name.casefold())

    existing = {key(c.account_id, c.email, c.name): c
                for c in session.scalars(select(Contact).where(Contact.account_id.in_(ids)))}
    for fields in contacts:
        account_id = accounts[fields.pop("account")].id
        k = key(account_id, fields["email"], fields["name"])
        contact = existing.get(k)
        if contact is None:
            existing[k] = Contact(account_id=account_id, **fields)
            session.add(existing[k])
        report.changed("contacts", k, created=contact is None, changed=contact is not None and align(contact, fields))


def _upsert_deals(session: Session, deals: list[dict], accounts: dict, ids: list[int], report: ReportBuilder) -> None:
    existing = {(o.account_id, o.name.casefold()): o
                for o in session.scalars(select(Opportunity).where(Opportunity.account_id.in_(ids)))}
    for fields in deals:
        fields["account_id"] = accounts[fields.pop("account")].id
        k = (fields["account_id"], fields["name"].casefold())
        deal = existing.get(k)
        if deal is None:
            existing[k] = Opportunity(source=SOURCE, **fields)
            session.add(existing[k])
        report.changed("opportunities", k, created=deal is None, changed=deal is not None and align(deal, fields))
