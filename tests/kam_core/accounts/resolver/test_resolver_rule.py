"""The decision rule on each kind of case, among real company names (both back ends)."""

import pytest

from kam_core.accounts.resolver.resolve import Outcome, search_accounts
from tests.factories import make_accounts_with_aliases
from tests.kam_core.accounts.resolver.outcomes import outcome_of

ACCOUNTS = {
    "International Business Machines Corporation": ["IBM"],
    "Merck & Co., Inc.": ["MSD"],
    "Merck KGaA": [],
    "General Electric Company": ["GE"],
    "General Motors Company": ["GM"],
    "Siemens AG": ["西门子"],
    "Nestlé S.A.": [],
    "The Goldman Sachs Group, Inc.": [],
    "华为技术有限公司": ["Huawei"],
    "华为终端有限公司": [],
    "深圳市腾讯计算机系统有限公司": ["Tencent"],
    "平安银行股份有限公司": [],
    "中国平安保险(集团)股份有限公司": [],
    "中国银行股份有限公司": [],
    "中信证券股份有限公司": [],
    "杭州海康威视数字技术股份有限公司": [],
    "比亚迪股份有限公司": [],
    "株式会社東芝": ["Toshiba"],
    "Samsung Electronics Co., Ltd.": ["Samsung"],
}


@pytest.fixture
def accounts(session):
    make_accounts_with_aliases(session, ACCOUNTS)


@pytest.mark.parametrize(
    ("kind", "typed", "meant"),
    [
        ("exact", "Merck KGaA", "Merck KGaA"),  # the legal form typed tells the two Mercks apart
        ("suffix variant", "Siemens GmbH", "Siemens AG"),
        ("suffix variant", "Goldman Sachs Group Inc", "The Goldman Sachs Group, Inc."),
        ("case", "INTERNATIONAL BUSINESS MACHINES CORP", "International Business Machines Corporation"),
        ("full-width", "ＩＢＭ", "International Business Machines Corporation"),
        ("accents", "Nestle", "Nestlé S.A."),
        ("typo", "Goldman Sacks", "The Goldman Sachs Group, Inc."),
        ("typo", "Siemans", "Siemens AG"),
        ("alias", "ibm", "International Business Machines Corporation"),
        ("cross-script alias", "西门子", "Siemens AG"),
        ("cross-script alias", "huawei", "华为技术有限公司"),
        ("Chinese short name", "华为", "华为技术有限公司"),
        ("Chinese short name", "海康威视", "杭州海康威视数字技术股份有限公司"),
        ("Chinese short name", "平安银行", "平安银行股份有限公司"),
        ("leading place name", "深圳腾讯", "深圳市腾讯计算机系统有限公司"),
        ("generic words", "腾讯科技", "深圳市腾讯计算机系统有限公司"),
        ("generic words", "比亚迪汽车", "比亚迪股份有限公司"),
        ("input-method homophone", "腾迅", "深圳市腾讯计算机系统有限公司"),
        ("traditional characters", "騰訊", "深圳市腾讯计算机系统有限公司"),
        ("kanji to simplified", "东芝", "株式会社東芝"),
        ("pinyin", "tengxun", "深圳市腾讯计算机系统有限公司"),
        ("exact before prefix", "GE", "General Electric Company"),
    ],
)
def test_a_clear_name_is_a_confident_match(session, accounts, kind, typed, meant):
    assert outcome_of(session, typed) == (Outcome.match, [meant]), kind


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("Merck", {"Merck & Co., Inc.", "Merck KGaA"}),
        ("General", {"General Electric Company", "General Motors Company"}),
        ("平安", {"平安银行股份有限公司", "中国平安保险(集团)股份有限公司"}),
    ],
)
def test_a_name_several_accounts_answer_to_offers_them_all(session, accounts, typed, offered):
    outcome, names = outcome_of(session, typed)
    assert outcome == Outcome.ambiguous
    assert set(names) == offered


@pytest.mark.parametrize(
    "typed",
    [
        "北京银行",  # only a place and a trade word in common with 中国银行
        "中信银行",  # 中信证券's core, another line of business
        "Samsung Heavy Industries",  # the alias plus more words: another company
        "Uber Technologies",
        "Airbnb",
        "asdfgh",
    ],
)
def test_a_name_that_is_not_an_account_is_never_a_confident_match(session, accounts, typed):
    outcome, _ = outcome_of(session, typed)
    assert outcome != Outcome.match


@pytest.mark.parametrize("typed", ["北京银行", "Uber Technologies", "asdfgh"])
def test_an_unrelated_name_gets_no_match(session, accounts, typed):
    assert outcome_of(session, typed)[0] == Outcome.none


def test_no_match_still_names_the_closest_account_when_there_is_one(session, accounts):
    result = search_accounts(session, query="Samsung Heavy Industries")
    assert result.best is not None and result.best.name == "Samsung Electronics Co., Ltd."


def test_a_match_says_which_alias_matched(session, accounts):
    result = search_accounts(session, query="tencent")
    assert result.best.matched == "Tencent"


@pytest.mark.parametrize(("typed", "other"), [
    # a typo's worth of difference, but in the part that tells the two apart, behind shared trade words
    ("SoFa Technologies, Inc.", "Defa Technologies, Inc."),
    ("Kalvora Inc", "Alvora Energy Corp."),  # another first letter
    # one of a series: another number
    ("Harbor Capital 7 Corp.", "Harbor Capital 9 Corp."),
    ("Lakeside Acquisition IV Corp", "Lakeside Acquisition III Corp"),
    # a registered name typed in full that only begins a longer one
    ("Corvid Inc.", "Corvid & Partners Entertainment, Inc."),
    ("Prudenza PLC", "Prudenza Financial Inc"),
])
def test_a_name_that_differs_where_names_differ_is_asked_about_never_answered(session, typed, other):
    """Each query is a company that is not an account; the account beside it is offered, not chosen."""
    make_accounts_with_aliases(session, {other: [], "Northwind Traders": []})
    outcome, shown = outcome_of(session, typed)
    assert outcome != Outcome.match
    if outcome == Outcome.ambiguous:
        assert shown == [other]


@pytest.mark.parametrize(("typed", "meant"), [
    ("Sofa Technologies Inc", "SoFa Technologies, Inc."),  # the same name, written otherwise
    ("Harbor Capital 7", "Harbor Capital 7 Corp."),
    ("Corvid", "Corvid & Partners Entertainment, Inc."),  # the first words of a name, no legal form typed
    ("Kalvora Incorporated", "Kalvora Inc"),
])
def test_the_same_name_or_its_first_words_still_match(session, typed, meant):
    make_accounts_with_aliases(session, {meant: [], "Northwind Traders": []})
    assert outcome_of(session, typed) == (Outcome.match, [meant])
