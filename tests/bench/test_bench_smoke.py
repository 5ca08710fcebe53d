"""`kam bench all` at CI size: it still runs end to end (gunicorn, the bot, the floor) and prints every
figure. No timing is asserted: the figures depend on the machine."""

import importlib.util
import json

import pytest
from typer.testing import CliRunner

from bot.cli import app

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")

ROWS = ("/kam (fuzzy name)", "/kam opps", "/kam plan", "/kam mine", "/kam log",
        "floor, bolt default", "floor, process_before_response", "concurrency 8", "concurrency 32")
OTHERS = "# Benchmarks\n\n## Resolution\n\nresolution figures\n\n## Soak\n\nsoak figures\n"


def test_bench_all_prints_every_command_and_both_floors_and_writes_only_its_section(database_url, tmp_path):
    out, figures = tmp_path / "benchmarks.md", tmp_path / "figures.json"
    out.write_text(OTHERS)

    result = CliRunner().invoke(app, ["bench", "all", "--scale", "small", "--requests", "30",
                                      "--database", database_url, "--out", str(out), "--json", str(figures)])

    assert result.exit_code == 0, result.output
    for row in ROWS:
        assert f"| {row} | 30 |" in result.stdout
    assert "Peak RSS of one serving process" in result.stdout
    assert "Name resolution alone (in-process `search_accounts`, 30 queries" in result.stdout
    assert "All managers' weekly digests in one builder call: 4 digests" in result.stdout
    bulk = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in result.stdout.splitlines()
            if line.startswith("| kam ")}
    assert set(bulk) == {"kam demo", "kam export", "kam import export"}
    assert bulk["kam export"] == bulk["kam import export"] != "0"  # the restore kept every exported row
    assert "| errors |" in result.stdout and "Errors (" not in result.stdout
    written = out.read_text()
    assert written.startswith(OTHERS.rstrip("\n"))
    assert "## Commands" in written and "### small scale, " in written
    for row in ROWS:
        assert f"| {row} | 30 |" in written
    run = json.loads(figures.read_text())
    assert (run["scale"], run["backend"]) == ("small", database_url.split(":")[0].split("+")[0])
    assert run["figures"]["errors"] == 0
    assert_statements_counted(result.stdout, run["figures"])


def assert_statements_counted(stdout: str, counted: dict) -> None:
    """Each command's SQL column: the median (and max) of the statements counted, judged against its target."""
    assert "| request | n | p50 ms | p95 ms | p99 ms | p50 / floor | p99 / floor | SQL | errors | load |" in stdout
    sql = {cells[0]: cells[7] for cells in ([c.strip() for c in line.strip("|").split("|")]
                                            for line in stdout.split("| request | n |")[1]
                                            .split("\n\n")[0].splitlines()[2:])}
    for row in ROWS[:5]:
        median, most = counted[f"{row} SQL statements, median"], counted[f"{row} SQL statements, most"]
        assert 1 <= median <= most
        assert sql[row] == (str(median) if median == most else f"{median} (max {most})")
        bound = 6 if row == "/kam log" else 4
        assert f"| {row}: every request ≤ {bound} SQL statements | {sql[row]} | {'yes' if most <= bound else 'no'} |" \
            in stdout
    assert sql["floor, bolt default"] == sql["floor, process_before_response"] == "–"
    assert "of 20 requests per command (those answered as expected), counted by an engine event" in stdout


def test_bench_all_refuses_an_unknown_scale():
    result = CliRunner().invoke(app, ["bench", "all", "--scale", "huge"])

    assert result.exit_code == 2
    assert "--scale is small or large" in result.output
