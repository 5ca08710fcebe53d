"""HubSpot's rows read into what KAM stores, every problem collected (nothing is written here).

Each reader takes an Export (hubspot_files.py) and a Problems collector; a bad cell becomes one
ImportFailed naming the file, the row and the column as the file spells it, and the row is left out,
so that all problems of all files are reported together.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from kam_core.enums import AccountStatus
from kam_core.errors import ImportFailed
from kam_core.importers.hubspot_files import RECORD_ID, Export
from kam_core.importers.source import Row
from kam_core.importers.upsert import size_segment

T = TypeVar("T")
# HubSpot's default lifecycle stages (labels, or internal names as an API export writes them).
PROSPECT_STAGES = {"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"}
CUSTOMER_STAGES = {"customer", "evangelist"}
# Association cells hold one record id, or several separated by ";" (names likewise).
SEPARATOR = ";"
OWNER_WITH_EMAIL = re.compile(r"^(?P<name>.*?)\s*[(<](?P<email>[^()<>\s]+@[^()<>\s]+)[)>]\s*$")
TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0")


class Problems:
    def __init__(self) -> None:
        self.found: list[ImportFailed] = []

    def check(self, read: Callable[[], T]) -> tuple[bool, T | None]:
        """(True, value), or (False, None) with the problem kept."""
        try:
            return True, read()
        except ImportFailed as problem:
            self.found.append(problem)
            return False, None


@dataclass
class Owner:
    """An owner cell: "Dana Whitfield", "Dana Whitfield (dana@example.com)" or an email."""

    given: str
    name: str | None
    email: str | None


@dataclass
class Company:
    row: Row
    record_id: str
    name: str
    fields: dict[str, Any]
    owner: Owner | None
    parent: str | None  # the "Parent Company" cell: a record id or a name


@dataclass
class Association:
    """The companies a contact or deal is associated with: record ids, else names."""

    row: Row
    field: str | None
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def several(self) -> bool:
        return len(self.ids or self.names) > 1


@dataclass
class Contact:
    row: Row
    company: Association
    name: str
    fields: dict[str, Any]


@dataclass
class Deal:
    row: Row
    record_id: str
    company: Association
    name: str
    stage: str
    stage_field: str
    amount: Decimal
    currency: str | None
    close: date | None
    engaged_on: date | None
    owner: Owner | None
    pipeline: str | None
    hints: dict[str, Any]  # won / closed / probability for the StageMapper


def companies(export: Export, problems: Problems) -> list[Company]:
    record, name_col = export.column(RECORD_ID), export.column("Company name")
    domain = export.column("Company Domain Name")
    columns = {"industry": export.column("Industry"), "country": export.column("Country/Region", "Country"),
               "employees": export.column("Number of Employees"), "lifecycle": export.column("Lifecycle Stage"),
               "owner": export.column("Company owner"), "parent": export.column("Parent Company")}
    result, first_rows = [], {}
    for row in export.rows:
        ok, record_id = problems.check(lambda: row.text(record, required=True))
        # HubSpot shows a company without a name by its domain; so do we.
        name = row.text(name_col) or (row.text(domain) if domain else None)
        if name is None:
            problems.found.append(row.fail(name_col, "value_required"))
        ok = ok and _once(row, record, record_id, first_rows, problems)
        _, employees = problems.check(lambda: row.integer(columns["employees"]) if columns["employees"] else None)
        if not ok:
            continue  # a company with a bad value is kept, so its contacts and deals still find it
        fields: dict[str, Any] = {"industry": _cell(row, columns["industry"], 100),
                                  "country": _cell(row, columns["country"], 100)}
        if employees is not None:
            fields |= {"employees": employees, "size_segment": size_segment(employees)}
        fields["status"] = _status(_cell(row, columns["lifecycle"]))
        result.append(Company(row=row, record_id=record_id, name=(name or record_id)[:200], fields=_given(fields),
                              owner=_owner(row, columns["owner"]), parent=_cell(row, columns["parent"])))
    return result


def contacts(export: Export, problems: Problems) -> list[Contact]:
    export.column(RECORD_ID)  # a contact is matched by account and email: its HubSpot id is read, not kept
    first, last, email_col = export.column("First Name"), export.column("Last Name"), export.column("Email")
    phone, title = export.column("Phone Number", "Mobile Phone Number"), export.column("Job Title")
    result = []
    for row in export.rows:
        name, email = _full_name(_cell(row, first), _cell(row, last)), _cell(row, email_col)
        if not name and not email:
            problems.found.append(row.fail(last or first or email_col, "contact_without_name"))
            continue
        result.append(Contact(row=row, company=_association(export, row), name=(name or email)[:200], fields={
            "email": email.lower() if email else None, "phone": _cell(row, phone, 50),
            "title": _cell(row, title, 200)}))
    return result


def deals(export: Export, problems: Problems, *, tz: ZoneInfo | None) -> list[Deal]:
    record, name_col, stage_col = export.column(RECORD_ID), export.column("Deal Name"), export.column("Deal Stage")
    amount_col, currency_col = export.column("Amount"), export.column("Currency", "Deal currency code")
    close_col, create_col = export.column("Close Date"), export.column("Create Date")
    owner_col, pipeline_col = export.column("Deal owner"), export.column("Pipeline")
    won_col, closed_col = export.column("Is Closed Won"), export.column("Is Deal Closed?", "Is closed")
    probability_col = export.column("Deal probability")
    if stage_col is None:
        problems.found.append(ImportFailed(file=str(export.files[0]), row=1, field="Deal Stage",
                                           problem="column_required"))
        return []
    result, first_rows = [], {}
    for row in export.rows:
        checks = {
            "record_id": lambda: row.text(record, required=True),
            "name": lambda: row.text(name_col, required=True),
            "stage": lambda: row.text(stage_col, required=True),
            "amount": lambda: row.amount(amount_col) if amount_col else None,
            "currency": lambda: row.currency(currency_col) if currency_col else None,
            "close": lambda: row.date(close_col, tz=tz) if close_col else None,
            "engaged_on": lambda: row.date(create_col, tz=tz) if create_col else None,
            "won": lambda: _flag(row, won_col),
            "closed": lambda: _flag(row, closed_col),
            "probability": lambda: _probability(row, probability_col),
        }
        values, ok = {}, True
        for name, read in checks.items():
            good, values[name] = problems.check(read)
            ok = ok and good
        if values["record_id"] is not None and not _once(row, record, values["record_id"], first_rows, problems):
            ok = False
        if not ok:
            continue
        hints = {k: values[k] for k in ("won", "closed", "probability") if values[k] is not None}
        result.append(Deal(row=row, record_id=values["record_id"], company=_association(export, row),
                           name=values["name"][:200], stage=values["stage"], stage_field=stage_col,
                           amount=values["amount"] or Decimal(0), currency=values["currency"],
                           close=values["close"], engaged_on=values["engaged_on"], owner=_owner(row, owner_col),
                           pipeline=_cell(row, pipeline_col), hints=hints))
    return result


def _once(row: Row, column: str, record_id: str, first_rows: dict[str, int], problems: Problems) -> bool:
    if record_id in first_rows:
        problems.found.append(row.fail(column, "duplicate", value=record_id, first_row=first_rows[record_id]))
        return False
    first_rows[record_id] = row.number
    return True


def _association(export: Export, row: Row) -> Association:
    """Primary company first: "Associated Company IDs (Primary)" when the export has it."""
    for ids_col, names_col in (("Associated Company IDs (Primary)", "Associated Company (Primary)"),
                               ("Associated Company IDs", "Associated Company"), ("Company ID", "Company Name")):
        ids_at, names_at = export.column(ids_col), export.column(names_col)
        ids = _split(row.text(ids_at)) if ids_at else []
        names = _split(row.text(names_at)) if names_at else []
        if ids or names:
            return Association(row=row, field=ids_at if ids else names_at, ids=ids, names=names)
    return Association(row=row, field=None)


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(SEPARATOR) if part.strip()]


def _owner(row: Row, column: str | None) -> Owner | None:
    given = row.text(column) if column else None
    if given is None:
        return None
    if (match := OWNER_WITH_EMAIL.match(given)) is not None:
        return Owner(given=given, name=match["name"] or None, email=match["email"].lower())
    if "@" in given and " " not in given:
        return Owner(given=given, name=None, email=given.lower())
    return Owner(given=given, name=given, email=None)


def _status(lifecycle: str | None) -> AccountStatus | None:
    """Customers are existing accounts, HubSpot's earlier stages prospects; other values say neither."""
    if lifecycle is None:
        return None
    stage = re.sub(r"[^a-z]", "", lifecycle.casefold())
    if stage in CUSTOMER_STAGES:
        return AccountStatus.existing
    return AccountStatus.prospect if stage in PROSPECT_STAGES else None


