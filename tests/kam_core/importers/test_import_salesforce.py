"""The Salesforce DX import: the real sample files and hand-written variants."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.enums import AccountStatus, SizeSegment
from kam_core.errors import ImportFailed
from kam_core.importers.salesforce import import_salesforce
from kam_core.opportunities.models import Opportunity
from kam_core.policy import Policy
from templates import error_message
from tests.conftest import shared_path

ACTOR = Actor.system("import:salesforce")


def run(session, directory):
    return import_salesforce(session, directory=directory, actor=ACTOR, policy=Policy())


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def write(directory, name, records):
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(json.dumps({"records": records}), encoding="utf-8")


def account(ref, name, **fields):
    return {"attributes": {"type": "Account", "referenceId": ref}, "Name": name, **fields}


def test_salesforce_sample_imports_and_second_run_changes_nothing(session):
    directory = shared_path("data", "salesforce-lwc-recipes")
    report = run(session, directory)

    assert (count(session, Account), count(session, Contact), count(session, Opportunity)) == (10, 6, 20)
    assert [report.entities[e].created for e in ("accounts", "contacts", "opportunities")] == [10, 6, 20]
    alpha = session.scalar(select(Account).where(Account.name == "Alpha Dynamics"))
    assert (alpha.employees, alpha.size_segment, alpha.status) == (12345, SizeSegment.enterprise,
                                                                    AccountStatus.existing)
    amy = session.scalar(select(Contact).where(Contact.email == "amy@demo.net"))
    assert (amy.name, amy.title, amy.account_id) == ("Amy Taylor", "VP of Engineering", alpha.id)
    won = session.scalar(select(Opportunity).where(Opportunity.name == "API Integration Project"))
    assert (won.stage.name, won.amount, str(won.closed_on)) == ("Closed Won", Decimal("28500"), "2025-01-15")

    second = run(session, directory)
    assert all((c.created, c.updated) == (0, 0) for c in second.entities.values())
    assert (count(session, Account), count(session, Contact), count(session, Opportunity)) == (10, 6, 20)


def test_lower_case_keys_and_string_amounts(session, tmp_path):
    write(tmp_path, "Accounts.json", [
        {"attributes": {"referenceid": "A1"}, "name": "Lower Case Ltd", "type": "Prospect", "numberofemployees": "250"},
    ])
    write(tmp_path, "Opportunities.json", [
        {"attributes": {"referenceId": "O1"}, "accountId": "@A1", "name": "Big deal", "amount": "87,500.50",
         "closeDate": "2026-03-31", "stageName": "needs analysis"},
        {"attributes": {"referenceId": "O2"}, "ACCOUNTID": "@A1", "NAME": "Small deal", "AMOUNT": "125000",
         "STAGENAME": "Prospecting"},
    ])
    report = run(session, tmp_path)

    acct = session.scalar(select(Account).where(Account.name == "Lower Case Ltd"))
    assert (acct.status, acct.employees, acct.size_segment) == (AccountStatus.prospect, 250, SizeSegment.mid_market)
    deals = {o.name: o for o in session.scalars(select(Opportunity).where(Opportunity.account_id == acct.id))}
    assert deals["Big deal"].amount == Decimal("87500.50")
    assert deals["Big deal"].stage.name == "Needs Analysis"
    assert deals["Small deal"].amount == Decimal("125000")
    assert report.issue("notes", "file_missing").params == {"file": "Contacts.json"}


@pytest.mark.parametrize(("name", "record", "row", "field"), [
    ("Opportunities.json", {"AccountId": "@Nowhere", "Name": "X", "StageName": "Prospecting"}, 1, "AccountId"),
    ("Opportunities.json", {"AccountId": "@A1", "Name": "X", "StageName": "Maybe"}, 1, "StageName"),
    ("Opportunities.json", {"AccountId": "@A1", "Name": "X", "StageName": "Prospecting", "Amount": "-5"}, 1, "Amount"),
    ("Opportunities.json", {"AccountId": "@A1", "Name": "X", "StageName": "Prospecting", "CloseDate": "31/03/2026"},
     1, "CloseDate"),
    ("Contacts.json", {"AccountId": "@A2", "LastName": "Wu"}, 1, "AccountId"),
])
def test_bad_salesforce_records_name_file_row_and_field(session, tmp_path, name, record, row, field):
    write(tmp_path, "Accounts.json", [account("A1", "Only Account")])
    write(tmp_path, name, [record])

    with pytest.raises(ImportFailed) as failure:
        run(session, tmp_path)

    params = failure.value.params
    assert (params["file"], params["row"], params["field"]) == (str(tmp_path / name), row, field)
    assert count(session, Account) == 0


def test_malformed_json_is_refused(session, tmp_path):
    tmp_path.joinpath("Accounts.json").write_text('{"records": [', encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        run(session, tmp_path)
    assert "not valid JSON" in error_message(failure.value)
