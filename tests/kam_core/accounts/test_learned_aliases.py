"""Aliases the team teaches: a chosen candidate's text becomes an alias of that account for everyone
(audited), confident next time; not learned when it tells nothing new; two accounts claiming one text
make it ambiguous again; admins list and remove them (kam_core/accounts/aliases.py)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kam_core.accounts.aliases import learn_alias, learned_aliases, remove_learned_alias
from kam_core.accounts.access import search_visible
from kam_core.accounts.models import AccountAlias
from kam_core.accounts.resolver.resolve import Outcome, search_accounts
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import AliasSource, Role
from kam_core.errors import AlreadyRemoved, Forbidden, NotFound
from kam_core.policy import Policy
from tests.factories import make_account, make_accounts_with_aliases, make_person

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def acme(session):
    rep = make_person(session, name="Ray Rep", role=Role.rep)
    corporation = make_account(session, name="Acme Corporation", owner=rep)
    logistics = make_account(session, name="Acme Logistics GmbH", owner=rep)
    return {"rep": Actor.of(rep), "corporation": corporation.id, "logistics": logistics.id}


def teach(session, actor, account_id, query):
    return learn_alias(session, actor=actor, policy=Policy(), account_id=account_id, query=query, now=NOW)


def test_a_chosen_candidate_is_confident_for_the_next_person(session, acme):
    assert search_accounts(session, query="acm").outcome == Outcome.ambiguous
    learned = teach(session, acme["rep"], acme["logistics"], "acm")
    assert (learned.alias, learned.learned_by, learned.query) == ("acm", "Ray Rep", "acm")

    someone_else = make_person(session, role=Role.rep)
    result = search_visible(session, actor=Actor.of(someone_else), policy=Policy(), query="ACM")
    assert (result.outcome, result.best.name) == (Outcome.match, "Acme Logistics GmbH")

    row = session.scalar(select(AccountAlias).where(AccountAlias.alias == "acm"))
    assert (row.source, row.learned_by_id, row.learned_at, row.query) == (
        AliasSource.learned, acme["rep"].person_id, NOW, "acm")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "learn_alias"))
    assert (entry.actor_id, entry.entity_id, entry.changes) == (
        acme["rep"].person_id, acme["logistics"], {"alias": "acm", "query": "acm"})


@pytest.mark.parametrize("typed", [
    "Acme Logistics GmbH",  # the name
    "acme logistics",  # the name, normalised (legal form dropped, case)
    "  ",  # nothing
    "a",  # one letter tells nothing
    "!!",  # punctuation normalises to nothing
    "x" * 101,  # a sentence, not a name
])
def test_nothing_is_learned_when_it_tells_nothing_new(session, acme, typed):
    assert teach(session, acme["rep"], acme["logistics"], typed) is None
    assert session.scalars(select(AccountAlias)).all() == []


def test_an_alias_it_already_has_is_not_learned_again(session):
    make_accounts_with_aliases(session, {"Procter & Gamble": ["P&G"]})
    account_id = search_accounts(session, query="procter & gamble").best.account_id
    assert teach(session, Actor.system("test"), account_id, "p&g") is None
    assert teach(session, Actor.system("test"), account_id, "pg") is not None
    assert teach(session, Actor.system("test"), account_id, "PG") is None  # its key is known now


def test_two_accounts_claiming_one_learned_alias_make_it_ambiguous(session, acme):
    teach(session, acme["rep"], acme["logistics"], "acm")
    assert search_accounts(session, query="acm").outcome == Outcome.match
    teach(session, acme["rep"], acme["corporation"], "acm")
    result = search_accounts(session, query="acm")
    assert result.outcome == Outcome.ambiguous
    assert {c.name for c in result.candidates} == {"Acme Corporation", "Acme Logistics GmbH"}


def test_teaching_needs_only_to_see_the_account(session):
    east = make_person(session, role=Role.rep, team="East")
    west = make_person(session, role=Role.rep, team="West")
    theirs = make_account(session, name="Zenith Robotics", owner=west)
    with pytest.raises(Forbidden):
        learn_alias(session, actor=Actor.of(east), policy=Policy(visibility="team"), account_id=theirs.id,
                    query="zr", now=NOW)
    assert teach(session, Actor.of(east), theirs.id, "zr") is not None  # every account is visible by default


def test_admins_list_and_remove_learned_aliases_and_the_name_no_longer_matches(session, acme):
    teach(session, acme["rep"], acme["logistics"], "acm")
    teach(session, acme["rep"], acme["logistics"], "ALG")
    admin = Actor.of(make_person(session, role=Role.admin, name="Ada Admin"))
    listing = learned_aliases(session, actor=admin, account_id=acme["logistics"])
    assert [(a.alias, a.learned_by, a.query, a.learned_at) for a in listing.aliases] == [
        ("acm", "Ray Rep", "acm", NOW), ("ALG", "Ray Rep", "ALG", NOW)]

    gone = remove_learned_alias(session, actor=admin, account_id=acme["logistics"], alias="ACM", now=NOW)
    assert gone.alias == "acm"
    assert search_accounts(session, query="acm").outcome == Outcome.ambiguous
    assert [a.alias for a in learned_aliases(session, actor=admin, account_id=acme["logistics"]).aliases] == ["ALG"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "remove_alias"))
    assert (entry.actor_id, entry.entity_id, entry.changes["alias"], entry.changes["learned_by"]) == (
        admin.person_id, acme["logistics"], "acm", "Ray Rep")
    with pytest.raises(NotFound):
        remove_learned_alias(session, actor=admin, account_id=acme["logistics"], alias="acm", now=NOW)


def test_only_admins_list_or_remove(session, acme):
    teach(session, acme["rep"], acme["logistics"], "acm")
    manager = Actor.of(make_person(session, role=Role.manager))
    for actor in (acme["rep"], manager):
        with pytest.raises(Forbidden):
            learned_aliases(session, actor=actor, account_id=acme["logistics"])
        with pytest.raises(Forbidden):
            remove_learned_alias(session, actor=actor, account_id=acme["logistics"], alias="acm", now=NOW)
    assert search_accounts(session, query="acm").outcome == Outcome.match


def test_an_imported_alias_is_not_removed_as_a_learned_one(session):
    make_accounts_with_aliases(session, {"International Business Machines": ["IBM"]})
    account_id = search_accounts(session, query="ibm").best.account_id
    with pytest.raises(NotFound):
        remove_learned_alias(session, actor=Actor.system("test"), account_id=account_id, alias="IBM", now=NOW)
    row = session.scalar(select(AccountAlias).where(AccountAlias.alias == "IBM"))
    assert row.source == AliasSource.imported
    from kam_core.accounts.aliases import remove_learned_alias_by_id
    with pytest.raises(AlreadyRemoved):
        remove_learned_alias_by_id(session, actor=Actor.system("test"), alias_id=row.id, now=NOW)
