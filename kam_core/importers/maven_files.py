"""Reading and validating the four Maven "CRM Sales Opportunities" files.

Nothing is written here: every file is read and checked first, so bad input
fails before the database is touched. The data's known flaws are fixed on the
way and each fix is reported (see maven.py for what is done with the rest).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from kam_core.errors import ImportFailed
from kam_core.importers.report import ReportBuilder
from kam_core.importers.source import read_csv

COLUMNS = {
    "products.csv": (["product"], ["series", "sales_price"]),
    "sales_teams.csv": (["sales_agent", "manager"], ["regional_office"]),
    "accounts.csv": (["account"], ["sector", "year_established", "revenue", "employees", "office_location",
                                   "subsidiary_of"]),
    "sales_pipeline.csv": (["opportunity_id", "sales_agent", "product", "deal_stage"],
                           ["account", "engage_date", "close_date", "close_value"]),
}
DEAL_STAGES = ("Prospecting", "Engaging", "Won", "Lost")
CLOSED = ("Won", "Lost")
# Misspellings seen in the data set. Unknown values pass through unchanged.
SPELLING = {"technolgy": "technology", "philipines": "Philippines"}


@dataclass
class Agent:
    name: str
    manager: str
    office: str | None


@dataclass
class AccountRow:
    name: str
    industry: str | None
    country: str | None
    employees: int | None
    parent: str | None
    aliases: list[str] = field(default_factory=list)


@dataclass
class Deal:
    id: str
    agent: str
    product: str
    product_given: str
    account: str | None
    stage: str
    engaged_on: date | None
    closed_on: date | None
    value: Decimal | None


@dataclass
class MavenData:
    products: dict[str, tuple[str | None, Decimal | None]]
    agents: dict[str, Agent]
    accounts: dict[str, AccountRow]
    deals: list[Deal]


def read_maven(directory: Path, report: ReportBuilder) -> MavenData:
    if not directory.is_dir():
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_such_folder")
    rows = {name: read_csv(directory / name, required=req, optional=opt) for name, (req, opt) in COLUMNS.items()}
    products = _products(rows["products.csv"])
    agents = _agents(rows["sales_teams.csv"])
    accounts, names = _accounts(rows["accounts.csv"], report)
    return MavenData(products, agents, accounts, _deals(rows["sales_pipeline.csv"], products, agents, names))


def _unique(row, field: str, seen: dict) -> str:
    value = row.text(field, required=True)
    if value in seen:
        raise row.fail(field, "duplicate", value=value, first_row=seen[value])
    seen[value] = row.number
    return value


def _products(rows) -> dict[str, tuple[str | None, Decimal | None]]:
    seen: dict = {}
    return {_unique(row, "product", seen): (row.text("series"), row.amount("sales_price")) for row in rows}


def _agents(rows) -> dict[str, Agent]:
    seen: dict = {}
    return {name: Agent(name, row.text("manager", required=True), row.text("regional_office"))
            for row in rows for name in [_unique(row, "sales_agent", seen)]}


def _spelling(value: str | None, field_name: str, account: str, report: ReportBuilder) -> str | None:
    fixed = SPELLING.get((value or "").casefold(), value)
    if fixed != value:
        report.fix("accounts", "spelling", example=account, field=field_name, given=value, fixed=fixed)
    return fixed


def _accounts(rows, report: ReportBuilder) -> tuple[dict[str, AccountRow], dict[str, str]]:
    """The accounts by stored name, and the stored name for each name as written in the file."""
    seen: dict = {}
    accounts, names, parent_rows = {}, {}, []
    for row in rows:
        given = _unique(row, "account", seen)
        name, aliases = given, []
        if given == given.lower():  # `dambase`: every other name is capitalised
            name, aliases = given[:1].upper() + given[1:], [given]
            report.fix("accounts", "name_capitalised", given=given, fixed=name)
        row.integer("year_established")  # checked, not stored (see maven.py)
        row.amount("revenue")
        accounts[name] = AccountRow(
            name=name, industry=_spelling(row.text("sector"), "sector", name, report),
            country=_spelling(row.text("office_location"), "office_location", name, report),
            employees=row.integer("employees"), parent=row.text("subsidiary_of"), aliases=aliases)
        names[given] = name
        parent_rows.append((row, accounts[name]))
    for row, account in parent_rows:
        if account.parent is not None:
            if account.parent not in names:
                raise row.fail("subsidiary_of", "not_an_account_here", value=account.parent)
            account.parent = names[account.parent]
    return accounts, names


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _deals(rows, products: dict, agents: dict[str, Agent], accounts: dict[str, str]) -> list[Deal]:
    catalogue = {_squash(name): name for name in products}
    seen: dict = {}
    deals = []
    for row in rows:
        deal_id = _unique(row, "opportunity_id", seen)
        agent = row.text("sales_agent", required=True)
        if agent not in agents:
            raise row.fail("sales_agent", "not_listed", value=agent, listing="sales_teams.csv")
        given = row.text("product", required=True)
        product = given if given in products else catalogue.get(_squash(given))
        if product is None:
            raise row.fail("product", "not_listed", value=given, listing="products.csv")
        account = row.text("account")
        if account is not None and account not in accounts:
            raise row.fail("account", "not_listed", value=account, listing="accounts.csv")
        stage = row.text("deal_stage", required=True)
        if stage not in DEAL_STAGES:
            raise row.fail("deal_stage", "not_one_of", value=stage, choices=list(DEAL_STAGES))
        deal = Deal(deal_id, agent, product, given, accounts.get(account), stage, row.date("engage_date"),
                    row.date("close_date"), row.amount("close_value"))
        if stage in CLOSED and deal.closed_on is None:
            raise row.fail("close_date", "close_date_missing", stage=stage)
        if stage == "Won" and deal.value is None:
            raise row.fail("close_value", "close_value_missing")
        deals.append(deal)
    return deals
