"""The Salesforce import of an org's export as `sf data export tree --plan` writes it (tests/data/salesforce-org):
date-times where dates are meant, the org's own stages, IsWon / IsClosed / Probability, currencies."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.errors import ImportFailed
from kam_core.importers.salesforce import import_salesforce
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.policy import Policy
from templates import error_message, render
from tests.conftest import ROOT

ORG = ROOT / "tests" / "data" / "salesforce-org"
ACTOR = Actor.system("import:salesforce")


def run(session, **options):
    return import_salesforce(session, directory=ORG, actor=ACTOR, policy=Policy(), **options)


def notes(report) -> list[str]:
    lines = render("import_report.j2", report=report).splitlines()
    start = lines.index("Notes:")
    return [line for line in lines[start + 1:] if line.startswith("  - ")]


def deal(session, name) -> Opportunity:
    return session.scalar(select(Opportunity).where(Opportunity.name == name))


def pipeline(session) -> list[tuple]:
    return [(s.position, s.name, s.default_probability, s.is_open, s.is_won, s.is_lost)
            for s in session.scalars(select(Stage).order_by(Stage.position))]


def test_the_orgs_stages_are_mapped_by_name_and_reported_line_by_line(session):
    report = run(session, timezone="Europe/Berlin")

    assert [report.entities[e].created for e in ("accounts", "contacts", "opportunities")] == [8, 12, 26]
    assert notes(report) == [
        "  - 10 opportunities: date-times in “CloseDate” read as dates in Europe/Berlin (--timezone)",
        "  - 3 opportunities: stage “Discovery” → Prospecting (by name)",
        "  - 4 opportunities: stage “Initial Contact” → Prospecting (by name)",
        "  - 1 opportunity: stage “Proposal Price Quote” → Proposal/Price Quote (same name, spelt otherwise)",
        "  - 2 opportunities: stage “Contract Sent” → Negotiation/Review (by name)",
        "  - 3 opportunities: stage “Verbal Commit” → Negotiation/Review (by name)",
        "  - 4 opportunities: stage “Closed/Won” → Closed Won (same name, spelt otherwise)",
        "  - 2 opportunities: stage “Handover to Delivery” → Closed Won (IsWon)",
        "  - 2 opportunities: stage “closed won” → Closed Won (same name, spelt otherwise)",
        "  - 3 opportunities: stage “Closed-Lost” → Closed Lost (same name, spelt otherwise)",
        "  - 1 opportunity: stage “Not Now” → Closed Lost (IsClosed, not won)",
    ]
    assert len(pipeline(session)) == 10  # nothing added without --add-stages

    handover = deal(session, "Brightline - Self-Checkout Expansion")
    assert (handover.stage.name, handover.closed_on, handover.probability) == ("Closed Won", date(2025, 12, 19), 100)
    lost = deal(session, "Meridian - Drone Inspections")
    assert (lost.stage.name, lost.closed_on) == ("Closed Lost", date(2025, 11, 7))
    telematics = deal(session, "Nordwind - Fleet Telematics Rollout")
    assert (telematics.stage.name, telematics.closed_on, telematics.amount, telematics.currency) == (
        "Prospecting", None, Decimal("48500.00"), "EUR")
    # 2026-03-31 22:30 UTC is already 1 April in Berlin
    assert telematics.expected_close_date == date(2026, 4, 1)
    # no CurrencyIsoCode: the org has one currency, taken as the reporting currency
    assert deal(session, "Brightline - POS Refresh").currency == "USD"
    assert deal(session, "Brightline - POS Refresh").amount == Decimal("1150000")
    katrin = session.scalar(select(Contact).where(Contact.email == "k.vogel@nordwind-logistik.example"))
    assert (katrin.name, katrin.birthday) == ("Katrin Vogel", date(1978, 4, 12))


def test_importing_the_org_again_changes_nothing(session):
    run(session, timezone="Europe/Berlin")
    second = run(session, timezone="Europe/Berlin")

    assert [second.entities[e].unchanged for e in ("accounts", "contacts", "opportunities")] == [8, 12, 26]
    assert all((c.created, c.updated) == (0, 0) for c in second.entities.values())


@pytest.mark.parametrize(("timezone", "day"), [("Asia/Shanghai", date(2025, 9, 16)), ("UTC", date(2025, 9, 15)),
                                               ("America/Los_Angeles", date(2025, 9, 15))])
def test_a_close_given_as_a_date_time_is_its_day_in_the_orgs_timezone(session, timezone, day):
    """"2025-09-15T23:30:00.000+0000" is 07:30 the next morning in Shanghai."""
    report = run(session, timezone=timezone)

    scanners = deal(session, "Suzhou Precision - Quality Vision System")
    assert (scanners.expected_close_date, scanners.closed_on) == (day, day)
    assert notes(report)[0] == (f"  - 10 opportunities: date-times in “CloseDate” read as dates in {timezone} "
                                "(--timezone)")


def test_add_stages_adds_each_unknown_stage_where_its_use_puts_it(session):
    report = run(session, add_stages=True)

    assert notes(report)[1:7] == [
        "  - 4 opportunities: added stage “Initial Contact” at position 2, 10%, open",
        "  - 3 opportunities: added stage “Discovery” at position 4, 20%, open",
        "  - 2 opportunities: added stage “Contract Sent” at position 10, 80%, open",
        "  - 3 opportunities: added stage “Verbal Commit” at position 12, 90%, open",
        "  - 2 opportunities: added stage “Handover to Delivery” at position 14, 100%, won",
        "  - 1 opportunity: added stage “Not Now” at position 16, 0%, lost",
    ]
    assert pipeline(session) == [
        (1, "Prospecting", 10, True, False, False), (2, "Initial Contact", 10, True, False, False),
        (3, "Qualification", 20, True, False, False), (4, "Discovery", 20, True, False, False),
        (5, "Needs Analysis", 30, True, False, False), (6, "Value Proposition", 40, True, False, False),
        (7, "Id. Decision Makers", 50, True, False, False), (8, "Perception Analysis", 60, True, False, False),
        (9, "Proposal/Price Quote", 70, True, False, False), (10, "Contract Sent", 80, True, False, False),
        (11, "Negotiation/Review", 85, True, False, False), (12, "Verbal Commit", 90, True, False, False),
        (13, "Closed Won", 100, False, True, False), (14, "Handover to Delivery", 100, False, True, False),
        (15, "Closed Lost", 0, False, False, True), (16, "Not Now", 0, False, False, True),
    ]
    assert deal(session, "Nordwind - Warehouse Robotics").stage.name == "Verbal Commit"
    assert deal(session, "Nordwind - Driver App").closed_on == date(2026, 1, 16)

    again = run(session, add_stages=True)
    assert not [line for line in notes(again) if "added stage" in line]
    assert all((c.created, c.updated) == (0, 0) for c in again.entities.values())
    assert len(pipeline(session)) == 16
    # the added stages are the pipeline's now: a run without --add-stages finds them by name
    plain = run(session)
    assert not [line for line in notes(plain) if "Verbal Commit" in line]
    assert all((c.created, c.updated) == (0, 0) for c in plain.entities.values())


def test_a_stage_map_wins_over_names_spellings_and_flags(session, tmp_path):
    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("source_stage,stage\nVerbal Commit,proposal/price quote\nHandover to Delivery,"
                         "Negotiation/Review\nclosed/won,Closed Won\n", encoding="utf-8")

    report = run(session, stage_map=stage_map)

    lines = notes(report)
    assert "  - 3 opportunities: stage “Verbal Commit” → Proposal/Price Quote (your --stage-map)" in lines
    assert "  - 2 opportunities: stage “Handover to Delivery” → Negotiation/Review (your --stage-map)" in lines
    assert "  - 4 opportunities: stage “Closed/Won” → Closed Won (your --stage-map)" in lines
    assert "  - 4 opportunities: stage “Initial Contact” → Prospecting (by name)" in lines  # not in the map
    handover = deal(session, "Nordwind - Driver App")
    assert (handover.stage.name, handover.closed_on) == ("Negotiation/Review", None)


def test_a_stage_map_naming_no_pipeline_stage_names_its_file_and_line(session, tmp_path):
    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("source_stage,stage\nVerbal Commit,Negotiation/Review\nNot Now,Parked\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        run(session, stage_map=stage_map)

    assert error_message(failure.value) == (
        f"{stage_map}, row 3, field “stage”: “Parked” is not a stage of the pipeline; the stages are Prospecting, "
        "Qualification, Needs Analysis, Value Proposition, Id. Decision Makers, Perception Analysis, "
        "Proposal/Price Quote, Negotiation/Review, Closed Won, Closed Lost. Nothing was imported.")
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_an_unknown_timezone_is_refused(session):
    with pytest.raises(ImportFailed) as failure:
        run(session, timezone="Mars/Olympus")
    assert error_message(failure.value) == (f"{ORG}: “Mars/Olympus” is not a timezone; give the org's as an IANA "
                                            "name such as Europe/Berlin or Asia/Shanghai. Nothing was imported.")
