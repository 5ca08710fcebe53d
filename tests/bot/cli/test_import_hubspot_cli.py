"""`kam import hubspot DIR` as an admin runs it: the report, a second run that changes nothing, bad values
named with file, row and field, and nothing written."""

import shutil
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.models import Account, Contact
from kam_core.db import make_engine
from kam_core.opportunities.models import Opportunity

SAMPLE = Path(__file__).parents[2] / "data" / "hubspot"
DEALS = "hubspot-crm-exports-all-deals-2026-11-30.csv"


def kam(*args, database, env=None):
    return CliRunner().invoke(app, [*args, "--database", database], env=env)


def counts(url) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = tuple(connection.scalar(select(func.count()).select_from(m)) for m in (Account, Contact, Opportunity))
    engine.dispose()
    return found


def test_hubspot_import_reports_and_a_second_run_changes_nothing(database_url):
    assert kam("users", "add", "sam.lee@kam-sales.example", "--name", "Sam Lee", "--role", "rep",
               database=database_url).exit_code == 0

    first = kam("import", "hubspot", str(SAMPLE), database=database_url, env={"KAM_DEFAULT_TIMEZONE": "Asia/Shanghai"})

    assert first.exit_code == 0, first.output
    assert f"Import “hubspot” from {SAMPLE}: done." in first.stdout
    assert "opportunities         20 created      0 updated      0 unchanged      0 skipped" in first.stdout
    assert "1 contact: associated with no company, so not imported" in first.stdout
    assert "date-times in “Create Date” read as dates in Asia/Shanghai (--timezone)" in first.stdout
    assert "stage “Qualified To Buy” → Qualification" in first.stdout
    assert "Tiers now:" in first.stdout
    assert counts(database_url) == (8, 11, 20)

    second = kam("import", "hubspot", str(SAMPLE), "--timezone", "Asia/Shanghai", database=database_url)
    assert second.exit_code == 0, second.output
    assert "nothing new, everything already up to date" in second.stdout
    assert "opportunities          0 created      0 updated     20 unchanged      0 skipped" in second.stdout
    assert counts(database_url) == (8, 11, 20)


def test_bad_values_are_named_with_file_row_and_field_and_nothing_is_written(database_url, tmp_path):
    directory = tmp_path / "export"
    shutil.copytree(SAMPLE, directory)
    deals = directory / DEALS
    deals.write_text(deals.read_text(encoding="utf-8").replace('"15,000","USD","2027-02-26"',
                                                               '"15,000","USD","2027-02-30"')
                     .replace('"48,750.00","EUR"', '"48,750.00","Euro"'), encoding="utf-8")

    result = kam("import", "hubspot", str(directory), database=database_url)

    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"{deals}: 2 problems, so nothing was imported. Correct them and import the file again:",
        "  row 4, field “Close Date”: “2027-02-30” is not a date; write it as YYYY-MM-DD",
    ]
    assert lines[2].startswith("  row 6, field “Currency”: “Euro” is not a currency code;") and len(lines) == 3
    assert counts(database_url) == (0, 0, 0)


def test_dry_run_prints_the_report_and_writes_nothing(database_url):
    result = kam("import", "hubspot", str(SAMPLE), "--dry-run", database=database_url)

    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written" in result.stdout
    assert "accounts               8 created" in result.stdout
    assert counts(database_url) == (0, 0, 0)
