"""A database the bot has not set up yet: an import sets it up (as `kam demo` does); any other command says
what to run instead of failing deep in a query."""

from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import ROOT

HUBSPOT = str(ROOT / "tests" / "data" / "hubspot")


def kam(*args, url):
    return CliRunner().invoke(app, [*args, "--database", url])


def test_a_first_import_into_a_new_database_sets_it_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    result = kam("import", "hubspot", HUBSPOT, url=url)

    assert result.exit_code == 0, result.output
    assert "Import “hubspot” from" in result.stdout and "8 created" in result.stdout
    card = kam("accounts", "show", "Brightline Logistics", url=url)
    assert card.exit_code == 0 and card.stdout.startswith("Brightline Logistics — "), card.output


def test_a_command_on_a_database_without_tables_says_to_upgrade_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"

    for args in (("accounts", "show", "Acme"), ("fx", "list"), ("import", "hubspot", HUBSPOT, "--dry-run")):
        result = kam(*args, url=url)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.strip() == (f"The database {url} has not got the bot's tables yet: run `kam db upgrade` "
                                         "(or `kam demo` for the demo data), then try again.")
