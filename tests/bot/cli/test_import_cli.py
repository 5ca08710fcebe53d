"""`kam import ...` as an admin runs it: a committed report, or one line and nothing written."""

import re
import shutil

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.models import Account, AccountValue, Contact
from kam_core.audit.models import AuditEntry
from kam_core.db import make_engine
from kam_core.opportunities.models import Opportunity
from kam_core.people.models import Person
from tests.conftest import shared_path

TABLES = (Account, AccountValue, Contact, Opportunity, Person, AuditEntry)


def kam(*args, database):
    return CliRunner().invoke(app, [*args, "--database", database])


def snapshot(url) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {m.__tablename__: connection.scalar(select(func.count()).select_from(m)) for m in TABLES}
    engine.dispose()
    return counts


def test_maven_import_reports_and_a_second_run_changes_nothing(database_url):
    directory = str(shared_path("data", "maven-crm"))
    first = kam("import", "maven", directory, database=database_url)
    assert first.exit_code == 0, first.output
    assert "opportunities" in first.stdout and "1425 skipped" in first.stdout
    assert "“technolgy” corrected to “technology”" in first.stdout
    assert "Tiers now:" in first.stdout
    counts = snapshot(database_url)
    assert (counts["accounts"], counts["opportunities"]) == (85, 7375)

    second = kam("import", "maven", directory, database=database_url)
    assert second.exit_code == 0, second.output
    assert "already up to date" in second.stdout
    written = re.findall(r"(\d+) created +(\d+) updated", second.stdout)
    assert len(written) == 8 and set(written) == {("0", "0")}
    assert snapshot(database_url)["accounts"] == 85


def test_salesforce_import_from_the_command_line(database_url):
    result = kam("import", "salesforce", str(shared_path("data", "salesforce-lwc-recipes")), database=database_url)
    assert result.exit_code == 0, result.output
    counts = snapshot(database_url)
    assert (counts["accounts"], counts["contacts"], counts["opportunities"]) == (10, 6, 20)


def maven_with_bad_date(tmp_path):
    target = tmp_path / "maven"
    shutil.copytree(shared_path("data", "maven-crm"), target)
    path = target / "sales_pipeline.csv"
    path.write_text(path.read_text().replace("2016-10-20,2017-03-01", "2016-10-20,2017-02-30", 1))
    return target, path


@pytest.mark.parametrize(("content", "encoding", "expected"), [
    ("name,revenue\nAcme,100\nBeta,-3\n", "utf-8", ("row 3", "“revenue”", "negative")),
    ("name,turnover\nAcme,100\n", "utf-8", ("row 1", "“turnover”", "unknown column")),
    ("name,industry\nAcme,Café\n", "latin-1", ("row 2", "“industry”", "UTF-8")),
    ("name,industry\n,Retail\n", "utf-8", ("row 2", "“name”", "required")),
])
def test_bad_accounts_csv_gets_one_line_and_writes_nothing(database_url, tmp_path, content, encoding, expected):
    assert kam("import", "salesforce", str(shared_path("data", "salesforce-lwc-recipes")),
               database=database_url).exit_code == 0
    before = snapshot(database_url)
    path = tmp_path / "accounts.csv"
    path.write_bytes(content.encode(encoding))

    result = kam("import", "accounts", str(path), database=database_url)

    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(str(path))
    assert all(part in result.stderr for part in expected), result.stderr
    assert snapshot(database_url) == before


def test_bad_maven_date_gets_one_line_and_writes_nothing(database_url, tmp_path):
    directory, path = maven_with_bad_date(tmp_path)

    result = kam("import", "maven", str(directory), database=database_url)

    assert result.exit_code != 0
    assert result.stderr.strip() == (f"{path}, row 2, field “close_date”: “2017-02-30” is not a date; "
                                     "write it as YYYY-MM-DD. Nothing was imported.")
    assert snapshot(database_url) == {t.__tablename__: 0 for t in TABLES}


def test_missing_folder_is_one_line(database_url, tmp_path):
    result = kam("import", "salesforce", str(tmp_path / "nope"), database=database_url)
    assert result.exit_code != 0
    assert result.stderr.strip() == f"{tmp_path / 'nope'}: no such folder. Nothing was imported."
