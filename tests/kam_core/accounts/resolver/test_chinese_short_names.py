"""Chinese exchange short names (chinese.py, chinese_ambiguity.py): how they are formed from the
registered name, found among many accounts, and asked about when they are generic words.

The names here are made up in the way listed companies are named; none is from the public file
the evaluation set is built on (../shared/data/cn-listed-companies), so these test the patterns."""

import pytest

from kam_core.accounts.resolver.benchdata import distractors
from kam_core.accounts.resolver.chinese import letter_candidates, letters, short_name_score
from kam_core.accounts.resolver.index import NameIndex
from kam_core.accounts.resolver.normalise import raw
from kam_core.accounts.resolver.resolve import Outcome, resolve, search_accounts
from tests.factories import make_accounts_with_aliases

COMPANIES = [
    "甘肃临夏鑫源钨业股份有限公司",
    "通辽宏达白银矿业股份有限公司",
    "中国第二轻型机械股份有限公司",
    "湖北恒铭实业股份有限公司",
    "天津博远印刷股份有限公司",
    "广西交通发展股份有限公司",
    "湖南电力发展股份有限公司",
    "重庆钢索制造股份有限公司",
    "深圳中岳华晟股份有限公司",
    "宝岭实业股份有限公司",
]

SHORT_NAMES = [
    # characters picked out of the name, in order
    ("甘肃钨业", "甘肃临夏鑫源钨业股份有限公司"),
    ("通辽白银", "通辽宏达白银矿业股份有限公司"),
    ("中国二轻", "中国第二轻型机械股份有限公司"),
    # the place dropped, 股份 appended (the legal form holds it)
    ("恒铭股份", "湖北恒铭实业股份有限公司"),
    ("博远股份", "天津博远印刷股份有限公司"),
    # the province or city shortened to one character
    ("桂交通", "广西交通发展股份有限公司"),
    ("湘电力", "湖南电力发展股份有限公司"),
    ("渝钢索", "重庆钢索制造股份有限公司"),
]
# Weaker forms, offered as a candidate rather than answered: single characters of two words (宝 and
# 实 are in many names), a word skipped after the abbreviated place.
WEAK_SHORT_NAMES = [
    ("宝实", "宝岭实业股份有限公司"),
    ("深华晟", "深圳中岳华晟股份有限公司"),
]


@pytest.mark.parametrize(("short", "full"), SHORT_NAMES)
def test_a_short_name_reads_as_one_of_its_registered_name(short, full):
    assert short_name_score(raw(short), raw(full)) >= 85


@pytest.mark.parametrize(("short", "full"), [
    ("钨业甘肃", "甘肃临夏鑫源钨业股份有限公司"),  # out of order
    ("甘肃钨矿", "甘肃临夏鑫源钨业股份有限公司"),  # a character the name does not have
])
def test_characters_out_of_order_or_missing_are_no_short_name(short, full):
    assert short_name_score(raw(short), raw(full)) == 0


def test_a_short_name_starting_mid_name_is_weaker_than_one_starting_where_the_name_does():
    anchored = short_name_score(raw("华晟股份"), raw("华晟精密股份有限公司"))
    inside = short_name_score(raw("华晟股份"), raw("深圳市中岳华晟精密股份有限公司"))
    assert anchored >= 85 > inside


def test_the_place_abbreviation_is_that_of_the_names_place():
    assert short_name_score(raw("湘电力"), raw("湖南电力发展股份有限公司")) >= 85
    assert short_name_score(raw("粤电力"), raw("湖南电力发展股份有限公司")) == 0


def test_a_short_name_ending_in_gufen_prefers_a_joint_stock_company():
    joint_stock = short_name_score(raw("恒铭股份"), raw("湖北恒铭实业股份有限公司"))
    limited = short_name_score(raw("恒铭股份"), raw("上海恒铭贸易有限公司"))
    assert joint_stock > limited


@pytest.fixture(scope="module")
def crowd():
    """The companies above among 5,000 generated ones, many sharing their two-character stems."""
    named = [(n, []) for n in COMPANIES] + distractors(5_000, set(COMPANIES))
    rows = [(i, name, None) for i, (name, _) in enumerate(named)]
    rows += [(i, name, alias) for i, (name, aliases) in enumerate(named) for alias in aliases]
    return NameIndex.build(rows)


@pytest.mark.parametrize(("short", "full"), SHORT_NAMES)
def test_a_short_name_finds_its_company_among_many(crowd, short, full):
    result = resolve(crowd, query=short)
    assert result.outcome == Outcome.match
    assert [c.name for c in result.candidates] == [full]


@pytest.mark.parametrize(("short", "full"), WEAK_SHORT_NAMES)
def test_a_weaker_short_name_offers_its_company_first(crowd, short, full):
    result = resolve(crowd, query=short)
    assert result.outcome == Outcome.ambiguous
    assert result.candidates[0].name == full


def test_letters_list_a_name_under_its_place_abbreviation():
    assert {"粤", "广", "东", "电", "力"} <= letters("广东电力发展")
    assert "粤" not in letters("湖南电力发展")


def test_a_short_name_meets_its_name_as_a_candidate_though_no_two_characters_are_neighbours():
    keys = ["宝岭实业", "宝华电子", "华实科技"]
    postings = {}
    for key_id, key in enumerate(keys):
        for letter in letters(key):
            postings.setdefault(letter, []).append(key_id)
    assert letter_candidates(postings, keys, "宝实") == [0]


GENERIC = ["福建阳光纺织股份有限公司", "四川阳光医药股份有限公司", "阳光城市建设股份有限公司"]


