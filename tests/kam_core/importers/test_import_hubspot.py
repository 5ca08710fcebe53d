"""The HubSpot import: the sample exports in tests/data/hubspot and hand-made variants of them."""

import csv
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, AccountValue, Contact
from kam_core.actors import Actor
from kam_core.enums import AccountStatus, SizeSegment
from kam_core.errors import ImportFailed, ImportProblems
from kam_core.importers.hubspot import import_hubspot
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.policy import Policy
from templates import error_message, render
from tests.factories import make_account, make_person

SAMPLE = Path(__file__).parents[2] / "data" / "hubspot"
COMPANIES = "hubspot-crm-exports-all-companies-2026-11-30.csv"
CONTACTS = "hubspot-crm-exports-all-contacts-2026-11-30.csv"
DEALS = "hubspot-crm-exports-all-deals-2026-11-30.csv"
ACTOR = Actor.system("import:hubspot")
HUBSPOT_DEFAULT_STAGES = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                          "Decision Maker Bought-In", "Contract Sent"]


def run(session, directory, **options):
    return import_hubspot(session, directory=directory, actor=ACTOR, policy=Policy(), **options)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def owners(session):
    return (make_person(session, name="Dana Whitfield", email="dana.whitfield@kam-sales.example"),
            make_person(session, name="Sam Lee", email="sam.lee@kam-sales.example"))


