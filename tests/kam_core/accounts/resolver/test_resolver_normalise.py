"""What names become before they are compared."""

import pytest

from kam_core.accounts.resolver.normalise import core, normalise, pinyin


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Henkel AG & Co. KGaA", "henkel"),  # several legal terms in a row
        ("Huawei Technologies Co., Ltd.", "huawei technologies"),
        ("The Procter & Gamble Company", "procter & gamble"),
        ("Procter and Gamble", "procter & gamble"),
        ("McDonald's Corporation", "mcdonalds"),
        ("L'Oréal S.A.", "loreal"),
        ("A.P. Møller - Mærsk A/S", "a p moller maersk"),
        ("联想（北京）有限公司", "联想"),  # full-width parentheses, a place in them
        ("中国平安保险(集团)股份有限公司", "中国平安保险"),
        ("台灣積體電路製造股份有限公司", "台湾积体电路制造"),  # traditional → simplified
        ("株式会社日立製作所", "日立制作所"),  # 株式会社 leads Japanese names too
        ("ソニーグループ株式会社", "ソニー"),  # kana keep their voicing marks
    ],
)
def test_legal_forms_in_many_languages_are_dropped(typed, key):
    assert normalise(typed) == key


@pytest.mark.parametrize(
    ("key", "distinctive"),
    [
        ("深圳市腾讯计算机系统", "腾讯"),  # place, then trade words
        ("华为技术", "华为"),
        ("中国平安保险", "平安"),
        ("中国银行", None),  # nothing but a place and a trade word
        ("vodafone group", "vodafone"),
        ("general motors", "general"),
        ("acme", "acme"),
    ],
)
def test_the_core_drops_leading_places_and_trade_words(key, distinctive):
    assert core(key) == distinctive


def test_pinyin_is_toneless_and_only_for_chinese_characters():
    assert pinyin("腾讯") == pinyin("腾迅") == "tengxun"
    assert pinyin("acme") is None
