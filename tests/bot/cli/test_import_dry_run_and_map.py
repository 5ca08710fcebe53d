"""`kam import accounts --map ...` on a CRM's export, every bad row reported, and `--dry-run` on every import:
the full report, headed so, and not a row written (every table counted before and after)."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.base import Base
from kam_core.db import make_engine
from tests.conftest import drop_database, fresh_database_url, shared_path

DATA = Path(__file__).parents[2] / "data"
CRM_EXPORT = DATA / "accounts-crm-export.csv"
CRM_MAP = ["--map", "name=Organization - Name", "--map", "industry=Organization - Industry",
           "--map", "revenue=Organization - Annual revenue",
           "--map", "currency=Organization - Currency of Annual revenue",
           "--map", "owner_email=Organization - Account manager email"]
DRY_RUN = "Dry run: nothing was written; this is what the import would do."


def kam(*args, database):
    return CliRunner().invoke(app, [*args, "--database", database])


def snapshot(url) -> dict[str, int]:
    """Rows in every table."""
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return counts


def with_people(url):
    for email, name in (("olga@example.com", "Olga Owner"), ("ray@example.com", "Ray Rep"),
                        ("mia@example.com", "Mia Manager")):
        assert kam("users", "add", email, "--name", name, database=url).exit_code == 0


def test_a_crm_export_imports_with_map_and_a_second_run_changes_nothing(database_url):
    with_people(database_url)

    first = kam("import", "accounts", str(CRM_EXPORT), *CRM_MAP, database=database_url)

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"Import “accounts” from {CRM_EXPORT}: done.")
    assert "accounts               8 created" in first.stdout
    assert "14 columns: not mapped, so ignored: Organization - ID, Organization - Label" in first.stdout
    assert snapshot(database_url)["accounts"] == 8
    second = kam("import", "accounts", str(CRM_EXPORT), *CRM_MAP, database=database_url)
    assert second.exit_code == 0 and "nothing new, everything already up to date" in second.stdout


def test_sixty_bad_rows_list_fifty_then_a_count_and_write_nothing(database_url, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Company,Revenue\n" + "".join(f"Firm {n},-{n}\n" for n in range(1, 61)))
    before = snapshot(database_url)

    result = kam("import", "accounts", str(path), "--map", "name=Company", "--map", "revenue=Revenue",
                 database=database_url)

    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{path}: 60 problems, so nothing was imported. Correct them and import the file again:"
    assert lines[1:3] == ["  row 2, field “Revenue”: “-1” is negative; it must be 0 or more",
                          "  row 3, field “Revenue”: “-2” is negative; it must be 0 or more"]
    assert len(lines) == 52 and lines[-1] == "  and 10 more rows with problems"
    assert snapshot(database_url) == before


@pytest.mark.parametrize(("option", "message"), [
    ("name", '--map “name” is not FIELD=COLUMN; write it like --map name="Company Name".'),
    ("colour=Organization - Label",
     f"{CRM_EXPORT}: --map colour=…: there is no field “colour”; the fields are name, aliases, industry, region, "
     "owner_email, revenue, profit, cost_to_serve, currency. Nothing was imported."),
])
def test_a_bad_map_is_one_line_naming_it_and_the_choices(database_url, option, message):
    result = kam("import", "accounts", str(CRM_EXPORT), "--map", option, database=database_url)
    assert result.exit_code == 1
    assert result.stderr.strip() == message


# ---- --dry-run: each importer, with what it needs stored first ----

def maven(url, tmp_path):
    return ["import", "maven", str(shared_path("data", "maven-crm"))]


def salesforce(url, tmp_path):
    return ["import", "salesforce", str(shared_path("data", "salesforce-lwc-recipes"))]


def hubspot(url, tmp_path):
    return ["import", "hubspot", str(DATA / "hubspot")]


def accounts(url, tmp_path):
    with_people(url)
    return ["import", "accounts", str(CRM_EXPORT), *CRM_MAP]


def plans(url, tmp_path):
    with_people(url)
    path = tmp_path / "accounts.csv"
    path.write_text("name,owner_email,revenue\nAcme Corporation,ray@example.com,900000\nGlobex,ray@example.com,100\n")
    assert kam("import", "accounts", str(path), database=url).exit_code == 0
    return ["import", "plans", str(DATA / "plans.csv")]


def export(url, tmp_path):
    """A `kam export` folder of another database, to restore into this empty one."""
    other = fresh_database_url("sqlite", tmp_path / "other")
    assert kam("db", "upgrade", database=other).exit_code == 0
    with_people(other)
    assert kam("import", "accounts", str(CRM_EXPORT), *CRM_MAP, database=other).exit_code == 0
    folder = tmp_path / "exported"
    done = kam("export", str(folder), database=other)
    assert done.exit_code == 0, done.output
    drop_database(other)
    return ["import", "export", str(folder)]


@pytest.mark.parametrize("importer", [maven, salesforce, hubspot, accounts, plans, export], ids=lambda f: f.__name__)
def test_dry_run_prints_the_full_report_and_writes_nothing(database_url, tmp_path, importer):
    (tmp_path / "other").mkdir()
    command = importer(database_url, tmp_path)
    before = snapshot(database_url)

    dry = kam(*command, "--dry-run", database=database_url)

    assert dry.exit_code == 0, dry.output
    assert snapshot(database_url) == before
    assert dry.stdout.startswith(DRY_RUN + "\n")
    real = kam(*command, database=database_url)
    assert real.exit_code == 0, real.output
    assert snapshot(database_url) != before
    # The dry run's report is the real run's, word for word.
    assert dry.stdout.removeprefix(DRY_RUN + "\n") == real.stdout


def test_dry_run_of_a_bad_file_reports_its_problems_as_a_real_run_does(database_url, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("name,revenue,currency\nAcme,100,US$\nBeta,-5,EUR\n")
    before = snapshot(database_url)

    dry = kam("import", "accounts", str(path), "--dry-run", database=database_url)
    real = kam("import", "accounts", str(path), database=database_url)

    assert (dry.exit_code, dry.stdout) == (1, "")
    assert dry.stderr == real.stderr
    assert "row 2, field “currency”: “US$” is not a currency code" in dry.stderr
    assert snapshot(database_url) == before


def test_dry_run_in_chinese(database_url, monkeypatch):
    monkeypatch.setenv("KAM_DEFAULT_LANGUAGE", "zh")
    result = kam("import", "accounts", str(CRM_EXPORT), "--map", "name=Organization - Name", "--dry-run",
                 database=database_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("试运行：未写入任何数据；以下是这次导入将会做的事。\n")
    assert "未映射，已忽略：Organization - ID" in result.stdout
