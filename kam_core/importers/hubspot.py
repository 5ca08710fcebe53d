"""`kam import hubspot DIR`: HubSpot's CSV exports of companies, contacts and deals (docs/imports.md, "HubSpot").

- The files are found by their columns, whatever their names (hubspot_files.py); a companies export is
  required, contacts and deals are imported when present. Columns KAM has no place for are named once.
- Companies -> accounts, matched by name or alias (a second import finds them again). "Company owner" ->
  owner, "Industry", "Country/Region", "Number of Employees" (and size segment), "Lifecycle Stage"
  (customer -> existing, the earlier stages -> prospect), "Parent Company" (a record id or a name).
  "Annual Revenue" is the company's own turnover, not its business with us: not stored, and said so.
- Contacts -> contacts of their associated company (by record id; the primary one when the export marks
  it, else the first), matched by account + email (by name without one). No company: skipped, reported.
- Deals -> opportunities of their associated company likewise, matched by HubSpot's record id
  (Opportunity.source "hubspot", external_id). "Deal Stage" is a stage label, mapped onto the pipeline
  by kam_core.importers.stages (HubSpot's default stages carry their documented won / closed /
  probability); "Close Date" is the expected close, and the close date of a closed deal; "Create Date"
  the day the deal was engaged; dates and date-times ("2026-03-14 09:30") are read in `timezone`, the
  HubSpot account's. "Amount" in "Currency" (the reporting currency when the export has none, reported).
- Owners are named ("Dana Whitfield", or "Dana Whitfield (dana@example.com)"): a known person matched by
  email, else by their exact name; anyone else leaves the record's owner as it is, and is reported.
- An empty cell leaves the stored value as it is. Every bad value of every file is reported at once;
  nothing is written then.
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.importers import hubspot_records as records
from kam_core.importers.hubspot_files import Export, read_exports
from kam_core.importers.hubspot_owners import Owners
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.source import raise_problems, source_zone
from kam_core.importers.stages import StageMapper, normal, read_stage_map
from kam_core.importers.upsert import AccountIndex, align, contact_key, finish
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.permissions import Action, require
from kam_core.policy import Policy
from kam_core.progress import track

SOURCE = "hubspot"
ENTITIES = ["accounts", "contacts", "opportunities"]
# HubSpot's default sales pipeline, label -> (won, closed, probability %), as HubSpot documents it: what the
# stage mapper needs to place a label that is not a stage of ours (or to add it, with --add-stages).
DEFAULT_STAGES = {normal(label): hints for label, hints in {
    "Appointment Scheduled": (False, False, 20), "Qualified To Buy": (False, False, 40),
    "Presentation Scheduled": (False, False, 60), "Decision Maker Bought-In": (False, False, 80),
    "Contract Sent": (False, False, 90), "Closed Won": (True, True, 100), "Closed Lost": (False, True, 0),
}.items()}


def import_hubspot(session: Session, *, directory: Path, actor: Actor, policy: Policy, timezone: str | None = None,
                   add_stages: bool = False, stage_map: Path | None = None,
                   now: datetime | None = None) -> ImportReport:
    """`timezone`: the HubSpot account's (IANA name; UTC when None), in which date-times are read."""
    require(actor, Action.import_data)
    directory = Path(directory)
    zone = source_zone(directory, timezone)
    mapper = StageMapper(session, add_stages=add_stages, stage_map=read_stage_map(stage_map) if stage_map else None)
    report = ReportBuilder(SOURCE, str(directory), ENTITIES)
    exports = read_exports(directory, report)
    problems = records.Problems()
    companies = records.companies(exports["companies"], problems)
    contacts = records.contacts(exports["contacts"], problems)
    deals = records.deals(exports["deals"], problems, tz=zone)
    places = _Places(AccountIndex(session), companies, exports["companies"], report)
    contacts = [(c, name) for c in contacts if (name := places.find(c.company, "contacts", c.name, problems))]
    deals = [(d, name) for d in deals if (name := places.find(d.company, "opportunities", d.name, problems))]
    stages = {d.record_id: stage for d, _ in deals
              if (stage := problems.check(lambda d=d: _stage(mapper, d))[1]) is not None}
    problems.found.extend(mapper.check())
    if problems.found:
        raise_problems(_file_of(problems.found, directory), problems.found)

    _notes(exports, companies, [d for d, _ in deals], report, policy=policy, zone=zone)
    owners = Owners(session, report)
    accounts = _write_accounts(session, places, companies, owners, report)
    _write_contacts(session, contacts, accounts, places, report)
    _write_deals(session, deals, stages, accounts, places, owners, report, currency=policy.reporting_currency)
    mapper.finish(report)
    return finish(session, report, actor=actor, policy=policy, now=now)


class _Places:
    """Which account a company association names: a company of the export (by record id, or name), or an
    account already stored (by name or alias) when the export gives only a name."""

    def __init__(self, index: AccountIndex, companies: list[records.Company], export: Export,
                 report: ReportBuilder) -> None:
        self.index, self.report = index, report
        self.by_id = {c.record_id: c.name for c in companies}
        self.by_name = {c.name.casefold(): c.name for c in companies}
        self.listing = ", ".join(p.name for p in export.files)

    def find(self, association: records.Association, entity: str, example: str,
             problems: records.Problems) -> str | None:
        row, field = association.row, association.field
        if association.ids:
            name = self.by_id.get(association.ids[0])
            if name is None:
                problems.found.append(row.fail(field, "unknown_reference", value=association.ids[0],
                                               listing=self.listing))
        elif association.names:
            given = association.names[0]
            stored = self.index.find(given)
            name = self.by_name.get(given.casefold()) or (stored.name if stored else None)
            if name is None:
                problems.found.append(row.fail(field, "unknown_reference", value=given, listing=self.listing))
        else:
            self.report.skip(entity, "hubspot_no_company", example=example)
            return None
        if name is not None and association.several:
            self.report.note(entity, "hubspot_several_companies", example=example)
        return name

    def parent(self, cell: str) -> str | None:
        name = self.by_id.get(cell) or self.by_name.get(cell.casefold())
        if name is None and (account := self.index.find(cell)) is not None:
            name = account.name
        return name


