"""The "did you mean" of a name that is no account: only when plausible (resolve.py's rule)."""

import pytest

from kam_core.accounts.resolver.benchdata import load_accounts, read_accounts
from kam_core.accounts.resolver.evaluation import read_cases
from kam_core.accounts.resolver.index import name_index
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.resolve import (
    SUGGESTION_SHARE, Outcome, letters_shared, plausible, ranked_accounts, search_accounts,
)
from tests.conftest import ROOT
from tests.factories import make_accounts_with_aliases

DATA = ROOT / "tests" / "data"

# The demo's names that were offered for "genepoint" and "foo bar" (issue #14), beside real companies.
ACCOUNTS = {
    "东莞博华能源股份有限公司": ["Bohua Energy"],
    "济南汇科食品有限公司": ["Huike Foods"],
    "北京华信科技有限公司": ["Huaxin Technology"],
    "Bluemark Foods AB": [],
    "Novamark Water GmbH": [],
    "Starbucks Corporation": ["Starbucks"],
    "Alphabet Inc.": ["Google"],
    "Acme Corporation": [],
    "Siemens AG": [],
    "华为技术有限公司": ["Huawei"],
    "深圳市腾讯计算机系统有限公司": [],
    "株式会社ニコン": [],
}


@pytest.fixture
def accounts(session):
    make_accounts_with_aliases(session, ACCOUNTS)


@pytest.mark.parametrize("typed", ["genepoint", "foo bar", "genpoint", "asdfgh"])
def test_a_name_like_no_account_gets_no_suggestion(session, accounts, typed):
    result = search_accounts(session, query=typed)
    assert result.outcome == Outcome.none
    assert result.best is None, f"{typed!r} suggested {result.best.name!r}"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Starbucks Coffee", "Starbucks Corporation"),  # from the evaluation set
        ("Gogel", "Alphabet Inc."),  # two letters wrong, through the alias Google
        ("Acme Corp Europe", "Acme Corporation"),  # the name plus more words
        ("Siemens Energy", "Siemens AG"),
        ("Huawei Cloud", "华为技术有限公司"),  # a Chinese name, through its Latin alias
    ],
)
def test_a_near_miss_still_gets_its_did_you_mean(session, accounts, typed, suggested):
    result = search_accounts(session, query=typed)
    assert result.outcome == Outcome.none
    assert result.best is not None and result.best.name == suggested


@pytest.mark.parametrize(
    ("typed", "key", "share"),
    [
        ("tengxun", "腾讯", 1.0),  # a Latin query meets a Chinese name through its pinyin
        ("腾迅", "腾讯", 1.0),  # an input-method homophone: the same sound
        ("百渡", "baidu", 1.0),  # a Chinese query meets a Latin name through its own pinyin
        ("nikon", "ニコン", 0.0),  # kana have no pinyin: no script in common
        ("acme corp europe", "acme", 1.0),  # held whole
        ("ge corp europe", "ge", 2 / 12),  # too short to count held whole
    ],
)
def test_letters_are_compared_only_in_a_script_both_share(typed, key, share):
    assert letters_shared(Query.of(typed), key, None) == pytest.approx(share)


def test_the_genepoint_suggestion_shares_too_little(session, accounts):
    q = Query.of("genepoint")
    bohua = next(r for r in ranked_accounts(name_index(session), "genepoint") if r[1] == "东莞博华能源股份有限公司")
    assert letters_shared(q, "bohua energy", None) < SUGGESTION_SHARE
    assert not plausible(name_index(session), q, bohua)


def test_every_named_query_of_the_evaluation_set_would_keep_its_account_as_the_suggestion(session):
    """Whatever the outcome, the rule never judges the account a real query means implausible:
    typos, aliases, other scripts, pinyin, homophones (918 queries)."""
    load_accounts(session, read_accounts(DATA / "resolution_accounts.csv"))
    index = name_index(session)
    rejected = []
    for case in read_cases(DATA / "resolution_eval.csv"):
        if case.expected:
            meant = next(r for r in ranked_accounts(index, case.query) if r[1] == case.expected)
            if not plausible(index, Query.of(case.query), meant):
                rejected.append((case.query, case.expected, round(meant[0], 1)))
    assert rejected == []


def test_few_no_match_queries_of_the_evaluation_set_get_a_suggestion(session):
    load_accounts(session, read_accounts(DATA / "resolution_accounts.csv"))
    answered = [search_accounts(session, query=c.query) for c in read_cases(DATA / "resolution_eval.csv")
                if c.expected is None]
    suggested = [(r.query, r.best.name) for r in answered if r.outcome == Outcome.none and r.best]
    assert len(suggested) <= 0.1 * len(answered), suggested  # it was 97 of 119