def _flag(row: Row, column: str | None) -> bool | None:
    value = row.text(column) if column else None
    if value is None:
        return None
    if value.casefold() in TRUE or value.casefold() in FALSE:
        return value.casefold() in TRUE
    raise row.fail(column, "not_true_or_false", value=value)


def _probability(row: Row, column: str | None) -> int | None:
    """HubSpot writes a stage's probability as a fraction ("0.2"); "20%" is read too."""
    value = row.text(column) if column else None
    if value is None:
        return None
    try:
        number = Decimal(value.rstrip("%").strip())
    except ArithmeticError:
        number = None
    if number is not None and not value.endswith("%") and 0 <= number <= 1:
        number *= 100
    if number is None or not number.is_finite() or not 0 <= number <= 100:
        raise row.fail(column, "not_a_percentage", value=value)
    return int(number.to_integral_value())


def _full_name(first: str | None, last: str | None) -> str | None:
    """"Maria Gonzalez"; a Chinese name family name first and without a space (王芳)."""
    if first and last and all(_cjk(part) for part in (first, last)):
        return last + first
    return " ".join(filter(None, [first, last])) or None


def _cjk(text: str) -> bool:
    return all(unicodedata.name(c, "").startswith("CJK") for c in text)


def _cell(row: Row, column: str | None, limit: int | None = None) -> str | None:
    """The cell's text (None when empty or the export has no such column), cut to what the column holds."""
    text = row.text(column) if column else None
    return text[:limit] if text and limit else text


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    """An empty cell leaves the stored value as it is."""
    return {k: v for k, v in fields.items() if v is not None}
