"""Building the `kam` command stays light: `import bot.cli` and `kam --help` load no database, Slack or
domain code; each command imports what it needs when it runs (docs/benchmarks.md, "CLI start-up").
Checked in a fresh interpreter, since this test process has imported all of it already."""

import json
import subprocess
import sys

import pytest

# What a command may load when it runs, but never merely to build `kam` and its help.
HEAVY = ("sqlalchemy", "alembic", "slack_sdk", "slack_bolt", "pydantic_settings", "structlog", "rapidfuzz",
         "pypinyin", "zhconv", "cleanco", "prometheus_client", "websockets", "psycopg",
         "bot.app", "bot.assembly", "bot.chat", "bot.emulator", "bot.installation", "bot.runtime", "bot.scheduler",
         "bot.settings", "handlers", "kam_core.accounts", "kam_core.db", "kam_core.demo", "kam_core.models",
         "kam_core.schema")

LOADED = """
import json, sys
sys.argv = ["kam", *json.loads(sys.argv[1])]
from bot.cli import app
code = 0
if len(sys.argv) > 1:
    try:
        app()
    except SystemExit as exit:
        code = exit.code or 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def heavy_modules_loaded(argv: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", LOADED, json.dumps(argv)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] == 0, f"kam {' '.join(argv)} exited {result['code']}: a help page that does not exist"
    loaded = result["modules"]
    return [name for name in loaded if any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY)]


@pytest.mark.parametrize("argv", [[], ["--help"], ["accounts", "--help"], ["accounts", "find", "--help"],
                                  ["chat", "--help"], ["bench", "resolve", "--help"], ["digest", "send", "--help"],
                                  ["import", "accounts", "--help"]],
                         ids=lambda argv: " ".join(["kam", *argv]) if argv else "import bot.cli")
def test_building_the_cli_and_its_help_loads_no_heavy_module(argv):
    assert heavy_modules_loaded(argv) == []
