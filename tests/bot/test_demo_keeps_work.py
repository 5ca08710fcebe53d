"""`kam demo` on a demo database people have worked in (an import, a note logged in Slack): refused,
saying what it found and what to do, and nothing is lost; `--if-empty` leaves it as it is; `--force`
replaces it. Through the CLI and the real bot against the Slack emulator, on SQLite and PostgreSQL."""

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.emulator.local_bot import LocalBot
from bot.settings import Settings

DEMO = ["--accounts", "30", "--interactions", "120", "--opportunities", "40", "--reps", "2", "--managers", "1"]
REP = "U0DEMOREP1"


def kam(*args: str, database: str):
    return CliRunner().invoke(app, [*args, "--database", database])


def card(name: str, database: str) -> str:
    return kam("accounts", "show", name, "--as", "rep@demo.kam.test", database=database).output


@pytest.fixture
def worked_in(database_url, tmp_path):
    """A demo, then what the issue's reporter did: an import of their own accounts and a note in Slack."""
    made = kam("demo", *DEMO, database=database_url)
    assert made.exit_code == 0, made.output
    export = tmp_path / "my.csv"
    export.write_text("name,industry,region\nZeta Real Co,Steel,Europe\nOmega Real Ltd,Chemicals,Asia\n")
    imported = kam("import", "accounts", str(export), database=database_url)
    assert imported.exit_code == 0, imported.output
    with LocalBot(Settings(KAM_DATABASE_URL=database_url)) as local:
        saved = local.driver.slash_command(REP, "log Zeta Real Co: met the buyer, next: send quote in 3 days")
        assert saved.status == 200 and "Saved to *Zeta Real Co*" in str(saved.json), saved.body
    assert "Next follow-up: send quote by" in card("Zeta Real Co", database_url)
    return database_url


def test_a_second_demo_is_refused_names_what_it_found_and_loses_nothing(worked_in):
    refused = kam("demo", *DEMO, database=worked_in)
    assert refused.exit_code == 1
    text = refused.output
    assert "kam demo did not run, and nothing was changed" in text
    assert "2 accounts, 1 interaction and 1 follow-up written since the demo" in text
    assert "import accounts ×1" in text and "log interaction ×1" in text
    assert "kam demo --database sqlite:///kam-demo.db" in text
    assert f"kam demo --force --database {worked_in}" in text
    assert "It replaced everything" not in text
    after = card("Zeta Real Co", worked_in)
    assert "Last touch: note today by 陈杰" in after and "Next follow-up: send quote by" in after
    assert "Omega Real Ltd" in kam("accounts", "find", "Omega Real", database=worked_in).output


def test_if_empty_leaves_a_database_holding_anything_as_it_is(worked_in):
    kept = kam("demo", "--if-empty", database=worked_in)
    assert kept.exit_code == 0, kept.output
    assert "left it as it is" in kept.output and "2 accounts, 1 interaction and 1 follow-up" in kept.output
    assert "Demo data written" not in kept.output
    assert "Next follow-up: send quote by" in card("Zeta Real Co", worked_in)


def test_force_replaces_it(worked_in):
    forced = kam("demo", *DEMO, "--force", database=worked_in)
    assert forced.exit_code == 0, forced.output
    assert "It replaced everything that was in the database before" in forced.output
    assert "No account called “Zeta Real Co”" in card("Zeta Real Co", worked_in)
    again = kam("demo", *DEMO, database=worked_in)  # a demo nobody touched since is refreshed
    assert again.exit_code == 0, again.output
