"""`/kam find`'s listing: every account whose name or alias holds the words, first letters first."""

import pytest

from kam_core.accounts import access
from kam_core.accounts.access import FIND_LIMIT, find_visible
from kam_core.actors import Actor
from kam_core.enums import Role
from kam_core.policy import Policy
from tests.factories import make_account, make_accounts_with_aliases, make_person

ACCOUNTS = {
    "GenePoint": [],
    "General Mills, Inc.": [],
    "Regeneron Pharmaceuticals": [],
    "Genentech, Inc.": [],
    "东莞博华能源股份有限公司": ["Bohua Energy"],
    "深圳市腾讯计算机系统有限公司": ["Tencent"],
    "The Coca-Cola Company": [],
    "Acme Corporation": [],
}


@pytest.fixture
def accounts(session):
    make_accounts_with_aliases(session, ACCOUNTS)


def found(session, typed, actor=None, policy=Policy()):
    listing = find_visible(session, actor=actor or Actor.system("test"), policy=policy, query=typed)
    return [(f.name, f.matched) for f in listing.accounts], listing.more


def test_the_first_letters_list_the_names_starting_with_them_first(session, accounts):
    names, more = found(session, "gene")
    assert [n for n, _ in names] == ["Genentech, Inc.", "GenePoint", "General Mills, Inc.",
                                   "Regeneron Pharmaceuticals"]  # alphabetically, then the names holding it
    assert not more


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("energy", [("东莞博华能源股份有限公司", "Bohua Energy")]),  # a word of an alias, said so
        ("腾讯", [("深圳市腾讯计算机系统有限公司", "深圳市腾讯计算机系统有限公司")]),  # after the place name
        ("cocacola", [("The Coca-Cola Company", "The Coca-Cola Company")]),  # spaces and punctuation ignored
        ("ACME corp", [("Acme Corporation", "Acme Corporation")]),  # case and legal form folded
        ("gene mills", [("General Mills, Inc.", "General Mills, Inc.")]),  # every word, in any part
        ("genepoint systems", []),  # no guessing: a word no name has
    ],
)
def test_names_and_aliases_holding_every_word_are_listed(session, accounts, typed, expected):
    assert found(session, typed) == (expected, False)


def test_at_most_ten_are_listed_and_the_listing_says_there_are_more(session):
    for n in range(FIND_LIMIT + 2):
        make_account(session, name=f"Nimbus {n:02d} Ltd")
    names, more = found(session, "nimbus")
    assert len(names) == FIND_LIMIT and more
    assert names[0][0] == "Nimbus 00 Ltd"


def test_team_visibility_lists_only_what_the_actor_may_see(session, monkeypatch):
    monkeypatch.setattr(access, "VISIBILITY_CHUNK", 2)  # checked a few at a time, then more
    east = make_person(session, role=Role.rep, team="East")
    west = make_person(session, role=Role.rep, team="West")
    for n in range(FIND_LIMIT + 5):
        make_account(session, name=f"Zenith West {n:02d}", owner=west)
    make_account(session, name="Zenith East", owner=east)
    make_account(session, name="Zenith Zulu East", owner=east)  # after all of West's, alphabetically
    names, more = found(session, "zenith", actor=Actor.of(east), policy=Policy(visibility="team"))
    assert names == [("Zenith East", "Zenith East"), ("Zenith Zulu East", "Zenith Zulu East")] and not more
