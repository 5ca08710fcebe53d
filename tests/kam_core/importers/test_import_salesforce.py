"""The Salesforce DX import: the real sample files and hand-written variants."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.enums import AccountStatus, SizeSegment
from kam_core.errors import ImportFailed, ImportProblems
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

    assert report.notes == []  # the sample spells every stage as the pipeline does, gives dates as dates

    second = run(session, directory)
    assert [second.entities[e].unchanged for e in ("accounts", "contacts", "opportunities")] == [10, 6, 20]
    assert all((c.created, c.updated, c.skipped) == (0, 0, 0) for c in second.entities.values())
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
    assert report.issue("notes", "none_in_export").params == {"sobject": "Contact"}


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


def test_a_plan_names_the_files_to_read_as_sf_writes_them(session, tmp_path):
    """`sf data export tree --plan --prefix demo`: demo-Account.json, demo-Opportunity.json and the plan
    naming them; the legacy command's Opportunitys.json spelling is just another file a plan names."""
    write(tmp_path, "demo-Account.json", [account("AccountRef1", "Planned Ltd")])
    write(tmp_path, "Opportunitys.json", [
        {"attributes": {"type": "Opportunity", "referenceId": "OpportunityRef1"}, "AccountId": "@AccountRef1",
         "Name": "Planned deal", "StageName": "Qualification", "Amount": 1000}])
    write(tmp_path, "Stray.json", [account("AccountRef9", "Not In The Plan")])
    (tmp_path / "demo-Account-Opportunity-plan.json").write_text(json.dumps([
        {"sobject": "Account", "saveRefs": True, "resolveRefs": False, "files": ["demo-Account.json"]},
        {"sobject": "Opportunity", "saveRefs": False, "resolveRefs": True, "files": ["Opportunitys.json"]},
    ]), encoding="utf-8")

    report = run(session, tmp_path)

    assert [a.name for a in session.scalars(select(Account))] == ["Planned Ltd"]
    deal = session.scalar(select(Opportunity))
    assert (deal.name, deal.stage.name, deal.amount) == ("Planned deal", "Qualification", Decimal("1000"))
    assert report.issue("notes", "none_in_export").params == {"sobject": "Contact"}


def test_children_inside_their_account_belong_to_it(session, tmp_path):
    """Without --plan, a relationship query writes Account-Contact-Opportunity.json: each Account carries
    its Contacts and Opportunities, which name no AccountId. Other objects (Cases) are reported, not read."""
    write(tmp_path, "Account-Contact-Opportunity.json", [
        {**account("AccountRef1", "Nested Corp"),
         "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "ContactRef1"},
                                   "FirstName": "Ada", "LastName": "Byron", "Email": "ADA@nested.example"}]},
         "Opportunities": {"records": [
             {"attributes": {"type": "Opportunity", "referenceId": "OpportunityRef1"}, "Name": "Inner deal",
              "StageName": "Closed Won", "CloseDate": "2025-05-02", "Amount": "2,500"}]},
         "Cases": {"records": [{"attributes": {"type": "Case", "referenceId": "CaseRef1"}, "Subject": "Help"},
                               {"attributes": {"type": "Case", "referenceId": "CaseRef2"}, "Subject": "More"}]}},
        {**account("AccountRef2", "Childless Corp"), "Opportunities": {"records": []}},
    ])
    tmp_path.joinpath("sfdx-project.json").write_text('{"packageDirectories": []}', encoding="utf-8")

    report = run(session, tmp_path)

    nested = session.scalar(select(Account).where(Account.name == "Nested Corp"))
    ada = session.scalar(select(Contact))
    deal = session.scalar(select(Opportunity))
    assert (ada.account_id, ada.name, ada.email) == (nested.id, "Ada Byron", "ada@nested.example")
    assert (deal.account_id, deal.amount, str(deal.closed_on)) == (nested.id, Decimal("2500"), "2025-05-02")
    assert count(session, Account) == 2
    cases = report.issue("notes", "sobject_not_imported")
    assert (cases.entity, cases.count, cases.params) == ("records", 2, {"sobject": "Case"})
    assert report.issue("notes", "not_tree_file").params == {"file": "sfdx-project.json"}


def test_every_bad_record_is_reported_at_once_with_its_file_and_place(session, tmp_path):
    write(tmp_path, "Account-Opportunity.json", [
        {**account("AccountRef1", "Acme"), "NumberOfEmployees": "many",
         "Opportunities": {"records": [
             {"attributes": {"type": "Opportunity"}, "Name": "A", "StageName": "Gathering Dust"},
             {"attributes": {"type": "Opportunity"}, "Name": "B", "StageName": "Prospecting", "Amount": "lots",
              "IsWon": "maybe", "CurrencyIsoCode": "Euro", "Probability": "150"}]}},
    ])
    write(tmp_path, "Contacts.json", [{"AccountId": "@AccountRef7", "LastName": "Wu"}])

    with pytest.raises(ImportProblems) as failure:
        run(session, tmp_path)

    nested = str(tmp_path / "Account-Opportunity.json")
    found = [(p.params["file"], p.params["row"], p.params["field"], p.problem) for p in failure.value.problems]
    assert found == [
        (nested, 1, "NumberOfEmployees", "not_a_number"),
        (str(tmp_path / "Contacts.json"), 1, "AccountId", "no_such_account_ref"),
        (nested, "1 › Opportunities › 1", "StageName", "stage_unmappable"),
        (nested, "1 › Opportunities › 2", "Amount", "not_a_number"),
        (nested, "1 › Opportunities › 2", "Probability", "not_a_percentage"),
        (nested, "1 › Opportunities › 2", "IsWon", "not_true_or_false"),
        (nested, "1 › Opportunities › 2", "CurrencyIsoCode", "not_a_currency"),
    ]
    message = error_message(failure.value)
    assert message.splitlines()[0] == (f"{tmp_path}: 7 problems, so nothing was imported. Correct them and "
                                       "import the file again:")
    assert (f"  {nested}, row 1 › Opportunities › 1, field “StageName”: “Gathering Dust” is not a stage of the "
            "pipeline and nothing in its name or the record says which it is like; import with --add-stages to "
            "add it to the pipeline, or map it to a stage with --stage-map FILE (docs/imports.md, “Stages”)"
            ) in message.splitlines()
    assert count(session, Account) == 0 and count(session, Opportunity) == 0


def test_a_folder_without_accounts_is_refused(session, tmp_path):
    write(tmp_path, "Contacts.json", [{"LastName": "Wu"}])
    with pytest.raises(ImportFailed) as failure:
        run(session, tmp_path)
    assert error_message(failure.value).startswith(f"{tmp_path}: no Account records here;")
