"""`kam import salesforce` on an org's export: the timezone from the option or KAM_DEFAULT_TIMEZONE, the org's
stages mapped or added and reported, a stage nothing maps refused in one line with nothing written."""

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.db import make_engine
from kam_core.opportunities.models import Opportunity, Stage
from tests.conftest import ROOT

ORG = str(ROOT / "tests" / "data" / "salesforce-org")


def kam(*args, database):
    return CliRunner().invoke(app, [*args, "--database", database])


def rows(url, model) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return found


def test_the_org_export_imports_with_its_stages_added_and_reported(database_url):
    first = kam("import", "salesforce", ORG, "--timezone", "Asia/Shanghai", "--add-stages", database=database_url)

    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert "  - 10 opportunities: date-times in “CloseDate” read as dates in Asia/Shanghai (--timezone)" in lines
    assert "  - 3 opportunities: added stage “Verbal Commit” at position 12, 90%, open" in lines
    assert "  - 2 opportunities: added stage “Handover to Delivery” at position 14, 100%, won" in lines
    assert "  - 4 opportunities: stage “Closed/Won” → Closed Won (same name, spelt otherwise)" in lines
    assert (rows(database_url, Stage), rows(database_url, Opportunity)) == (16, 26)

    second = kam("import", "salesforce", ORG, "--timezone", "Asia/Shanghai", "--add-stages", database=database_url)
    assert second.exit_code == 0, second.output
    assert "nothing new, everything already up to date" in second.stdout
    assert "added stage" not in second.stdout
    assert rows(database_url, Stage) == 16


def test_the_timezone_defaults_to_the_setting(database_url, monkeypatch):
    monkeypatch.setenv("KAM_DEFAULT_TIMEZONE", "Europe/Berlin")
    result = kam("import", "salesforce", ORG, database=database_url)
    assert result.exit_code == 0, result.output
    assert "  - 10 opportunities: date-times in “CloseDate” read as dates in Europe/Berlin (--timezone)" in \
        result.stdout.splitlines()
    assert "  - 4 opportunities: stage “Initial Contact” → Prospecting (by name)" in result.stdout.splitlines()


def test_a_stage_nothing_maps_is_one_line_naming_file_record_and_field(database_url, tmp_path):
    opportunity = {"attributes": {"type": "Opportunity", "referenceId": "OpportunityRef1"}, "AccountId": "@AccountRef1",
                   "Name": "Deal", "StageName": "Gathering Dust"}
    for name, records in (("Account.json", [{"attributes": {"type": "Account", "referenceId": "AccountRef1"},
                                             "Name": "Only Account"}]),
                          ("Opportunity.json", [opportunity])):
        (tmp_path / name).write_text(json.dumps({"records": records}), encoding="utf-8")

    result = kam("import", "salesforce", str(tmp_path), database=database_url)

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{tmp_path / 'Opportunity.json'}, row 1, field “StageName”: “Gathering Dust” is not a stage of the pipeline "
        "and nothing in its name or the record says which it is like; import with --add-stages to add it to the "
        "pipeline, or map it to a stage with --stage-map FILE (docs/imports.md, “Stages”). Nothing was imported.")
    assert rows(database_url, Opportunity) == 0

    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("source_stage,stage\nGathering Dust,Closed Lost\n", encoding="utf-8")
    mapped = kam("import", "salesforce", str(tmp_path), "--stage-map", str(stage_map), database=database_url)
    assert mapped.exit_code == 0, mapped.output
    assert "  - 1 opportunity: stage “Gathering Dust” → Closed Lost (your --stage-map)" in mapped.stdout.splitlines()
