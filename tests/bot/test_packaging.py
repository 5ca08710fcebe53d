"""A non-editable install must carry its templates and migrations."""

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, unpacked where only it (not the checkout) provides our packages."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    str(ROOT), "-w", str(out)], check=True, capture_output=True)
    site = out / "site"
    with zipfile.ZipFile(next(out.glob("kam_bot-*.whl"))) as wheel:
        wheel.extractall(site)
    return site


def kam(installed, *args, cwd, env: dict | None = None):
    code = "import sys, bot.cli, templates; assert bot.cli.__file__.startswith(sys.argv.pop(1)); bot.cli.main()"
    return subprocess.run([sys.executable, "-c", code, str(installed), *args], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin", **(env or {})})


def test_the_installed_package_migrates_and_renders_outside_the_checkout(installed, tmp_path):
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    upgraded = kam(installed, "db", "upgrade", "--database", url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Database at revision" in upgraded.stdout
    listed = kam(installed, "users", "list", "--database", url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "No people yet" in listed.stdout


def test_the_installed_package_carries_its_compiled_catalogs_and_speaks_chinese(installed, tmp_path):
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    assert kam(installed, "db", "upgrade", "--database", url, cwd=tmp_path).returncode == 0
    assert list((installed / "templates" / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.mo"))
    listed = kam(installed, "users", "list", "--database", url, cwd=tmp_path, env={"KAM_DEFAULT_LANGUAGE": "zh"})
    assert listed.returncode == 0, listed.stderr
    assert "还没有人员" in listed.stdout