def copy_sample(tmp_path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(SAMPLE, target)
    return target


def edit(path: Path, record_id: str, **cells) -> None:
    """Set cells (by column) of the row whose Record ID is `record_id`, keeping HubSpot's quoting."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    for row in rows:
        if row["Record ID"] == record_id:
            row.update(cells)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write(path: Path, header: list[str], *rows: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerows([header, *rows])


def deal(session, record_id) -> Opportunity:
    return session.scalar(select(Opportunity).where(Opportunity.source == "hubspot",
                                                    Opportunity.external_id == record_id))


def test_the_sample_imports_with_a_complete_report_and_a_second_run_changes_nothing(session):
    dana, sam = owners(session)
    report = run(session, SAMPLE, timezone="Europe/Berlin")

    assert [(report.entities[e].created, report.entities[e].skipped) for e in ("accounts", "contacts",
                                                                               "opportunities")] \
        == [(8, 0), (11, 1), (20, 0)]
    assert (count(session, Account), count(session, Contact), count(session, Opportunity)) == (8, 11, 20)
    brightline = session.scalar(select(Account).where(Account.name == "Brightline Logistics"))
    assert (brightline.employees, brightline.size_segment, brightline.status, brightline.owner_id,
            brightline.industry, brightline.country) \
        == (1200, SizeSegment.enterprise, AccountStatus.existing, dana.id, "Transportation/Trucking/Railroad",
            "United States")
    canada = session.scalar(select(Account).where(Account.name == "Brightline Logistics Canada"))
    assert canada.parent_id == brightline.id
    nordhafen = session.scalar(select(Account).where(Account.name == "Nordhafen Maschinenbau GmbH"))
    assert nordhafen.owner_id == sam.id  # "Sam Lee (sam.lee@kam-sales.example)": by the email
    vela = session.scalar(select(Account).where(Account.name == "Vela Software AB"))
    assert (vela.owner_id, vela.status) == (None, AccountStatus.prospect)  # "Jordan Patel" is no one we know
    xinghe = session.scalar(select(Account).where(Account.name == "深圳市星河电子有限公司"))
    wang = session.scalar(select(Contact).where(Contact.email == "wang.fang@xinghe-elec.cn"))
    assert (wang.name, wang.title, wang.account_id) == ("王芳", "采购总监", xinghe.id)
    priya = session.scalar(select(Contact).where(Contact.name == "Priya Nair"))
    assert priya.account_id == canada.id  # the first of her two companies
    # The companies' own "Annual Revenue" is not their value with us.
    assert session.scalar(select(func.count()).select_from(AccountValue)
                          .where(AccountValue.revenue == Decimal("250000000"))) == 0

    won_eur = deal(session, "9100004")
    assert (won_eur.name, won_eur.amount, won_eur.currency, won_eur.stage.name, won_eur.closed_on,
            won_eur.engaged_on, won_eur.owner_id) \
        == ("Nordhafen – Wartungsvertrag 2026", Decimal("96000.00"), "EUR", "Closed Won", date(2026, 3, 14),
            date(2025, 12, 1), sam.id)
    yuan = deal(session, "9100006")
    assert (yuan.amount, yuan.currency, yuan.account_id, yuan.closed_on, yuan.expected_close_date) \
        == (Decimal("1250000"), "CNY", xinghe.id, None, date(2027, 3, 31))
    assert deal(session, "9100008").account_id == canada.id  # two companies: the first
    assert deal(session, "9100011").stage.name == "Closed Lost"
    for label in HUBSPOT_DEFAULT_STAGES:  # each of HubSpot's open default stages lands on an open stage
        stages = {o.stage for o in session.scalars(select(Opportunity)) if o.external_id in _ids_in(label)}
        assert stages and all(s.is_open for s in stages), label

    text = render("import_report.j2", report=report)
    for line in [
        "accounts               8 created      0 updated      0 unchanged      0 skipped",
        "contacts              11 created      0 updated      0 unchanged      1 skipped",
        "opportunities         20 created      0 updated      0 unchanged      0 skipped",
        "1 contact: associated with no company, so not imported (associate them in HubSpot and export again) "
        "(e.g. Sofia Rossi)",
        f"1 file: read {COMPANIES} as the companies export (8 records)",
        f"1 file: read {DEALS} as the deals export (20 records)",
        "1 opportunity: associated with several companies: imported on the first (the primary one, when the "
        "export marks it) (e.g. Brightline Canada – cross-border tracking)",
        "5 accounts: “Annual Revenue” is the company's own turnover, not its business with us, so it is not "
        "stored as the account's value",
        "20 opportunities: date-times in “Create Date” read as dates in Europe/Berlin (--timezone)",
        "5 columns: of the companies export, not imported (nothing in KAM holds them): City, Create Date, "
        "Last Activity Date, Phone Number, Support Plan",
        "3 columns: of the deals export, not imported (nothing in KAM holds them): Deal Type, Last Activity Date, "
        "Forecast category",
        "2 opportunities: owner is no known person (by email, else exact name), so the owner was left as it "
        "was; add them with `kam users add` and import again (e.g. Jordan Patel)",
        "3 opportunities: stage “Contract Sent” → Negotiation/Review (by name)",
    ]:
        assert line in text, line
    for label in HUBSPOT_DEFAULT_STAGES:
        assert f"stage “{label}” → " in text, label

    second = run(session, SAMPLE, timezone="Europe/Berlin")
    assert all((c.created, c.updated) == (0, 0) for c in second.entities.values())
    assert (count(session, Account), count(session, Contact), count(session, Opportunity)) == (8, 11, 20)
    assert "nothing new, everything already up to date" in render("import_report.j2", report=second)


def _ids_in(label: str) -> set[str]:
    with (SAMPLE / DEALS).open(encoding="utf-8", newline="") as f:
        return {row["Record ID"] for row in csv.DictReader(f) if row["Deal Stage"] == label}


def test_every_bad_value_of_every_file_is_reported_at_once_and_nothing_is_written(session, tmp_path):
    directory = copy_sample(tmp_path)
    edit(directory / COMPANIES, "18203567002", **{"Number of Employees": "about 900"})
    edit(directory / CONTACTS, "51004", **{"Associated Company IDs": "18203567999"})
    edit(directory / DEALS, "9100003", **{"Amount": "15k€", "Close Date": "26/02/2027"})
    edit(directory / DEALS, "9100005", Currency="EURO")
    edit(directory / DEALS, "9100009", **{"Record ID": "9100008"})

    with pytest.raises(ImportProblems) as failure:
        run(session, directory)

    found = [(Path(p.params["file"]).name, p.params["row"], p.params["field"], p.problem)
             for p in failure.value.problems]
    assert sorted(found) == sorted([
        (COMPANIES, 3, "Number of Employees", "not_a_number"),
        (CONTACTS, 5, "Associated Company IDs", "unknown_reference"),
        (DEALS, 4, "Amount", "not_a_number"),
        (DEALS, 4, "Close Date", "not_a_date"),
        (DEALS, 6, "Currency", "not_a_currency"),
        (DEALS, 10, "Record ID", "duplicate"),
    ])
    message = error_message(failure.value)
    assert message.startswith(f"{directory}: 6 problems, so nothing was imported.")
    assert f"{directory / DEALS}, row 6, field “Currency”: “EURO” is not a currency code" in message
    assert f"{directory / CONTACTS}, row 5, field “Associated Company IDs”: “18203567999” refers to no record " \
           f"in {COMPANIES}" in message
    assert (count(session, Account), count(session, Contact), count(session, Opportunity)) == (0, 0, 0)


def test_files_are_found_by_their_columns_whatever_their_names(session, tmp_path):
    directory = tmp_path / "renamed"
    directory.mkdir()
    for name, new in ((COMPANIES, "firmen.csv"), (CONTACTS, "people.CSV"), (DEALS, "pipeline export.csv")):
        shutil.copy(SAMPLE / name, directory / new)
    write(directory / "tickets.csv", ["Record ID", "Ticket name", "Ticket status"], ["1", "Printer", "Open"])

    report = run(session, directory)

    assert [report.entities[e].created for e in ("accounts", "contacts", "opportunities")] == [8, 11, 20]
    text = render("import_report.j2", report=report)
    assert "1 file: read people.CSV as the contacts export (12 records)" in text
    assert "1 file: tickets.csv is not a HubSpot export of companies, contacts or deals" in text


def test_a_folder_without_a_companies_export_is_refused(session, tmp_path):
    shutil.copy(SAMPLE / DEALS, tmp_path / DEALS)

    with pytest.raises(ImportFailed) as failure:
        run(session, tmp_path)

    assert error_message(failure.value) == (f"{tmp_path / 'hubspot-crm-exports-all-companies-YYYY-MM-DD.csv'}: "
                                            "no such file. Nothing was imported.")


def test_associations_by_name_reach_stored_accounts_and_a_deal_without_a_company_is_skipped(session, tmp_path):
    stored = make_account(session, name="Globex Corporation")
    write(tmp_path / "companies.csv", ["Record ID", "Company name"], ["1", "Initech"])
    write(tmp_path / "deals.csv", ["Record ID", "Deal Name", "Deal Stage", "Amount", "Associated Company"],
          ["11", "Globex renewal", "Closed Won", "1,000", "globex corporation"],
          ["12", "Initech upsell", "Qualified To Buy", "2,500.50", "Initech"],
          ["13", "Orphan deal", "Contract Sent", "", ""])

    report = run(session, tmp_path)

    assert deal(session, "11").account_id == stored.id
    assert (deal(session, "12").amount, deal(session, "12").currency) == (Decimal("2500.50"), "USD")
    assert deal(session, "13") is None
    assert (report.entities["opportunities"].created, report.entities["opportunities"].skipped) == (2, 1)
    text = render("import_report.j2", report=report)
    assert "2 opportunities: no currency given, so taken as USD (the reporting currency)" in text
    assert "1 opportunity: associated with no company, so not imported" in text


def test_add_stages_adds_hubspots_default_stages_with_their_documented_probabilities(session):
    owners(session)
    report = run(session, SAMPLE, add_stages=True)

    added = {s.name: s for s in session.scalars(select(Stage)) if s.name in HUBSPOT_DEFAULT_STAGES}
    assert {name: s.default_probability for name, s in added.items()} == {
        "Appointment Scheduled": 20, "Qualified To Buy": 40, "Presentation Scheduled": 60,
        "Decision Maker Bought-In": 80, "Contract Sent": 90}
    positions = [added[name].position for name in HUBSPOT_DEFAULT_STAGES]
    assert positions == sorted(positions) and all(s.is_open for s in added.values())
    assert deal(session, "9100002").stage.name == "Contract Sent"
    assert {i.params["stage"] for i in report.notes if i.code == "stage_added"} == set(HUBSPOT_DEFAULT_STAGES)


def test_a_stage_map_file_decides_where_a_label_goes(session, tmp_path):
    owners(session)
    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("source_stage,stage\nAppointment Scheduled,Prospecting\n", encoding="utf-8")

    report = run(session, SAMPLE, stage_map=stage_map)

    assert deal(session, "9100003").stage.name == "Prospecting"
    assert "3 opportunities: stage “Appointment Scheduled” → Prospecting" in render("import_report.j2",
                                                                                   report=report)


def test_date_times_are_read_in_the_accounts_timezone(session, tmp_path):
    write(tmp_path / "companies.csv", ["Record ID", "Company name"], ["1", "Initech"])
    write(tmp_path / "deals.csv", ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date",
                                   "Associated Company IDs"],
          ["11", "Late-night close", "Closed Won", "2026-03-14T23:30:00Z", "2026-01-05 14:22", "1"])

    run(session, tmp_path, timezone="Asia/Shanghai")

    won = deal(session, "11")
    assert (won.closed_on, won.engaged_on) == (date(2026, 3, 15), date(2026, 1, 5))


def test_an_unknown_timezone_is_refused(session):
    with pytest.raises(ImportFailed) as failure:
        run(session, SAMPLE, timezone="Mars/Olympus")
    assert "“Mars/Olympus” is not a timezone" in error_message(failure.value)


def test_a_record_saying_it_is_won_goes_to_the_won_stage_whatever_its_label(session, tmp_path):
    write(tmp_path / "companies.csv", ["Record ID", "Company name"], ["1", "Initech"])
    write(tmp_path / "deals.csv", ["Record ID", "Deal Name", "Deal Stage", "Is Closed Won", "Associated Company IDs"],
          ["11", "Handshake", "Verbal yes from the board", "true", "1"],
          ["12", "Maybe", "Waiting", "perhaps", "1"])

    with pytest.raises(ImportFailed) as failure:
        run(session, tmp_path)
    assert error_message(failure.value) == (f"{tmp_path / 'deals.csv'}, row 3, field “Is Closed Won”: “perhaps” is "
                                            "neither true nor false. Nothing was imported.")

    write(tmp_path / "deals.csv", ["Record ID", "Deal Name", "Deal Stage", "Is Closed Won", "Associated Company IDs"],
          ["11", "Handshake", "Verbal yes from the board", "true", "1"])
    run(session, tmp_path)
    assert deal(session, "11").stage.is_won
