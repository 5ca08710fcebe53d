"""`kam accounts aliases NAME [--remove ALIAS]`: the learned aliases of an account, who taught each, when
and from what; removing one (admins) makes the name stop matching."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.aliases import learn_alias
from kam_core.actors import Actor
from kam_core.db import make_engine, transaction
from kam_core.enums import Role
from kam_core.policy import Policy
from tests.factories import make_account, make_person


@pytest.fixture
def taught_db(database_url):
    engine = make_engine(database_url)
    with transaction(sessionmaker(engine, expire_on_commit=False)) as session:
        rep = make_person(session, role=Role.rep, name="Ray Rep", email="ray@acme.test")
        make_person(session, role=Role.admin, name="Ada Admin", email="ada@acme.test")
        make_account(session, name="Acme Corporation", owner=rep)
        logistics = make_account(session, name="Acme Logistics GmbH", owner=rep)
        learn_alias(session, actor=Actor.of(rep), policy=Policy(), account_id=logistics.id, query="acm",
                    now=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    engine.dispose()
    return database_url


def kam(db, *args):
    return CliRunner().invoke(app, [*args, "--database", db])


def test_aliases_lists_who_taught_each_when_and_from_what(taught_db):
    shown = kam(taught_db, "accounts", "aliases", "Acme Logistics")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == [
        "Acme Logistics GmbH has 1 learned alias (remove one with --remove ALIAS):",
        "  “acm” — taught by Ray Rep on 2026-12-01 09:30 UTC, from “acm”"]


def test_remove_forgets_it_and_the_name_no_longer_matches(taught_db):
    assert json.loads(kam(taught_db, "accounts", "find", "acm", "--json").output)["outcome"] == "match"
    removed = kam(taught_db, "accounts", "aliases", "Acme Logistics", "--remove", "ACM")
    assert removed.exit_code == 0, removed.output
    assert removed.output.splitlines()[0] == (
        "Removed “acm” from Acme Logistics GmbH: typing it no longer finds the account by that alias.")
    assert "Acme Logistics GmbH has no learned aliases." in removed.output
    assert json.loads(kam(taught_db, "accounts", "find", "acm", "--json").output)["outcome"] == "ambiguous"
    again = kam(taught_db, "accounts", "aliases", "Acme Logistics", "--remove", "acm")
    assert again.exit_code == 1 and "No learned alias called “acm”." in again.output


def test_only_admins_may(taught_db):
    refused = kam(taught_db, "accounts", "aliases", "Acme Logistics", "--as", "ray@acme.test")
    assert refused.exit_code == 1
    assert "You are not allowed to see or remove the aliases the team taught: only an admin can." in refused.output
    assert kam(taught_db, "accounts", "aliases", "Acme Logistics", "--as", "ada@acme.test").exit_code == 0
