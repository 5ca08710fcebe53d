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
    owner_name = next(line for line in kam(maven_db, "accounts", "show", "Dambase").output.splitlines()
                      if line.startswith("Owner: ")).removeprefix("Owner: ").split(" · ")[0].strip()
    owner = next(p for p in people if p["name"] == owner_name)
    manager = owner["manager_email"]  # a manager re-tiers their own team's accounts
    other_manager = next(p["email"] for p in people if p["role"] == "manager" and p["email"] != manager)
    rep = next(p["email"] for p in people if p["role"] == "rep")
    refused = kam(maven_db, "accounts", "set-tier", "Dambase", "key", "--reason", "pilot", "--as", rep)
    assert refused.exit_code == 1 and "not allowed to set this account's tier" in refused.output
    refused = kam(maven_db, "accounts", "set-tier", "Dambase", "key", "--reason", "pilot", "--as", other_manager)
    assert refused.exit_code == 1 and "only the manager of the account owner's team or an admin" in refused.output
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


def test_mine_says_how_many_more_and_pages_through_the_rest(maven_db):
    people = json.loads(kam(maven_db, "users", "list", "--json").output)
    rep = next(p["email"] for p in people if p["name"] == "Darcel Schlecht")
    first = kam(maven_db, "accounts", "mine", "--as", rep)
    total = int(first.output.split("1–10 of ")[1].split(",")[0])
    assert total > 10 and f"1–10 of {total}" in first.output and f"{total - 10} more: add --page 2." in first.output
    second = kam(maven_db, "accounts", "mine", "--as", rep, "--page", "2")
    assert second.exit_code == 0 and "\n11. " in second.output and "\n 1. " not in second.output
    listed = [line.split(". ", 1)[1] for out in (first, second) for line in out.output.splitlines()
              if line[:3].strip().rstrip(".").isdigit()]
    assert len(listed) == 20 == len(set(listed))


def test_team_lists_a_managers_reports_accounts_with_their_owners_and_tells_a_rep_it_is_for_managers(maven_db):
    people = json.loads(kam(maven_db, "users", "list", "--json").output)
    manager = next(p for p in people if p["role"] == "manager" and any(
        r["manager_email"] == p["email"] for r in people))
    reports = [r["name"] for r in people if r["manager_email"] == manager["email"]]
    team = kam(maven_db, "accounts", "team", "--as", manager["email"])
    assert team.exit_code == 0, team.output
    assert team.output.startswith(f"Your team's accounts (yours and those of the {len(reports)} people who report")
    assert any(f", {name})" in team.output for name in reports)
    refused = kam(maven_db, "accounts", "team", "--as", people[-1]["email"])
    assert people[-1]["role"] == "rep" and refused.exit_code == 1
    assert "`kam accounts team` is for managers" in refused.output and "kam accounts mine" in refused.output
