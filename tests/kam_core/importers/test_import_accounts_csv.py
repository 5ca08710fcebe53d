"""The generic accounts CSV import: our own header, or a CRM's export read through a column map."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, AccountAlias, AccountValue
from kam_core.actors import Actor
from kam_core.enums import Role, Tier
from kam_core.errors import ImportFailed, ImportProblems, InvalidInput
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.importers.source import parse_column_map
from kam_core.people.service import upsert_imported_person
from kam_core.policy import Policy
from templates import error_message, render

ACTOR = Actor.system("import:accounts")
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
BOM = "\ufeff"


def run(session, path):
    return import_accounts_csv(session, file=path, actor=ACTOR, policy=Policy(), now=NOW)


def csv_file(tmp_path, text, *, encoding="utf-8", name="accounts.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_csv_with_bom_and_columns_in_any_order(session, tmp_path):
    upsert_imported_person(session, name="Olga Owner", email="olga@example.com", role=Role.rep)
    path = csv_file(tmp_path, BOM + "revenue,name,owner_email,aliases,profit,cost_to_serve,industry,region\n"
                    "\"1,200,000\",Acme Corp,OLGA@example.com,ACME|Acme Inc.,-50000,20000,Retail,EMEA\n"
                    "300,Tiny Co,,,,,,\n")
    report = run(session, path)

    acme = session.scalar(select(Account).where(Account.name == "Acme Corp"))
    assert (acme.industry, acme.region, acme.owner.email) == ("Retail", "EMEA", "olga@example.com")
    assert [a.alias for a in acme.aliases] == ["ACME", "Acme Inc."]
    value = session.scalar(select(AccountValue).where(AccountValue.account_id == acme.id))
    assert (value.period, value.revenue, value.profit_contribution, value.cost_to_serve) == (
        "2026", Decimal("1200000"), Decimal("-50000"), Decimal("20000"))
    assert report.entities["accounts"].created == 2
    assert report.tiers[Tier.key] >= 1
    tiny = session.scalar(select(Account).where(Account.name == "Tiny Co"))
    assert tiny.computed_tier is not None and tiny.value_rank is not None


def test_reimport_changes_nothing_and_aliases_are_only_added(session, tmp_path):
    first = csv_file(tmp_path, "name,aliases,revenue\nAcme Corp,ACME,100\n")
    run(session, first)
    again = run(session, first)
    assert all((c.created, c.updated) == (0, 0) for c in again.entities.values())

    more = csv_file(tmp_path, "name,aliases\nacme corp,Acme Group\n", name="more.csv")
    report = run(session, more)

    assert report.entities["accounts"].unchanged == 1 and report.entities["aliases"].created == 1
    assert sorted(session.scalars(select(AccountAlias.alias))) == ["ACME", "Acme Group"]
    assert session.scalar(select(AccountValue.revenue)) == Decimal("100")  # empty/absent cells keep values


@pytest.mark.parametrize(("text", "encoding", "row", "field", "words"), [
    ("name,revenue\nAcme,-1\n", "utf-8", 2, "revenue", "negative"),
    ("name,cost_to_serve\nAcme,-1\n", "utf-8", 2, "cost_to_serve", "negative"),
    ("name,revenue\nAcme,lots\n", "utf-8", 2, "revenue", "not a number"),
    ("name,colour\nAcme,red\n", "utf-8", 1, "colour", "unknown column"),
    ("industry\nRetail\n", "utf-8", 1, "name", "missing"),
    ("name,industry\nAcme,x\n,Retail\n", "utf-8", 3, "name", "required"),
    ("name,industry\nAcme,x\nCafé Crème,Retail\n", "latin-1", 3, "name", "UTF-8"),
    ("name,owner_email\nAcme,nobody@example.com\n", "utf-8", 2, "owner_email", "not a known person"),
    ("name\nAcme\nACME\n", "utf-8", 3, "name", "twice"),
])
def test_bad_csv_names_file_row_and_field_and_writes_nothing(session, tmp_path, text, encoding, row, field, words):
    path = csv_file(tmp_path, text, encoding=encoding)

    with pytest.raises(ImportFailed) as failure:
        run(session, path)

    params = failure.value.params
    assert (params["file"], params["row"], params["field"]) == (str(path), row, field)
    assert words in error_message(failure.value)
    assert count(session, Account) == 0


# ---- A CRM's own export, read through a column map (`--map FIELD=COLUMN`) ----

CRM_EXPORT = Path(__file__).parents[2] / "data" / "accounts-crm-export.csv"
CRM_MAP = {"name": "Organization - Name", "industry": "organization - industry",  # any case
           "region": " Organization - Country of Address ", "revenue": "Organization - Annual revenue",
           "currency": "Organization - Currency of Annual revenue",
           "owner_email": "Organization - Account manager email"}


def run_mapped(session, path, columns, *, policy=None):
    return import_accounts_csv(session, file=path, actor=ACTOR, policy=policy or Policy(), columns=columns, now=NOW)


def value_of(session, name):
    return session.scalar(select(AccountValue).join(Account).where(Account.name == name))


def test_a_crm_export_imports_through_the_column_map_and_lists_the_columns_it_ignored(session):
    upsert_imported_person(session, name="Olga Owner", email="olga@example.com", role=Role.rep)

    report = run_mapped(session, CRM_EXPORT, CRM_MAP)

    assert report.entities["accounts"].created == 8 and report.entities["values"].created == 7
    nordwind = session.scalar(select(Account).where(Account.name == "Nordwind Logistik GmbH"))
    assert (nordwind.industry, nordwind.region, nordwind.owner.email) == ("Logistics", "Germany", "olga@example.com")
    assert session.scalar(select(Account.region).where(Account.name == "Qingshan Precision Machinery Co., Ltd.")) \
        == "China"
    qingshan = value_of(session, "Qingshan Precision Machinery Co., Ltd.")
    assert (qingshan.revenue, qingshan.currency, qingshan.period) == (Decimal("36000000"), "CNY", "2026")
    assert value_of(session, "Lumen Dental Group") is None  # no figures in its row
    ignored = report.issue("notes", "columns_not_mapped")
    assert ignored.count == 13 and ignored.params["columns"][:3] == [
        "Organization - ID", "Organization - Label", "Organization - Owner"]
    text = render("import_report.j2", report=report)
    assert "13 columns: not mapped, so ignored: Organization - ID, Organization - Label, Organization - Owner, " \
           "Organization - Address, Organization - People" in text
    assert "1 value: no currency given, so taken as USD (the reporting currency)" in text

    again = run_mapped(session, CRM_EXPORT, CRM_MAP)
    assert all((c.created, c.updated) == (0, 0) for c in again.entities.values())


def test_currency_is_stored_in_upper_case_and_defaults_to_the_reporting_currency(session):
    upsert_imported_person(session, name="Olga Owner", email="olga@example.com", role=Role.rep)

    report = run_mapped(session, CRM_EXPORT, CRM_MAP, policy=Policy(reporting_currency="CNY"))

    assert value_of(session, "Harbor & Finch Ltd").currency == "GBP"  # "gbp" in the file
    assert value_of(session, "Kestrel Aerospace SAS").currency == "EUR"  # "eur"
    assert value_of(session, "Brightwater Utilities").currency == "CNY"  # none given: the reporting currency
    assert report.issue("notes", "currency_defaulted").params == {"currency": "CNY"}


def test_a_currency_column_in_the_fixed_header(session, tmp_path):
    path = csv_file(tmp_path, "name,revenue,currency\nAcme,100,eur\nBeta,200,\n")
    run(session, path)
    assert (value_of(session, "Acme").currency, value_of(session, "Beta").currency) == ("EUR", "USD")


@pytest.mark.parametrize("currency", ["US$", "dollars", "EURO", "XYZ", "€"])
def test_a_bad_currency_names_row_and_field_and_writes_nothing(session, tmp_path, currency):
    path = csv_file(tmp_path, f"name,revenue,currency\nAcme,100,EUR\nBeta,200,{currency}\n")

    with pytest.raises(ImportFailed) as failure:
        run(session, path)

    assert (failure.value.params["row"], failure.value.params["field"]) == (3, "currency")
    assert error_message(failure.value) == (f"{path}, row 3, field “currency”: “{currency}” is not a currency code; "
                                            "write the 3-letter code, e.g. USD, EUR, CNY. Nothing was imported.")
    assert count(session, Account) == 0


def test_sixty_bad_rows_are_reported_fifty_then_a_count_and_nothing_is_written(session, tmp_path):
    good = [f"Good {n},100,USD" for n in range(20)]
    bad = [f"Bad {n},-{n + 1},USD" for n in range(60)]
    path = csv_file(tmp_path, "name,revenue,currency\n" + "\n".join(good + bad) + "\n")

    with pytest.raises(ImportProblems) as failure:
        run(session, path)

    lines = error_message(failure.value).splitlines()
    assert lines[0] == f"{path}: 60 problems, so nothing was imported. Correct them and import the file again:"
    assert lines[1] == "  row 22, field “revenue”: “-1” is negative; it must be 0 or more"  # header + 20 good rows
    assert lines[50] == "  row 71, field “revenue”: “-50” is negative; it must be 0 or more"
    assert lines[51:] == ["  and 10 more rows with problems"]
    assert count(session, Account) == 0 and count(session, AccountValue) == 0


def test_every_problem_of_every_row_is_reported_with_the_column_the_file_names(session, tmp_path):
    path = csv_file(tmp_path, "Company,Annual Revenue,Currency,Owner\n"
                    "Acme,lots,US$,nobody@example.com\n"
                    "Beta,100,EUR,\n"
                    "acme,5,EUR,\n")

    with pytest.raises(ImportProblems) as failure:
        run_mapped(session, path, {"name": "Company", "revenue": "annual revenue", "owner_email": "Owner"})

    assert [(p.params["row"], p.params["field"], p.problem) for p in failure.value.problems] == [
        (2, "Owner", "unknown_person"), (2, "Annual Revenue", "not_a_number"), (2, "Currency", "not_a_currency"),
        (4, "Company", "duplicate")]
    assert "row 2, field “Annual Revenue”: “lots” is not a number" in error_message(failure.value)
    assert count(session, Account) == 0


def test_a_column_named_as_a_field_feeds_it_unless_the_map_gives_that_field_another(session, tmp_path):
    path = csv_file(tmp_path, "Company,name,Industry,Sector\nAcme Corp,ACME-001,Retail,Consumer\n")

    report = run_mapped(session, path, {"name": "Company", "industry": "Sector"})

    acme = session.scalar(select(Account))
    assert (acme.name, acme.industry) == ("Acme Corp", "Consumer")
    assert report.issue("notes", "columns_not_mapped").params["columns"] == ["name", "Industry"]


@pytest.mark.parametrize(("columns", "row", "words"), [
    ({"nmae": "Organization - Name"}, None,
     "--map nmae=…: there is no field “nmae”; the fields are name, aliases, industry, region, owner_email, "
     "revenue, profit, cost_to_serve, currency"),
    ({"name": "Organisation - Name"}, 1,
     '--map name="Organisation - Name": the file has no column “Organisation - Name” (did you mean '
     "“Organization - Name”?); its columns are Organization - ID, Organization - Name,"),
    ({"revenue": "Organization - Annual revenue"}, 1,
     'field “name”: required column is missing; say which column of the file holds it with --map, e.g. --map '
     'name="Company Name"'),
])
def test_a_map_naming_no_field_or_no_column_is_an_error_naming_it_and_the_choices(session, columns, row, words):
    with pytest.raises(ImportFailed) as failure:
        run_mapped(session, CRM_EXPORT, columns)

    assert failure.value.params["row"] == row
    assert words in error_message(failure.value)
    assert count(session, Account) == 0


def test_without_a_map_an_export_of_another_crm_is_told_to_use_one(session):
    with pytest.raises(ImportFailed) as failure:
        run(session, CRM_EXPORT)

    assert error_message(failure.value) == (
        f"{CRM_EXPORT}, row 1, field “Organization - ID”: unknown column, as are 18 others; the columns are name, "
        "aliases, industry, region, owner_email, revenue, profit, cost_to_serve, currency; for an export from "
        'another CRM, say which of its columns feeds each field, e.g. --map name="Company Name" (the columns not '
        "mapped are then ignored). Nothing was imported.")


@pytest.mark.parametrize(("pairs", "expected"), [
    (['name=Company Name', ' Revenue = "Annual Revenue (USD)" '], {"name": "Company Name",
                                                                   "revenue": "Annual Revenue (USD)"}),
    (["name=A=B"], {"name": "A=B"}),
])
def test_map_options_are_read_as_field_and_column(pairs, expected):
    assert parse_column_map(pairs) == expected


@pytest.mark.parametrize(("pairs", "message"), [
    (["name"], '--map “name” is not FIELD=COLUMN; write it like --map name="Company Name".'),
    (["name="], '--map “name=” is not FIELD=COLUMN; write it like --map name="Company Name".'),
    (["name=A", "NAME=B"], "--map names the field “name” twice; give each field one column."),
])
def test_bad_map_options_say_how_to_write_them(pairs, message):
    with pytest.raises(InvalidInput) as failure:
        parse_column_map(pairs)
    assert error_message(failure.value) == message
