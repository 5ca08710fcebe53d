"""`kam export DIR` then `kam import export DIR` into a fresh database gives back every record, as it
was; a folder that is not a sound export is refused with one clear line and nothing is written."""

import csv
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import MetaData, func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.export import MANIFEST
from kam_core.interactions.models import Interaction
from kam_core.opportunities.models import LostReason, Opportunity
from kam_core.plans.models import AccountPlan, PlanReview
from kam_core.schema import head_revision

# Changed by a restore on purpose: it records itself in the audit log and moves the name-index marker.
RESTORE_TOUCHES = {"audit_log", "change_markers"}


def kam(*args):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def source_url(database_url):
    result = kam("demo", "--accounts", "24", "--seed", "3", "--database", database_url)
    assert result.exit_code == 0, result.output
    return database_url


def contents(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    schema = MetaData()
    schema.reflect(engine)
    with engine.connect() as connection:
        found = {t.name: sorted(map(tuple, connection.execute(select(t))), key=repr)
                 for t in schema.sorted_tables if t.name != "alembic_version"}
    engine.dispose()
    return found


def test_an_export_restored_into_a_fresh_database_gives_back_every_record(source_url, empty_target, tmp_path):
    folder = tmp_path / "export"
    exported = kam("export", str(folder), "--database", source_url)
    assert exported.exit_code == 0, exported.output
    manifest = json.loads((folder / MANIFEST).read_text())
    before = contents(source_url)
    assert manifest["schema_revision"] == head_revision()
    assert {name: entry["rows"] for name, entry in manifest["tables"].items()} == {
        name: len(rows) for name, rows in before.items()}
    assert manifest["tables"]["audit_log"]["file"] == "audit_log.json"  # it holds JSON
    with (folder / "accounts.csv").open(newline="", encoding="utf-8") as accounts:
        assert len(list(csv.DictReader(accounts))) == manifest["tables"]["accounts"]["rows"] == 24
    assert f"Exported {sum(len(r) for r in before.values()):,} rows" in exported.stdout

    restored = kam("import", "export", str(folder), "--database", empty_target)

    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.stdout
    after = contents(empty_target)
    assert {name: len(rows) for name, rows in after.items() if name not in RESTORE_TOUCHES} == {
        name: len(rows) for name, rows in before.items() if name not in RESTORE_TOUCHES}
    for name in before.keys() - RESTORE_TOUCHES:
        assert after[name] == before[name], f"{name} differs after the round trip"
    assert all(row in after["audit_log"] for row in before["audit_log"])
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    assert {row[0] for row in after["change_markers"]} == {row[0] for row in before["change_markers"]}

    # The restored database takes new records after the restored ones.
    sessions = make_sessionmaker(make_engine(empty_target))
    with transaction(sessions) as session:
        newest = session.scalar(select(func.max(Interaction.id)))
        template = session.get(Interaction, newest)
        added = Interaction(account_id=template.account_id, kind=template.kind, occurred_at=template.occurred_at,
                            text="after the restore", source=template.source, created_at=template.created_at)
        session.add(added)
        session.flush()
        assert added.id == newest + 1
    sessions.kw["bind"].dispose()


def test_plan_reviews_and_an_extended_list_of_lost_reasons_survive_the_round_trip(source_url, empty_target, tmp_path):
    sessions = make_sessionmaker(make_engine(source_url))
    with transaction(sessions) as session:
        plan = session.scalars(select(AccountPlan).order_by(AccountPlan.id)).first()
        session.add(PlanReview(plan=plan, reviewed_on=date(2026, 3, 2), notes="On track; CFO met",
                               customer_view="Helpful, a little slow", created_at=datetime(2026, 3, 2, tzinfo=UTC)))
        added = LostReason(name="Went with a partner", position=99, active=False)
        deal = session.scalars(select(Opportunity).order_by(Opportunity.id)).first()
        deal.lost_reason, deal.lost_note = added, "the partner bundles support"
    sessions.kw["bind"].dispose()
    folder = tmp_path / "export"
    assert kam("export", str(folder), "--database", source_url).exit_code == 0
    before = contents(source_url)

    restored = kam("import", "export", str(folder), "--database", empty_target)

    assert restored.exit_code == 0, restored.output
    after = contents(empty_target)
    for name in ("plan_reviews", "lost_reasons", "opportunities", "account_plans"):
        assert after[name] == before[name], f"{name} differs after the round trip"
    assert any("Went with a partner" in row for row in after["lost_reasons"])
    assert any("Helpful, a little slow" in row for row in after["plan_reviews"])


def test_exporting_into_a_folder_that_holds_files_is_refused(source_url, tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "old.txt").write_text("something else")
    result = kam("export", str(folder), "--database", source_url)
    assert result.exit_code == 1
    assert "is not an empty folder" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["old.txt"]


@pytest.fixture
def good_export(source_url, tmp_path):
    folder = tmp_path / "export"
    assert kam("export", str(folder), "--database", source_url).exit_code == 0
    return folder


def spoil_manifest(folder, **changes):
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest.update(changes)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def spoil_cell(folder, file: str, row: int, column: str, value: str):
    with (folder / file).open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    rows[row - 2][column] = value
    with (folder / file).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def drop_last_row(folder, file: str):
    lines = (folder / file).read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / file).write_text("".join(lines[:-1]), encoding="utf-8")


SPOILERS = {
    "no manifest": (lambda f: (f / MANIFEST).unlink(), "manifest.json: missing; point at a folder written by"),
    "another revision": (lambda f: spoil_manifest(f, schema_revision="0001"),
                         f"the export is at schema revision 0001 and this database at {head_revision()}"),
    "a bad date": (lambda f: spoil_cell(f, "interactions.csv", 3, "follow_up_on", "next Friday"),
                   "interactions.csv, row 3, field “follow_up_on”: “next Friday” is not a valid date"),
    "a bad amount": (lambda f: spoil_cell(f, "opportunities.csv", 2, "amount", "12k"),
                     "opportunities.csv, row 2, field “amount”: “12k” is not a valid Decimal"),
    "a missing row": (lambda f: drop_last_row(f, "accounts.csv"),
                      "accounts.csv: holds 23 rows but the manifest says 24; the export is incomplete"),
    "a missing file": (lambda f: (f / "contacts.csv").unlink(), "contacts.csv: missing from the export"),
}


@pytest.mark.parametrize("spoiler", SPOILERS)
def test_a_spoiled_export_is_refused_with_one_line_and_nothing_is_written(good_export, empty_target, spoiler):
    spoil, message = SPOILERS[spoiler]
    spoil(good_export)
    empty = contents(empty_target)

    result = kam("import", "export", str(good_export), "--database", empty_target)

    assert result.exit_code == 1
    assert message in result.output and result.output.rstrip().endswith("Nothing was imported.")
    assert len(result.output.strip().splitlines()) == 1
    assert contents(empty_target) == empty


def test_a_restore_into_a_database_holding_data_is_refused(good_export, source_url):
    before = contents(source_url)
    result = kam("import", "export", str(good_export), "--database", source_url)
    assert result.exit_code == 1
    assert "this database already holds data, and a restore only goes into an empty one" in result.output
    assert contents(source_url) == before


def test_a_folder_that_does_not_exist_is_refused(empty_target, tmp_path):
    result = kam("import", "export", str(tmp_path / "nowhere"), "--database", empty_target)
    assert result.exit_code == 1 and "no such folder" in result.output
