"""`kam bench all` at CI size: it still runs end to end (gunicorn, the bot, the floor) and prints every
figure. No timing is asserted: the figures depend on the machine."""

import importlib.util

import pytest
from typer.testing import CliRunner

from bot.cli import app

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed")

ROWS = ("/kam (fuzzy name)", "/kam opps", "/kam plan", "/kam mine", "/kam log",
        "floor, bolt default", "floor, process_before_response", "concurrency 8", "concurrency 32")
OTHERS = "# Benchmarks\n\n## Resolution\n\nresolution figures\n\n## Soak\n\nsoak figures\n"


def test_bench_all_prints_every_command_and_both_floors_and_writes_only_its_section(database_url, tmp_path):
    out = tmp_path / "benchmarks.md"
    out.write_text(OTHERS)

    result = CliRunner().invoke(app, ["bench", "all", "--scale", "small", "--requests", "30",
                                      "--database", database_url, "--out", str(out)])

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


def test_bench_all_refuses_an_unknown_scale():
    result = CliRunner().invoke(app, ["bench", "all", "--scale", "huge"])

    assert result.exit_code == 2
    assert "--scale is small or large" in result.output
