"""Acronyms and initialisms: a rep types IBM, the bot finds International Business Machines (issue 18)."""

import pytest

from kam_core.accounts.resolver.acronyms import abbreviates, initialisms, query_forms, written_initialisms
from kam_core.accounts.resolver.normalise import core, normalise
from kam_core.accounts.resolver.resolve import Outcome, search_accounts
from tests.factories import make_accounts_with_aliases
from tests.kam_core.accounts.resolver.outcomes import outcome_of

ACCOUNTS = {
    "International Business Machines Corporation": [],
    "Amazon Web Services, Inc.": [],
    "The Procter & Gamble Company": [],
    "General Electric Company": [],
    "Bayerische Motoren Werke AG": [],
    "Ernst & Young Global Limited": [],
    "PricewaterhouseCoopers International Limited": [],
    "The Hongkong and Shanghai Banking Corporation Limited": [],
    "H&R Block, Inc.": [],
    "Honda Motor Co., Ltd.": [],
    "中国工商银行股份有限公司": ["Industrial and Commercial Bank of China Limited"],
    # Two more GEs and an account whose alias is its acronym.
    "Greenway Energy AB": [],
    "Grand Eagle Inc.": [],
    "Goldman Sachs Group, Inc.": ["GS"],
    "Gulf Stream Logistics LLC": [],
}


def forms(name: str) -> set[str]:
    key = normalise(name)
    return {f for f, _ in initialisms(key, core(key))} | set(written_initialisms(name, key, alias=False))


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("International Business Machines Corporation", "ibm"),  # the legal form dropped first
        ("The Procter & Gamble Company", "p&g"),  # the & and its words
        ("The Procter & Gamble Company", "pg"),
        ("Bayerische Motoren Werke AG", "bmw"),
        ("Ernst & Young Global Limited", "ey"),  # trade words left out
        ("PricewaterhouseCoopers LLP", "pc"),  # camel case
        ("The Hongkong and Shanghai Banking Corporation Limited", "hsbc"),  # stop words out, Corporation in
        ("H&R Block, Inc.", "hrb"),
        ("Honda Motor Co., Ltd.", "hmc"),
        ("Bank of America Corporation", "boa"),  # stop words counted
        ("Bank of America Corporation", "ba"),  # ... or not
    ],
)
def test_a_name_is_known_by_the_initials_of_its_words(name, initials):
    assert initials in forms(name)


def test_names_of_one_word_or_in_chinese_have_no_initials():
    assert forms("Siemens AG") == set()
    assert forms("中国工商银行股份有限公司") == set()


@pytest.mark.parametrize(
    ("typed", "plain", "capitals"),
    [
        ("IBM", "ibm", None),
        ("I.B.M.", "ibm", None),
        ("PwC", "pwc", "PwC"),
        ("Ehave, Inc.", "ehave", "Ehave"),  # capitals of the legal form are not the name's
        ("Siemens Energy", None, None),  # two words are not an acronym
    ],
)
def test_which_queries_may_be_acronyms(typed, plain, capitals):
    key = normalise(typed)
    assert query_forms(typed, key, key.replace(" ", "")) == (plain, capitals)


def test_a_mixed_case_acronym_must_abbreviate_the_words():
    assert abbreviates("PwC", ["pricewaterhouse", "coopers"])
    assert abbreviates("BofA", ["bank", "of", "america"])
    assert not abbreviates("BlackRock", ["bank", "of", "rwanda"])
    assert not abbreviates("PwC", ["pacific", "coast"])


@pytest.fixture
def accounts(session):
    make_accounts_with_aliases(session, ACCOUNTS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("IBM", "International Business Machines Corporation"),
        ("ibm", "International Business Machines Corporation"),
        ("I.B.M.", "International Business Machines Corporation"),
        ("AWS", "Amazon Web Services, Inc."),
        ("P&G", "The Procter & Gamble Company"),
        ("BMW", "Bayerische Motoren Werke AG"),
        ("EY", "Ernst & Young Global Limited"),
        ("PwC", "PricewaterhouseCoopers International Limited"),
        ("HSBC", "The Hongkong and Shanghai Banking Corporation Limited"),
        ("HRB", "H&R Block, Inc."),
        ("HMC", "Honda Motor Co., Ltd."),
        ("ICBC", "中国工商银行股份有限公司"),  # from its English alias
    ],
)
def test_a_unique_acronym_is_a_confident_match(session, accounts, typed, meant):
    assert outcome_of(session, typed) == (Outcome.match, [meant])


def test_an_acronym_several_accounts_share_asks_with_them_all(session, accounts):
    outcome, names = outcome_of(session, "GE")
    assert outcome == Outcome.ambiguous
    assert set(names) == {"General Electric Company", "Greenway Energy AB", "Grand Eagle Inc."}


def test_an_acronym_written_as_an_alias_stays_exact(session, accounts):
    # Gulf Stream Logistics' initials are GS too; the alias wins outright.
    result = search_accounts(session, query="GS")
    assert (result.outcome, result.best.name, result.best.matched) == (
        Outcome.match, "Goldman Sachs Group, Inc.", "GS")


@pytest.mark.parametrize("typed", ["NTT", "pwc", "Ehave, Inc."])
def test_initials_of_no_account_match_nothing_confidently(session, accounts, typed):
    # "pwc" in lower case has no capitals to abbreviate PricewaterhouseCoopers with.
    assert outcome_of(session, typed)[0] != Outcome.match
