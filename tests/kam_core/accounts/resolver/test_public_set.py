"""The public evaluation set (kam_core/accounts/resolver/publicset.py): built from real sources at run time."""

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.resolver import publicset
from kam_core.accounts.resolver.publicset import (
    HELD_OUT, TUNING, MissingSource, half, public_set, read_listed_companies, short_name_as_typed,
)
from tests.conftest import shared_path

LISTED = ("data", "cn-listed-companies", "companies.csv")


@pytest.mark.parametrize("printed, typed", [
    ("*ST美丽", "美丽"), ("ST宜化", "宜化"), ("ST东海洋", "东海洋"), ("S*ST前锋", "前锋"), ("SST华新", "华新"),
    ("深物业A", "深物业"), ("南玻A", "南玻"), ("大冷B", "大冷"), ("N凯迪", "凯迪"), ("C锦波", "锦波"),
    ("XD中国", "中国"), ("百奥泰-U", "百奥泰"), ("九号公司-WD", "九号公司"), ("*ST海润退", "海润"),
    # Not markers: a brand in Latin letters, a name that only ends in a letter-like character.
    ("GQY视讯", "GQY视讯"), ("TCL科技", "TCL科技"), ("世纪星源", "世纪星源"),
])
def test_the_exchanges_markers_are_taken_off_as_a_rep_would_not_type_them(printed, typed):
    assert short_name_as_typed(printed) == typed


def test_the_halves_are_fixed_by_the_companys_code():
    # The same code falls in the same half on every run and machine (a hash, not a random draw).
    assert [half(code) for code in ("000001.SZ", "000002.SZ", "600519.SH", "300750.SZ")] == \
        [TUNING, TUNING, HELD_OUT, HELD_OUT]


def test_the_set_has_every_kind_and_both_halves_among_its_1500_or_more_queries():
    shared_path(*LISTED)
    cases, accounts = public_set()
    assert len(cases) >= 1500
    kinds = Counter(c.kind for c in cases)
    assert {"cn_short", "none_zh", "english_name", "acronym", "short_form", "legal_form", "none_en"} <= kinds.keys()
    assert kinds["cn_short"] >= 1500
    parts = Counter(c.part for c in cases)
    assert parts.keys() == {TUNING, HELD_OUT} and min(parts.values()) > 0.4 * len(cases)
    names = {name for name, _ in accounts}
    assert all(c.expected in names for c in cases if c.expected)
    assert not any(c.query in names for c in cases if c.expected is None)


def test_every_query_of_a_company_is_in_the_same_half():
    shared_path(*LISTED)
    cases, _ = public_set()
    halves: dict[str, set[str]] = {}
    for case in cases:
        if case.expected:
            halves.setdefault(case.expected, set()).add(case.part)
    assert all(len(parts) == 1 for parts in halves.values())


def test_the_chinese_part_asks_the_short_names_without_markers_and_leaves_a_tenth_out():
    path = shared_path(*LISTED)
    companies = read_listed_companies(path)
    cases, accounts = publicset.chinese_part(companies)
    asked = {c.query for c in cases if c.kind in ("cn_short", "none_zh")}
    assert "美丽" in asked and "*ST美丽" not in asked and not any(q.startswith(("*ST", "ST")) for q in asked)
    left_out = len(companies) - len(accounts)
    assert 0.05 * len(companies) < left_out < 0.15 * len(companies)


def test_without_the_shared_file_the_set_is_refused(tmp_path):
    with pytest.raises(MissingSource, match="listed companies file"):
        public_set(listed=tmp_path / "companies.csv")


def test_bench_refuses_the_public_set_without_the_shared_file_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(publicset, "LISTED_COMPANIES", tmp_path / "companies.csv")
    result = CliRunner().invoke(app, ["bench", "resolve", "--public", "--size", "0"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "the listed companies file is not there" in result.output


def test_bench_wants_queries_or_the_public_set():
    result = CliRunner().invoke(app, ["bench", "resolve", "--size", "0"])
    assert result.exit_code == 2 and "give --queries FILE.csv or --public" in result.output


def test_bench_reports_each_kind_and_each_half(tmp_path):
    queries = tmp_path / "queries.csv"
    queries.write_text("query,expected,kind,part\n"
                       "siemans,Siemens AG,typo,tuning\n"
                       "华为,华为技术有限公司,cn_short,held_out\n"
                       "Airbnb,,none_en,held_out\n", encoding="utf-8")
    (tmp_path / "resolution_accounts.csv").write_text(
        "name,aliases\nSiemens AG,Siemens|西门子\n华为技术有限公司,Huawei|华为\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "resolve", "--queries", str(queries), "--size", "0"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["by_kind"].keys() == {"typo", "cn_short", "none_en"}
    assert report["by_kind"]["cn_short"]["top1_accuracy"] == 1.0 and report["by_kind"]["cn_short"]["queries"] == 1
    assert report["by_kind"]["none_en"]["no_match_accuracy"] == 1.0
    assert report["by_kind"]["none_en"]["false_match_rate"] == 0.0
    assert report["by_part"].keys() == {"tuning", "held_out"}
    assert report["by_part"]["held_out"]["queries"] == 2
    assert report["by_part"]["held_out"]["by_kind"].keys() == {"cn_short", "none_en"}
    assert {"false_match_rate", "p50_ms", "p99_ms", "index_build_s"} <= report.keys()
