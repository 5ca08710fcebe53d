"""The README's `make run`, twice, from a fresh copy of the tree, with an import and a note logged in
between: the second run keeps them (and the demo), and says it left the database as it is.

The copy is the working tree (tracked and untracked files, as `git ls-files -co --exclude-standard` lists
them), so uncommitted work is what runs. It reuses this test's virtualenv (VENV=..., never rebuilt: `-o`
tells make the venv is up to date) and runs the copy's code (PYTHONPATH). `kam chat` reads stdin, which
is closed, so each run ends after the chat's greeting."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

VENV = Path(sys.prefix)
KAM = VENV / "bin" / "kam"
NOTE = "/kam log Zeta Real Co: met the buyer, next: send quote in 3 days"

pytestmark = pytest.mark.skipif(not (shutil.which("make") and shutil.which("git") and KAM.exists()),
                                reason="needs make, git and a virtualenv with `kam`")


@pytest.fixture
def clone(tmp_path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    copy = tmp_path / "kam-bot"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file someone deleted is not in the tree
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture
def environment(backend, database_url, clone) -> dict[str, str]:
    """As a person's shell has it: SQLite by the Makefile's default (kam.db in the copy), or PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "SLACK_"))}
    env["PYTHONPATH"] = str(clone)
    if backend == "postgres":
        env["KAM_DATABASE_URL"] = database_url
    return env


def make_run(clone: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["make", "--no-print-directory", f"VENV={VENV}", "-o", f"{VENV}/.installed", "run"],
                          cwd=clone, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def kam(clone: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(KAM), *args], cwd=clone, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_make_run_twice_keeps_what_was_imported_and_logged_in_between(clone, environment):
    first = make_run(clone, environment)
    assert "Demo data written to" in first and "a manager from the demo data" in first

    (clone / "my.csv").write_text("name,industry,region\nZeta Real Co,Steel,Europe\nOmega Real Ltd,Chemicals,Asia\n")
    assert "accounts" in kam(clone, environment, "import", "accounts", "my.csv")
    assert "Saved to" in kam(clone, environment, "chat", "--user", "rep@demo.kam.test", NOTE)

    second = make_run(clone, environment)
    assert "It replaced everything" not in second and "Demo data written" not in second
    assert "already holds data, so `kam demo --if-empty` left it as it is" in second
    assert "2 accounts, 1 interaction and 1 follow-up written since the demo" in second
    assert "a manager from the demo data" in second  # and the chat still starts, on the same data

    card = kam(clone, environment, "accounts", "show", "Zeta Real Co", "--as", "rep@demo.kam.test")
    assert "Last touch: note today by 陈杰" in card and "Next follow-up: send quote by" in card
    assert "Omega Real Ltd" in kam(clone, environment, "accounts", "find", "Omega Real")
