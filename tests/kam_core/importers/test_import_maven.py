"""The Maven "CRM Sales Opportunities" import, on the real files."""

import shutil
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, AccountAlias, AccountValue, Product
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Lever, Role, Tier
from kam_core.errors import Forbidden, ImportFailed
from kam_core.importers.maven import import_maven
from kam_core.opportunities.models import Opportunity
from kam_core.people.models import Person
from kam_core.policy import Policy
from tests.conftest import shared_path

ACTOR = Actor.system("import:maven")


def run(session, directory):
    return import_maven(session, directory=directory, actor=ACTOR, policy=Policy())


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_maven_import_creates_everything_and_reports_the_fixes(session):
    report = run(session, shared_path("data", "maven-crm"))

    assert count(session, Account) == 85
    assert count(session, Product) == 7
    assert count(session, Person, Person.role == Role.rep) == 35
    assert count(session, Person, Person.role == Role.manager) == 6
    assert count(session, Opportunity, Opportunity.source == "maven") == 8800 - 1425
    assert count(session, Account, Account.parent_id.is_not(None)) == 15
    assert report.entities["accounts"].created == 85
    assert report.entities["opportunities"].created == 8800 - 1425
    assert report.entities["opportunities"].skipped == 1425
    assert report.issue("skips", "no_account").count == 1425

    sectors = [i for i in report.fixes if i.code == "spelling" and i.params["field"] == "sector"]
    assert [(i.params["given"], i.params["fixed"], i.count) for i in sectors] == [("technolgy", "technology", 12)]
    assert count(session, Account, Account.industry == "technolgy") == 0
    assert session.scalar(select(Account.country).where(Account.name == "Bioholding")) == "Philippines"
    dambase = session.scalar(select(Account).where(Account.name == "Dambase"))
    assert [a.alias for a in dambase.aliases] == ["dambase"]
    assert report.issue("fixes", "name_capitalised").params == {"given": "dambase", "fixed": "Dambase"}
    renamed = report.issue("fixes", "product_renamed")
    assert (renamed.params, renamed.count > 0) == ({"given": "GTXPro", "product": "GTX Pro"}, True)
    assert count(session, Opportunity, Opportunity.product_id.is_(None)) == 0
    assert report.issue("notes", "agent_without_deals").count == 5


def test_maven_deals_and_accounts_carry_the_documented_mapping(session):
    run(session, shared_path("data", "maven-crm"))

    won = session.scalar(select(Opportunity).where(Opportunity.external_id == "1C1I7A6R"))
    assert (won.stage.name, won.amount, won.name) == ("Closed Won", Decimal("1054"), "GTX Plus Basic for Cancity")
    assert won.closed_on == won.expected_close_date and won.owner.name == "Moses Frase"
    lost = session.scalars(select(Opportunity).where(Opportunity.stage.has(is_lost=True)))
    assert all(o.amount == o.product.list_price for o in lost)
    levers = set(session.scalars(select(Opportunity.lever).distinct()))
    assert levers == {Lever.new_core, Lever.cross_sell, Lever.raise_usage}

    acme = session.scalar(select(Account).where(Account.name == "Acme Corporation"))
    assert (acme.industry, acme.region, acme.size_segment.value, acme.status.value) == (
        "technology", "Americas", "enterprise", "existing")
    assert acme.owner.role == Role.rep
    children = session.scalars(select(Account.name).where(Account.parent_id == acme.id)).all()
    assert "Bluth Company" in children
    revenue = session.scalar(select(func.sum(AccountValue.revenue)))
    won_total = session.scalar(select(func.sum(Opportunity.amount)).where(Opportunity.stage.has(is_won=True)))
    assert revenue == won_total


def test_second_maven_import_changes_nothing(session):
    directory = shared_path("data", "maven-crm")
    run(session, directory)
    second = run(session, directory)

    for name, counts in second.entities.items():
        assert (name, counts.created, counts.updated) == (name, 0, 0)
    assert second.entities["opportunities"].unchanged == 8800 - 1425
    assert count(session, Account) == 85
    assert count(session, AccountAlias) == 1
    assert count(session, AuditEntry, AuditEntry.action == "import_maven") == 2


def test_tiers_are_current_after_the_maven_import(session):
    report = run(session, shared_path("data", "maven-crm"))

    top = session.scalar(select(Account).order_by(Account.value_rank).limit(1))
    assert top.value_rank == 1 and top.computed_tier == Tier.key
    assert report.tiers[Tier.key] == count(session, Account, Account.computed_tier == Tier.key) > 0
    assert sum(report.tiers.values()) == 85


def corrupted_copy(tmp_path, file, old, new):
    target = tmp_path / "maven"
    shutil.copytree(shared_path("data", "maven-crm"), target)
    path = target / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize(("file", "old", "new", "row", "field"), [
    ("sales_pipeline.csv", "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20",
     "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-13-20", 2, "engage_date"),
    ("sales_pipeline.csv", "2017-03-11,4514", "2017-03-11,-4514", 3, "close_value"),
    ("sales_pipeline.csv", "Codehow,Won", "Nowhere Inc,Won", 5, "account"),
    ("products.csv", "product,series,sales_price", "product,series,sales_price,colour", 1, "colour"),
    ("accounts.csv", "Acme Corporation,technolgy,1996", "Acme Corporation,technolgy,nineteen", 2, "year_established"),
])
def test_bad_maven_input_names_file_row_and_field_and_writes_nothing(session, tmp_path, file, old, new, row, field):
    directory = corrupted_copy(tmp_path, file, old, new)
    before = [count(session, m) for m in (Account, Person, Product, Opportunity, AuditEntry)]

    with pytest.raises(ImportFailed) as failure:
        run(session, directory)

    assert failure.value.params["file"] == str(directory / file)
    assert (failure.value.params["row"], failure.value.params["field"]) == (row, field)
    assert [count(session, m) for m in (Account, Person, Product, Opportunity, AuditEntry)] == before


def test_only_admins_import(session):
    rep = Actor(person_id=None, role=Role.rep, label="rep@example.com")
    with pytest.raises(Forbidden):
        import_maven(session, directory=shared_path("data", "maven-crm"), actor=rep, policy=Policy())
