"""`kam bench resolve` and the evaluation set the project measures itself on."""

import json

from typer.testing import CliRunner

from bot.cli import app
from kam_core.accounts.resolver import benchmark
from kam_core.accounts.resolver.evaluation import read_cases
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
FIGURES = {"top1_accuracy", "top5_recall", "false_match_rate", "ambiguous_rate", "p50_ms", "p99_ms"}


def test_the_evaluation_set_meets_the_accuracy_targets():
    report = benchmark.run(read_cases(DATA / "resolution_eval.csv"), database_url=None,
                           accounts_file=DATA / "resolution_accounts.csv", size=0)
    assert report["top1_accuracy"] >= 0.95
    assert report["top5_recall"] >= 0.99
    assert report["false_match_rate"] <= 0.01


def write_queries(tmp_path, text):
    queries = tmp_path / "queries.csv"
    queries.write_text(text, encoding="utf-8")
    (tmp_path / "resolution_accounts.csv").write_text(
        "name,aliases\nSiemens AG,Siemens|西门子\n华为技术有限公司,Huawei|华为\n", encoding="utf-8")
    return queries


def test_bench_prints_the_figures_as_json(tmp_path):
    queries = write_queries(tmp_path, "query,expected\nsiemans,Siemens AG\n华为,华为技术有限公司\nAirbnb,\n")
    result = CliRunner().invoke(app, ["bench", "resolve", "--queries", str(queries), "--size", "50"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert FIGURES <= report.keys()
    assert report["accounts"] == 50 and report["top1_accuracy"] == 1.0 and report["false_match_rate"] == 0.0


def test_bench_against_a_database_uses_its_accounts(tmp_path, database_url):
    queries = write_queries(tmp_path, "query,expected\nsiemans,Siemens AG\n")
    result = CliRunner().invoke(app, ["bench", "resolve", "--queries", str(queries), "--database", database_url])
    assert result.exit_code == 2
    assert "1 expected accounts are not in the database (first: Siemens AG)" in result.output


def test_a_queries_file_without_the_columns_is_refused_in_one_line(tmp_path):
    queries = write_queries(tmp_path, "name,account\nsiemans,Siemens AG\n")
    result = CliRunner().invoke(app, ["bench", "resolve", "--queries", str(queries), "--size", "0"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "needs the columns query,expected" in result.output
