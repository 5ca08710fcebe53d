"""The stage rule every CRM import shares (kam_core.importers.stages; docs/imports.md, "Stages")."""

import pytest

from kam_core.errors import ImportFailed, ImportProblems
from kam_core.importers.report import ReportBuilder
from kam_core.importers.source import Row
from kam_core.importers.stages import StageMapper, normal, read_stage_map
from templates import render

ROW = Row("deals.json", 4, {})


def resolve(session, name, **flags):
    return StageMapper(session).resolve(name, row=ROW, field="StageName", **flags).name


def report_lines(mapper) -> list[str]:
    report = ReportBuilder("test", "deals.json", ["opportunities"])
    mapper.finish(report)
    return [line for line in render("import_report.j2", report=report.build()).splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize(("given", "expected"), [
    ("Closed/Won", "closed won"), ("Closed-Won", "closed won"), ("closed  won ", "closed won"),
    ("CLOSED_WON", "closed won"), ("Proposal Price Quote", "proposal price quote"),
])
def test_spellings_compare_as_one(given, expected):
    assert normal(given) == expected


@pytest.mark.parametrize(("given", "stage"), [
    ("Closed/Won", "Closed Won"), ("closed won", "Closed Won"), ("Closed-Lost", "Closed Lost"),
    ("Proposal Price Quote", "Proposal/Price Quote"), ("negotiation review", "Negotiation/Review"),
    ("Prospectng", "Prospecting"), ("Needs Analyis", "Needs Analysis"),
    ("Initial Contact", "Prospecting"), ("Discovery", "Prospecting"), ("New Lead", "Prospecting"),
    ("Qualified", "Qualification"), ("Demo Scheduled", "Needs Analysis"), ("Technical Evaluation", "Needs Analysis"),
    ("Decision Makers Identified", "Id. Decision Makers"), ("Quote Sent", "Proposal/Price Quote"),
    ("Contract Sent", "Negotiation/Review"), ("Legal Review", "Negotiation/Review"),
    ("Proposal - Legal Review", "Negotiation/Review"), ("Verbal Commit", "Negotiation/Review"),
    ("Contract Signed", "Closed Won"), ("Demo Booked", "Needs Analysis"), ("Closed - No Decision", "Closed Lost"),
    ("Disqualified", "Closed Lost"),
    ("Dead", "Closed Lost"),
])
def test_unknown_stages_map_by_name(session, given, stage):
    assert resolve(session, given) == stage


HUBSPOT_DEFAULT_STAGES = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                          "Decision Maker Bought-In", "Contract Sent"]


def test_hubspots_default_open_stages_keep_their_order_in_the_pipeline(session):
    stages = [StageMapper(session).resolve(name, row=ROW, field="Deal Stage") for name in HUBSPOT_DEFAULT_STAGES]
    assert [s.name for s in stages] == ["Prospecting", "Qualification", "Value Proposition", "Proposal/Price Quote",
                                        "Negotiation/Review"]
    assert [s.position for s in stages] == sorted(s.position for s in stages)


def test_the_records_won_and_closed_flags_win_over_the_name(session):
    assert resolve(session, "Handover", won=True, closed=True) == "Closed Won"
    assert resolve(session, "Parked", won=False, closed=True) == "Closed Lost"
    assert resolve(session, "Contract Signed", won=False, closed=True) == "Closed Lost"
    assert resolve(session, "Closed Won - Pending PO", closed=False, probability=80) == "Negotiation/Review"
    assert resolve(session, "Stalled", closed=False, probability=40) == "Value Proposition"
    # a pipeline stage's own name is the stage, whatever the flags
    assert resolve(session, "Prospecting", won=True) == "Prospecting"


def test_a_stage_nothing_maps_names_record_field_and_value(session):
    with pytest.raises(ImportFailed) as failure:
        resolve(session, "Gathering Dust")
    params = failure.value.params
    assert (params["file"], params["row"], params["field"], params["problem"], params["value"]) == (
        "deals.json", 4, "StageName", "stage_unmappable", "Gathering Dust")
    with pytest.raises(ImportFailed):
        resolve(session, "Stalled", closed=False)  # open, but how likely?


