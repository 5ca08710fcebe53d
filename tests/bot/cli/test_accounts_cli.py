"""`kam accounts ...` on real data: the Maven CRM export, imported as an admin would."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import shared_path


@pytest.fixture
def maven_db(database_url):
    imported = CliRunner().invoke(app, ["import", "maven", str(shared_path("data", "maven-crm")),
                                        "--database", database_url])
    assert imported.exit_code == 0, imported.output
    return database_url


def kam(db, *args):
    return CliRunner().invoke(app, [*args, "--database", db])


def test_show_finds_an_account_despite_case_and_suffix_and_prints_its_card(maven_db):
    shown = kam(maven_db, "accounts", "show", "acme corp.")
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("Acme Corporation — ")
    assert "Ranked #" in shown.output and "Open pipeline:" in shown.output and "Owner: " in shown.output


def test_why_explains_the_top_account_with_its_figures(maven_db):
    top = json.loads(kam(maven_db, "accounts", "find", "Kan-code", "--json").output)
    assert top["outcome"] == "match"
    why = kam(maven_db, "accounts", "why", "Kan-code")
    assert why.exit_code == 0
    assert "Figures (" in why.output and "profit contribution unknown (revenue used)" in why.output


def test_an_unknown_account_says_so_and_offers_the_closest(maven_db):
    result = kam(maven_db, "accounts", "show", "Zzyzx Unknown Holdings")
    assert result.exit_code == 1
    assert "No account called “Zzyzx Unknown Holdings”" in result.output


def test_a_typo_still_finds_the_account(maven_db):
    found = json.loads(kam(maven_db, "accounts", "find", "Betasoloinn", "--json").output)
    assert found["candidates"][0]["name"] == "Betasoloin"


def test_a_manager_overrides_a_tier_and_a_rep_may_not(maven_db):
    people = json.loads(kam(maven_db, "users", "list", "--json").output)
    manager = next(p["email"] for p in people if p["role"] == "manager")
    rep = next(p["email"] for p in people if p["role"] == "rep")
    refused = kam(maven_db, "accounts", "set-tier", "Dambase", "key", "--reason", "pilot", "--as", rep)
    assert refused.exit_code == 1 and "not allowed to set tier" in refused.output
    done = kam(maven_db, "accounts", "set-tier", "Dambase", "key", "--reason", "Strategic pilot", "--as", manager)
    assert done.exit_code == 0 and "Dambase — Key account" in done.output and "“Strategic pilot”" in done.output
    history = kam(maven_db, "accounts", "why", "dambase").output
    assert "(manual by " in history and "Strategic pilot" in history


def test_mine_lists_a_reps_accounts_with_what_needs_attention(maven_db):
    people = json.loads(kam(maven_db, "users", "list", "--json").output)
    rep = next(p["email"] for p in people if p["name"] == "Darcel Schlecht")
    mine = kam(maven_db, "accounts", "mine", "--as", rep)
    assert mine.exit_code == 0
    assert mine.output.startswith("Your accounts, most in need of attention first:")
    assert "never touched" in mine.output  # Maven has deals but no logged interactions