@pytest.fixture
def sunshine(session):
    make_accounts_with_aliases(session, {name: [] for name in [*GENERIC, "云南临沧铟业股份有限公司"]})


@pytest.mark.parametrize("typed", ["阳光", "阳光股份", "阳光集团"])
def test_a_generic_word_several_companies_carry_asks_with_them_as_candidates(session, sunshine, typed):
    result = search_accounts(session, query=typed)
    assert result.outcome == Outcome.ambiguous
    assert len(result.candidates) >= 2
    assert {c.name for c in result.candidates} <= set(GENERIC)


def test_the_generic_word_with_its_trade_word_is_still_answered(session, sunshine):
    result = search_accounts(session, query="阳光医药")
    assert result.outcome == Outcome.match
    assert result.candidates[0].name == "四川阳光医药股份有限公司"


def test_a_two_character_word_only_one_company_carries_is_answered(session, sunshine):
    result = search_accounts(session, query="云南铟业")
    assert result.outcome == Outcome.match
    assert result.candidates[0].name == "云南临沧铟业股份有限公司"


def test_a_generic_word_typed_as_a_companys_own_name_is_answered():
    index = NameIndex.build([(1, "阳光股份有限公司", None), (2, "福建阳光纺织股份有限公司", None),
                             (3, "四川阳光医药股份有限公司", None)])
    result = resolve(index, query="阳光股份有限公司")
    assert result.outcome == Outcome.match
    assert result.candidates[0].name == "阳光股份有限公司"


def test_the_same_name_in_another_place_is_not_an_answer():
    index = NameIndex.build([(1, "厦门港股份有限公司", None), (2, "青岛啤酒股份有限公司", None)])
    result = resolve(index, query="青岛港")
    assert result.outcome != Outcome.match
    assert "厦门港股份有限公司" not in [c.name for c in result.candidates if result.outcome == Outcome.ambiguous]


def test_a_query_found_inside_a_word_of_a_name_is_not_an_answer():
    index = NameIndex.build([(1, "凯瑞泽控股股份有限公司", None)])
    assert resolve(index, query="瑞泽").outcome != Outcome.match


def test_a_place_written_in_another_form_is_the_same_place():
    index = NameIndex.build([(1, "广西壮族自治区桂冠交通股份有限公司", None)])
    result = resolve(index, query="广西桂冠")
    assert result.outcome == Outcome.match


@pytest.mark.parametrize(
    ("typed", "first", "other"),
    [
        pytest.param("辉岭", "江苏辉岭生物农业股份有限公司", "上海汇岭物流有限公司",
                     id="the characters typed before a name that only sounds alike"),
        pytest.param("长岭科技", "芜湖长岭科技股份有限公司", "长沙岭海科技股份有限公司",
                     id="a leading city the table lacks left out before the whole rest is answered"),
        pytest.param("宏岭控股", "山东宏岭铝业控股股份有限公司", "上海宏岭物流集团有限公司",
                     id="the query's 控股 held before a name whose core alone fits"),
    ],
)
def test_the_name_that_fits_better_is_offered_first(typed, first, other):
    index = NameIndex.build([(1, first, None), (2, other, None)])
    assert resolve(index, query=typed).candidates[0].name == first


def test_a_homophone_alone_is_still_the_answer():
    index = NameIndex.build([(1, "上海汇岭物流有限公司", None), (2, "青岛啤酒股份有限公司", None)])
    result = resolve(index, query="辉岭")
    assert result.outcome == Outcome.match
    assert result.candidates[0].name == "上海汇岭物流有限公司"


def test_each_word_abbreviated_to_its_first_character_is_offered():
    index = NameIndex.build([(1, "青岛农垦商贸物流股份有限公司", None), (2, "江苏长青农化股份有限公司", None)])
    result = resolve(index, query="青农商物")
    assert result.outcome == Outcome.ambiguous
    assert result.candidates[0].name == "青岛农垦商贸物流股份有限公司"


def test_among_many_candidates_those_the_query_starts_are_kept():
    keys = [f"南京{a}{b}纺织" for a in "甲乙丙丁戊己庚辛壬癸" for b in "子丑寅卯辰巳午未申酉亥"] + ["南京纺机进出口"]
    postings = {}
    for key_id, key in enumerate(keys):
        for letter in letters(key):
            postings.setdefault(letter, []).append(key_id)
    assert len(keys) - 1 in letter_candidates(postings, keys, "南纺")


@pytest.mark.parametrize(("short", "full"), [
    # the company's city by its one-character abbreviation, which the registered name does not write
    ("深宏佳", "宏佳集团股份有限公司"),
    ("粤恒远", "恒远控股股份有限公司"),
])
def test_a_leading_place_abbreviation_the_name_does_not_write_still_reads_as_a_short_name(short, full):
    assert short_name_score(short, raw(full)) >= 85


def test_an_unwritten_place_abbreviation_counts_for_less_than_a_written_place():
    assert short_name_score("深宏佳", raw("宏佳集团股份有限公司")) < short_name_score("深宏佳", raw("深圳宏佳集团股份有限公司"))


@pytest.mark.parametrize(("typed", "meant"), [
    # a line of business the short name adds, or the registered name's own, left out as trade words
    ("鹰岭纸业", "鹰岭国际控股股份公司"),
    ("济安制药", "济安健康管理股份有限公司"),
    ("泰康鞋业", "浙江泰康国际股份有限公司"),
])
def test_a_short_name_with_another_trade_word_finds_its_company(session, typed, meant):
    make_accounts_with_aliases(session, {meant: [], "上海华兴纸业有限公司": [], "北京同仁制药有限公司": []})
    result = search_accounts(session, query=typed)
    assert result.outcome == Outcome.match
    assert result.best.name == meant