def _stage(mapper: StageMapper, deal: records.Deal) -> Stage:
    won, closed, probability = DEFAULT_STAGES.get(normal(deal.stage), (None, None, None))
    hints = {"won": won, "closed": closed, "probability": probability} | deal.hints
    return mapper.resolve(deal.stage, row=deal.row, field=deal.stage_field, **hints)


def _file_of(found: list, directory: Path) -> str:
    files = {problem.params["file"] for problem in found}
    return files.pop() if len(files) == 1 else str(directory)


def _notes(exports: dict[str, Export], companies: list[records.Company], deals: list[records.Deal],
           report: ReportBuilder, *, policy: Policy, zone: ZoneInfo) -> None:
    """What the report says about the files as a whole: what was left out, what was assumed."""
    revenue = exports["companies"].column("Annual Revenue")
    given = sum(1 for c in companies if c.row.text(revenue)) if revenue else 0
    if given:
        report.note("accounts", "hubspot_company_revenue", count=given, field=revenue)
    pipelines = sorted({d.pipeline for d in deals if d.pipeline})
    if len(pipelines) > 1:
        report.note("opportunities", "hubspot_pipelines", count=len(deals), pipelines=pipelines)
    for field in sorted({f for d in deals for f in d.row.datetime_seen}):
        report.note("opportunities", "datetimes_as_dates", count=sum(field in d.row.datetime_seen for d in deals),
                    field=field, timezone=zone.key)
    without = sum(1 for d in deals if d.currency is None)
    if without:
        report.note("opportunities", "currency_defaulted", count=without, currency=policy.reporting_currency)
    for kind, export in exports.items():
        if export.files and (ignored := export.ignored()):
            report.note("columns", "hubspot_columns_ignored", count=len(ignored), kind=kind, columns=ignored)


def _write_accounts(session: Session, places: _Places, companies: list[records.Company], owners: Owners,
                    report: ReportBuilder) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    for company in track(companies, "accounts"):
        account, created = places.index.get_or_create(company.name)
        if company.name in accounts:
            report.note("accounts", "hubspot_same_name", example=company.name)
        fields = dict(company.fields)
        if (owner := owners.find(company.owner, "accounts")) is not None:
            fields["owner_id"] = owner.id
        report.changed("accounts", company.name, created=created, changed=align(account, fields))
        accounts[company.name] = account
    session.flush()
    for company in companies:  # parents exist only now
        if company.parent is None:
            continue
        parent = places.parent(company.parent)
        if parent is None or parent == company.name:
            report.note("accounts", "hubspot_parent_unknown", example=f"{company.name}: {company.parent}")
            continue
        parent_id = accounts[parent].id if parent in accounts else places.index.find(parent).id
        report.changed("accounts", company.name, created=False,
                       changed=align(accounts[company.name], {"parent_id": parent_id}))
    return accounts


def _account(name: str, accounts: dict[str, Account], places: _Places) -> Account:
    """The export's company, or a stored account a contact or deal named that the export does not hold."""
    return accounts.get(name) or places.index.find(name)


def _write_contacts(session: Session, contacts: list[tuple[records.Contact, str]], accounts: dict[str, Account],
                    places: _Places, report: ReportBuilder) -> None:
    targets = [(person, _account(name, accounts, places)) for person, name in contacts]
    ids = sorted({account.id for _, account in targets})
    existing = {contact_key(c.account_id, c.email, c.name): c
                for c in session.scalars(select(Contact).where(Contact.account_id.in_(ids)))} if ids else {}
    for person, account in track(targets, "contacts"):
        wanted = {"name": person.name} | {k: v for k, v in person.fields.items() if v is not None}
        k = contact_key(account.id, person.fields["email"], person.name)
        contact = existing.get(k)
        if contact is None:
            existing[k] = Contact(account_id=account.id, **wanted)
            session.add(existing[k])
        report.changed("contacts", k, created=contact is None, changed=contact is not None and align(contact, wanted))


def _write_deals(session: Session, deals: list[tuple[records.Deal, str]], stages: dict[str, Stage],
                 accounts: dict[str, Account], places: _Places, owners: Owners, report: ReportBuilder, *,
                 currency: str) -> None:
    session.flush()  # stages --add-stages added get their ids
    existing = {o.external_id: o for o in session.scalars(select(Opportunity).where(Opportunity.source == SOURCE))}
    for deal, name in track(deals, "opportunities"):
        stage = stages[deal.record_id]
        wanted = {"account_id": _account(name, accounts, places).id, "name": deal.name, "amount": deal.amount,
                  "currency": deal.currency or currency, "stage_id": stage.id,
                  "closed_on": None if stage.is_open else deal.close}
        wanted |= {k: v for k, v in {"expected_close_date": deal.close, "engaged_on": deal.engaged_on}.items()
                   if v is not None}
        if (owner := owners.find(deal.owner, "opportunities")) is not None:
            wanted["owner_id"] = owner.id
        opportunity = existing.get(deal.record_id)
        if opportunity is None:
            existing[deal.record_id] = Opportunity(source=SOURCE, external_id=deal.record_id, **wanted)
            session.add(existing[deal.record_id])
        report.changed("opportunities", deal.record_id, created=opportunity is None,
                       changed=opportunity is not None and align(opportunity, wanted))