def test_each_mapping_is_reported_with_its_deals(session):
    mapper = StageMapper(session)
    for name in ["Initial Contact"] * 8 + ["Closed/Won", "Qualification"]:
        mapper.resolve(name, row=ROW, field="StageName")
    mapper.resolve("Handover", row=ROW, field="StageName", won=True)

    assert report_lines(mapper) == [
        "  - 8 opportunities: stage “Initial Contact” → Prospecting (by name)",
        "  - 1 opportunity: stage “Closed/Won” → Closed Won (same name, spelt otherwise)",
        "  - 1 opportunity: stage “Handover” → Closed Won (IsWon)",
    ]


def test_added_stages_take_their_place_from_their_use(session):
    mapper = StageMapper(session, add_stages=True)
    for probability in (60, 90, 90):
        stage = mapper.resolve("Verbal Commit", row=ROW, field="StageName", closed=False, probability=probability)
    mapper.resolve("verbal commit", row=ROW, field="StageName")
    mapper.resolve("Contract Signed", row=ROW, field="StageName")  # won, by its name
    mapper.resolve("Pilot Running", row=ROW, field="StageName")  # open, as Needs Analysis (30%)
    mapper.resolve("Early", row=ROW, field="StageName", closed=False, probability=5)

    assert report_lines(mapper) == [
        "  - 1 opportunity: added stage “Early” at position 1, 5%, open",
        "  - 1 opportunity: added stage “Pilot Running” at position 5, 30%, open",
        "  - 4 opportunities: added stage “Verbal Commit” at position 11, 90%, open",
        "  - 1 opportunity: added stage “Contract Signed” at position 13, 100%, won",
        "  - 1 opportunity: stage “verbal commit” → Verbal Commit (same name, spelt otherwise)",
    ]
    assert (stage.name, stage.position, stage.default_probability, stage.is_open) == ("Verbal Commit", 11, 90, True)


def test_an_added_stage_is_won_lost_or_open_not_several(session):
    mapper = StageMapper(session, add_stages=True)
    mapper.resolve("Parked", row=Row("deals.json", 2, {}), field="StageName", closed=False, probability=20)
    with pytest.raises(ImportFailed) as failure:
        mapper.resolve("Parked", row=ROW, field="StageName", won=False, closed=True)
    assert failure.value.params == {"file": "deals.json", "row": 4, "field": "StageName",
                                    "problem": "stage_use_differs", "value": "Parked", "was": "open",
                                    "now": "lost", "first_row": 2}


def test_an_added_open_stage_needs_a_probability_from_somewhere(session):
    mapper = StageMapper(session, add_stages=True)
    mapper.resolve("Gathering Dust", row=ROW, field="StageName")
    assert [p.params["problem"] for p in mapper.check()] == ["stage_without_probability"]
    mapper.resolve("Gathering Dust", row=ROW, field="StageName", probability=15)
    assert mapper.check() == []


def test_a_stage_map_file(session, tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("source_stage,stage\nVerbal Commit,Negotiation/Review\nverbal-commit,negotiation review\n"
                    "Handover,closed won\n", encoding="utf-8")
    mapper = StageMapper(session, stage_map=read_stage_map(path))

    assert mapper.resolve("VERBAL COMMIT", row=ROW, field="StageName").name == "Negotiation/Review"
    assert mapper.resolve("Handover", row=ROW, field="StageName", closed=False).name == "Closed Won"
    assert mapper.resolve("Prospecting", row=ROW, field="StageName").name == "Prospecting"


def test_a_stage_map_giving_one_stage_two_places_is_refused(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("source_stage,stage\nVerbal Commit,Negotiation/Review\nverbal commit,Closed Won\n,Closed Won\n",
                    encoding="utf-8")
    with pytest.raises(ImportProblems) as failure:
        read_stage_map(path)
    assert [(p.params["row"], p.params["field"], p.problem) for p in failure.value.problems] == [
        (3, "source_stage", "duplicate"), (4, "source_stage", "value_required")]


def test_add_stages_adds_no_misspelling_of_a_pipeline_stage(session):
    mapper = StageMapper(session, add_stages=True)
    assert mapper.resolve("Prospectng", row=ROW, field="StageName").name == "Prospecting"
    assert mapper.added == {}
