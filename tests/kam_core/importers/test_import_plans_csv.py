"""`kam import plans` / `kam export plans`: account plans kept in a spreadsheet."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.models import AccountAlias
from kam_core.actors import Actor
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.errors import ImportFailed, ImportProblems
from kam_core.importers.plans_csv import import_plans_csv
from kam_core.importers.plans_export import export_plans_csv
from kam_core.importers.plans_format import COLUMNS
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.policy import Policy
from templates import error_message, render
from tests.factories import make_account, make_person

SAMPLE = Path(__file__).parents[2] / "data" / "plans.csv"
ACTOR = Actor.system("import:plans")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HEADER = ",".join(COLUMNS)


def run(session, path):
    return import_plans_csv(session, file=path, actor=ACTOR, policy=Policy(), now=NOW)


def export(session, path):
    return export_plans_csv(session, file=path, actor=Actor.system("export:plans"))


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def setup_world(session):
    ray = make_person(session, name="Ray Rep", email="ray@example.com")
    mia = make_person(session, name="Mia Manager", email="mia@example.com")
    acme = make_account(session, name="Acme Corporation", owner=ray, computed_tier=Tier.key)
    globex = make_account(session, name="Globex", owner=ray, computed_tier=Tier.important)
    session.add(AccountAlias(account=globex, alias="Globex Corp"))
    session.flush()
    return {"ray": ray, "mia": mia, "acme": acme, "globex": globex}


def csv_file(tmp_path, *rows: str, name="plans.csv") -> Path:
    """Rows as `column=value` cells separated by `;` (the rest left empty), so each test shows only what matters."""
    lines = [HEADER]
    for spec in rows:
        cells = dict(cell.split("=", 1) for cell in spec.split(";"))
        assert set(cells) <= set(COLUMNS), set(cells) - set(COLUMNS)
        lines.append(",".join(cells.get(column, "") for column in COLUMNS))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ACME_PLAN = "record=plan;account=Acme Corporation;period_start=2026-01-01;period_end=2026-12-31"


def test_the_sample_file_imports_every_part_of_the_plans(session):
    w = setup_world(session)
    report = run(session, SAMPLE)

    plans = {p.account.name: p for p in session.scalars(select(AccountPlan))}
    acme = plans["Acme Corporation"]
    assert (acme.period_start, acme.period_end, acme.focus) == (date(2026, 1, 1), date(2026, 12, 31),
                                                                "Grow the analytics footprint")
    assert acme.executive_sponsor_id == w["mia"].id and acme.team_roles.startswith("Ray: owner")
    assert [(o.description, o.lever, o.target, o.unit, o.actual) for o in acme.objectives] == [
        ("Licensed seats in use", Lever.raise_usage, Decimal(1200), "seats", Decimal(800)),
        ("Second product line", Lever.cross_sell, Decimal(1), "products", Decimal(0))]  # 交叉销售
    assert {(a.description, a.status, a.owner_id) for a in acme.actions} == {
        ("Meet the new CFO", ActionStatus.in_progress, w["ray"].id),
        ("Run the close workshop", ActionStatus.open, w["ray"].id)}
    [review] = acme.reviews
    assert (review.reviewed_on, review.reviewer_id, review.customer_view) == (
        date(2026, 2, 10), w["mia"].id, "They want fewer, better-prepared meetings")
    assert acme.last_reviewed_at == datetime(2026, 2, 10, 12, tzinfo=UTC)  # the review resets staleness
    globex = plans["Globex"]
    assert globex.reason == "A strategic logo in a new market" and globex.objectives[0].lever == Lever.retention
    assert {name: c.created for name, c in report.entities.items()} == {
        "plans": 2, "objectives": 3, "actions": 2, "reviews": 1}
    assert "Import “plans” from" in render("import_report.j2", report=report)


def test_importing_the_same_file_again_changes_nothing(session):
    setup_world(session)
    run(session, SAMPLE)
    again = run(session, SAMPLE)
    assert all((c.created, c.updated) == (0, 0) for c in again.entities.values())
    assert again.entities["objectives"].unchanged == 3
    assert "nothing new, everything already up to date" in render("import_report.j2", report=again)
    assert (count(session, AccountPlan), count(session, PlanObjective), count(session, PlanAction),
            count(session, PlanReview)) == (2, 3, 2, 1)


def test_export_then_import_into_an_empty_database_gives_the_same_plans(session, tmp_path):
    setup_world(session)
    run(session, SAMPLE)
    first = tmp_path / "first.csv"
    written = export(session, first)
    assert written.counts == {"plans": 2, "objectives": 3, "actions": 2, "reviews": 1}
    session.execute(delete(AccountPlan))  # objectives, actions, reviews go with their plan
    session.expunge_all()
    assert count(session, PlanObjective) == 0

    report = run(session, first)
    assert report.entities["plans"].created == 2 and report.entities["reviews"].created == 1
    second = tmp_path / "second.csv"
    export(session, second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert "Acme Corporation,2026-01-01,2026-12-31,,,,,,,,,Licensed seats in use,raise_usage,1200,seats,800" \
        in first.read_text(encoding="utf-8")
    assert all((c.created, c.updated) == (0, 0) for c in run(session, second).entities.values())


def test_an_empty_cell_keeps_the_stored_value_and_a_changed_cell_updates_it(session, tmp_path):
    setup_world(session)
    run(session, SAMPLE)
    edited = csv_file(tmp_path, ACME_PLAN + ";focus=Renewal first",
                      "record=action;account=acme corporation;period_start=2026-01-01;description=meet the new cfo;"
                      "status=done")
    report = run(session, edited)

    plan = session.scalars(select(AccountPlan).where(AccountPlan.focus == "Renewal first")).one()
    assert plan.value_proposition == "One platform for finance and operations data"  # left empty: kept
    action = next(a for a in plan.actions if a.description == "meet the new cfo")
    assert action.status == ActionStatus.done and action.completed_at == NOW and action.due_date == date(2026, 3, 15)
    assert (report.entities["plans"].updated, report.entities["actions"].updated) == (1, 1)


def test_two_actions_alike_are_two_actions_matched_in_order(session, tmp_path):
    setup_world(session)
    call = "record=action;account=Acme Corporation;period_start=2026-01-01;description=Call the CFO"
    path = csv_file(tmp_path, ACME_PLAN, call + ";status=done;due_date=2026-02-01", call + ";due_date=2026-07-01")
    run(session, path)
    assert count(session, PlanAction) == 2
    assert all((c.created, c.updated) == (0, 0) for c in run(session, path).entities.values())

    moved = csv_file(tmp_path, call, call + ";due_date=2026-08-01", name="moved.csv")
    report = run(session, moved)
    assert (report.entities["actions"].unchanged, report.entities["actions"].updated) == (1, 1)
    assert sorted((a.status, a.due_date) for a in session.scalars(select(PlanAction))) == [
        (ActionStatus.done, date(2026, 2, 1)), (ActionStatus.open, date(2026, 8, 1))]
    exported = tmp_path / "out.csv"
    export(session, exported)
    session.execute(delete(AccountPlan))
    session.expunge_all()
    run(session, exported)
    again = tmp_path / "again.csv"
    export(session, again)
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(session, tmp_path):
    setup_world(session)
    path = csv_file(
        tmp_path,
        ACME_PLAN,
        "record=plan;account=Initech;period_start=2026-01-01;period_end=2026-12-31",
        "record=objective;account=Acme Corporation;period_start=2026-01-01;description=Seats;lever=growth;target=10",
        "record=action;account=Acme Corporation;period_start=2026-01-01;description=Call;owner_email=x@y.z",
        "record=task;account=Acme Corporation;period_start=2026-01-01",
        "record=review;account=Acme Corporation;period_start=2026-01-01;reviewed_on=2026-02-01;notes=ok;"
        "lever=cross-sell",
    )
    with pytest.raises(ImportProblems) as failure:
        run(session, path)

    assert [(p.params["row"], p.params["field"]) for p in failure.value.problems] == [
        (3, "account"), (4, "lever"), (5, "owner_email"), (6, "record"), (7, "lever")]
    message = error_message(failure.value)
    assert message.startswith(f"{path}: 5 problems, so nothing was imported. Correct them and import the file again:")
    assert "again:\n  row 3, field “account”: “Initech” is no account's name or alias" in message
    assert "row 4, field “lever”: “growth” is not one of raise_usage, cross_sell" in message
    assert "row 6, field “record”: “task” is not one of plan, objective, action, review" in message
    assert "row 7, field “lever”: this column is for objective rows; leave it empty on a review row" in message
    assert count(session, AccountPlan) == 0


@pytest.mark.parametrize(("rows", "row", "field", "words"), [
    (["record=plan;account=Globex;period_start=2026-01-01;period_end=2026-12-31"], 2, "reason",
     "tiered important, and plans are for key accounts"),
    (["record=plan;account=Globex Corp;period_start=2026-01-01;period_end=2026-12-31;reason=Why not"], None, None,
     None),  # an alias finds the account; with a reason a non-key account may have a plan
    (["record=plan;account=Shared;period_start=2026-01-01;period_end=2026-12-31"], 2, "account",
     "is an alias of several accounts (Acme Corporation, Globex)"),
    ([ACME_PLAN, "record=plan;account=Acme Corporation;period_start=2026-06-01;period_end=2027-05-31"], 3,
     "period_start", "already has a plan for 2026-01-01 to 2026-12-31"),
    ([ACME_PLAN, ACME_PLAN], 3, "period_start", "appears twice (also row 2)"),
    (["record=plan;account=Acme Corporation;period_start=2026-01-01;period_end=2025-12-31"], 2, "period_end",
     "ends before it starts"),
    (["record=plan;account=Acme Corporation;period_start=2026-01-01"], 2, "period_end", "a value is required"),
    (["record=action;account=Acme Corporation;period_start=2026-01-01;description=Call"], 2, "period_start",
     "Acme Corporation has no plan starting 2026-01-01; add a row with record “plan”"),
    ([ACME_PLAN, "record=action;account=Acme Corporation;period_start=2026-01-01;period_end=2026-06-30;"
     "description=Call"], 3, "period_end", "the plan ends on 2026-12-31"),
    ([ACME_PLAN, "record=objective;account=Acme Corporation;period_start=2026-01-01;description=Seats"], 3, "target",
     "a value is required"),
    ([ACME_PLAN, "record=objective;account=Acme Corporation;period_start=2026-01-01;description=Seats;target=0"], 3,
     "target", "The target must be more than 0"),
    ([ACME_PLAN, "record=objective;account=Acme Corporation;period_start=2026-01-01;description=Seats;target=lots"],
     3, "target", "“lots” is not a number"),
    ([ACME_PLAN, "record=action;account=Acme Corporation;period_start=2026-01-01;description=Call;status=later"], 3,
     "status", "“later” is not one of open, in_progress, done, cancelled"),
    ([ACME_PLAN, "record=review;account=Acme Corporation;period_start=2026-01-01;reviewed_on=2026-07-01;notes=x"],
     3, "reviewed_on", "in the future"),
    ([ACME_PLAN, "record=review;account=Acme Corporation;period_start=2026-01-01;reviewed_on=2026-05-01"], 3,
     "notes", "a value is required"),
    ([ACME_PLAN + ";executive_sponsor_email=nobody@example.com"], 2, "executive_sponsor_email",
     "not a known person"),
    ([ACME_PLAN + ";description=Seats"], 2, "description",
     "this column is for objective and action rows; leave it empty on a plan row"),
    ([ACME_PLAN, "record=action;account=Acme Corporation;period_start=2026-01-01;description=" + "x" * 501], 3,
     "description", "keep it to 500"),
])
def test_a_bad_row_names_file_row_and_field_and_writes_nothing(session, tmp_path, rows, row, field, words):
    w = setup_world(session)
    session.add(AccountAlias(account=w["acme"], alias="Shared"))
    session.add(AccountAlias(account=w["globex"], alias="Shared"))
    session.flush()
    path = csv_file(tmp_path, *rows)
    if row is None:
        run(session, path)
        assert count(session, AccountPlan) == 1
        return

    with pytest.raises(ImportFailed) as failure:
        run(session, path)

    params = failure.value.params
    assert (params["file"], params["row"], params["field"]) == (str(path), row, field)
    message = error_message(failure.value)
    assert words in message and message.endswith("Nothing was imported.")
    assert count(session, AccountPlan) == 0


def test_a_bad_header_is_refused_before_any_row(session, tmp_path):
    setup_world(session)
    path = tmp_path / "plans.csv"
    path.write_text("record,account,period_start,colour\nplan,Acme Corporation,2026-01-01,red\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        run(session, path)
    assert (failure.value.params["row"], failure.value.params["field"]) == (1, "colour")
    assert "unknown column; the columns are record, account, period_start, period_end" in error_message(failure.value)


def kam(*args):
    return CliRunner().invoke(app, list(args))


def test_the_cli_imports_and_exports_plans(database_url, tmp_path):
    engine = make_engine(database_url)
    with transaction(make_sessionmaker(engine)) as session:
        setup_world(session)
    engine.dispose()

    imported = kam("import", "plans", str(SAMPLE), "--database", database_url)
    assert imported.exit_code == 0, imported.output
    assert "Import “plans”" in imported.stdout and "plans                  2 created" in imported.stdout
    out = tmp_path / "out.csv"
    exported = kam("export", "plans", str(out), "--database", database_url)
    assert exported.exit_code == 0, exported.output
    assert f"Exported 2 plans (3 objectives, 2 actions, 1 reviews) to {out}." in exported.stdout
    assert out.read_text(encoding="utf-8").startswith(HEADER + "\n")

    bad = csv_file(tmp_path, "record=plan;account=Nowhere;period_start=2026-01-01;period_end=2026-12-31",
                   name="bad.csv")
    refused = kam("import", "plans", str(bad), "--database", database_url)
    assert refused.exit_code == 1
    assert "bad.csv, row 2, field “account”: “Nowhere” is no account's name or alias" in refused.output
