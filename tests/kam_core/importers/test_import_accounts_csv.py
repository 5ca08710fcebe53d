"""The generic accounts CSV import."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, AccountAlias, AccountValue
from kam_core.actors import Actor
from kam_core.enums import Role, Tier
from kam_core.errors import ImportFailed
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.people.service import upsert_imported_person
from kam_core.policy import Policy
from templates import error_message

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
