"""Long work shows its progress on stderr while stdout keeps the report: plain lines when stderr is not a
terminal (at most one per label every 5 s, and its last), a rich bar per label on a terminal, and at the
end how long it took, in English and in Chinese."""

import io
import json
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.progress import BarReporter, PlainReporter, mode, shown_progress, took_parts, words
from kam_core import progress
from templates import i18n
from tests.conftest import drop_database, fresh_database_url, shared_path


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def plain() -> tuple[PlainReporter, list[str], Clock]:
    lines, clock = [], Clock()
    return PlainReporter(lines.append, clock=clock), lines, clock


def test_a_plain_line_says_the_label_the_count_of_the_total_and_the_rate():
    reporter, lines, clock = plain()
    reporter.advance("accounts", 0, 100_000)
    clock.now += 4.9
    reporter.advance("accounts", 39_690, 100_000)
    assert lines == []  # not yet 5 s
    clock.now += 0.1
    reporter.advance("accounts", 310, 100_000)
    assert lines == ["accounts: 40,000 of 100,000 (8,000/s)"]


def test_plain_lines_come_at_most_once_every_5_s_per_label_plus_the_last():
    reporter, lines, clock = plain()
    reporter.advance("interactions", 0, 3_000)
    reporter.advance("opportunities", 0, 900)
    for _ in range(5):  # a batch every second, for each label
        clock.now += 1
        reporter.advance("interactions", 500, 3_000)
        reporter.advance("opportunities", 100, 900)
    assert lines == ["interactions: 2,500 of 3,000 (500/s)", "opportunities: 500 of 900 (100/s)"]
    clock.now += 1
    reporter.advance("interactions", 500, 3_000)  # its total: the last line at once, not 5 s later
    assert lines[-1] == "interactions: 3,000 of 3,000 (500/s)"
    for _ in range(4):
        clock.now += 1
        reporter.advance("opportunities", 100, 900)
    assert lines[-1] == "opportunities: 900 of 900 (90/s)"  # 900 in 10 s
    reporter.close()
    assert len(lines) == 4  # nothing told twice


def test_a_label_without_a_total_tells_its_last_count_at_the_end():
    reporter, lines, clock = plain()
    reporter.advance("rows written", 0, None)
    clock.now += 2
    reporter.advance("rows written", 64_000, None)
    assert lines == []
    reporter.close()
    assert lines == ["rows written: 64,000 (32,000/s)"]


def test_a_label_that_reached_its_total_begins_a_new_pass():
    reporter, lines, clock = plain()
    reporter.advance("accounts", 0, 2)
    clock.now += 1
    reporter.advance("accounts", 2, 2)
    reporter.advance("accounts", 0, 3)
    clock.now += 1
    reporter.advance("accounts", 3, 3)
    assert lines == ["accounts: 2 of 2 (2.0/s)", "accounts: 3 of 3 (3.0/s)"]


def test_a_count_told_without_an_announcement_has_no_rate_of_its_own():
    reporter, lines, _ = plain()
    reporter.advance("products", 4, 4)  # one call: no time it took to measure
    assert lines == ["products: 4 of 4"]


def test_steps_are_said_as_they_begin():
    reporter, lines, _ = plain()
    with progress.reporting(reporter), progress.step("tiers"):
        pass
    assert lines == ["Recomputing the tiers…"]


@pytest.mark.parametrize(("seconds", "english", "chinese"), [
    (0.04, "Took 0.1 s.", "用时 0.1 秒。"),
    (4.27, "Took 4.3 s.", "用时 4.3 秒。"),
    (9.96, "Took 10 s.", "用时 10 秒。"),
    (42.9, "Took 43 s.", "用时 43 秒。"),
    (72.5, "Took 1 min 12 s.", "用时 1 分 12 秒。"),
    (3_725, "Took 1 h 2 min.", "用时 1 小时 2 分。"),
])
def test_took_says_how_long_in_the_commands_language(seconds, english, chinese):
    assert words("took", **took_parts(seconds)) == english
    with i18n.use("zh"):
        assert words("took", **took_parts(seconds)) == chinese


def test_lines_in_chinese():
    with i18n.use("zh"):
        reporter, lines, clock = plain()
        reporter.advance("accounts", 0, 100_000)
        clock.now += 5
        reporter.advance("accounts", 40_500, 100_000)
        with progress.reporting(reporter), progress.step("statistics"):
            pass
    assert lines == ["客户：40,500 / 100,000（8,100/秒）", "正在更新数据库的统计信息…"]


def test_shown_progress_ends_with_took_and_not_after_a_failure():
    lines, clock = [], Clock()
    with shown_progress(chosen="plain", write=lines.append, clock=clock):
        progress.advance("accounts", 0, total=3)
        clock.now += 72
        progress.advance("accounts", 3, total=3)
    assert lines == ["accounts: 3 of 3 (0.0/s)", "Took 1 min 12 s."]

    lines.clear()
    with pytest.raises(RuntimeError), shown_progress(chosen="plain", write=lines.append, clock=clock):
        progress.advance("rows written", 10)
        raise RuntimeError("broken")
    assert lines == []  # the error is what matters: no last counts, no "Took"
    progress.advance("rows written", 1, total=1)  # would complete the pass, if the reporter outlived its block
    assert lines == []


def test_off_shows_no_progress_but_still_how_long_and_nothing_done_says_nothing():
    lines, clock = [], Clock()
    with shown_progress(chosen="off", write=lines.append, clock=clock):
        progress.advance("accounts", 5, total=5)
        clock.now += 3
    assert lines == ["Took 3.0 s."]
    lines.clear()
    with shown_progress(chosen="plain", write=lines.append, clock=clock) as shown:
        shown.nothing_done()
    assert lines == []


def test_kam_progress_chooses_and_a_terminal_gets_the_bar():
    class Stream(io.StringIO):
        def __init__(self, tty: bool) -> None:
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert mode({}, Stream(tty=True)) == "bar"
    assert mode({}, Stream(tty=False)) == "plain"
    assert mode({"TERM": "dumb"}, Stream(tty=True)) == "plain"
    assert mode({"KAM_PROGRESS": "off"}, Stream(tty=True)) == "off"
    assert mode({"KAM_PROGRESS": "Plain"}, Stream(tty=True)) == "plain"
    assert mode({"KAM_PROGRESS": "bar"}, Stream(tty=False)) == "bar"


def test_an_unknown_kam_progress_says_so_and_shows_progress_as_usual(capsys):
    assert mode({"KAM_PROGRESS": "loud"}, io.StringIO()) == "plain"
    assert capsys.readouterr().err.strip() == ("KAM_PROGRESS=loud is not off, plain or bar; progress is shown as "
                                               "usual (a bar on a terminal, plain lines otherwise).")


def screen(output: str) -> list[str]:
    """What the terminal shows after rich's last redraw: its lines, without the control sequences."""
    last = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output).split("\r")[-1]
    return [line.rstrip() for line in last.splitlines() if line.strip()]


def bar_output(language: str = "en") -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system=None)
    with i18n.use(language):
        reporter = BarReporter(console)
    with progress.reporting(reporter):
        progress.advance("accounts", 0, total=100_000)
        progress.advance("accounts", 40_000, total=100_000)
        progress.advance("rows written", 64_921)
        with progress.step("tiers"):
            pass
    reporter.close()
    return buffer.getvalue()


def test_on_a_terminal_a_bar_per_label_with_counts_total_rate_and_elapsed():
    lines = screen(bar_output())
    assert [line.split("━")[0].strip() for line in lines] == ["accounts", "rows written", "Recomputing the tiers"]
    assert "40,000 of 100,000" in lines[0] and "━" in lines[0] and lines[0].endswith("0:00:00")
    assert "64,921" in lines[1] and " of " not in lines[1]  # no total was known
    assert "/s" not in lines[2] and " of " not in lines[2]


def test_the_bar_speaks_the_commands_language_from_rich_s_own_thread():
    lines = screen(bar_output("zh"))
    assert lines[0].startswith("客户") and "40,000 / 100,000" in lines[0]
    assert lines[2].startswith("正在重新计算客户层级")


def test_the_bars_rate_is_per_second():
    buffer, clock = io.StringIO(), Clock()
    reporter = BarReporter(Console(file=buffer, force_terminal=True, width=120, color_system=None))
    reporter.progress.get_time = clock
    reporter.advance("opportunities", 0, 3_000)
    for _ in range(3):
        clock.now += 1
        reporter.advance("opportunities", 1_000, 3_000)
    reporter.close()
    assert screen(buffer.getvalue()) == [
        "opportunities ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 3,000 of 3,000 1,000/s 0:00:03"]


# Through the real `kam`: stderr has the progress, stdout the report.

def kam(*args, env=None):
    return CliRunner().invoke(app, list(args), env=env)


def test_kam_demo_shows_progress_on_stderr_and_its_report_on_stdout(database_url):
    result = kam("demo", "--accounts", "50", "--database", database_url)
    assert result.exit_code == 0, result.output
    stderr = result.stderr.splitlines()
    assert "accounts: 50 of 50" in " ".join(stderr)
    assert any(line.startswith("interactions: 400 of 400") for line in stderr)
    assert any(line.startswith("opportunities: 150 of 150") for line in stderr)
    assert "Recomputing the tiers…" in stderr
    assert stderr[-1].startswith("Took ") and stderr[-1].endswith(" s.")
    assert "Demo data written to" in result.stdout and "Took" not in result.stdout
    assert "of 50" not in result.stdout

    again = kam("demo", "--accounts", "50", "--database", database_url, env={"KAM_PROGRESS": "off"})
    assert again.exit_code == 0, again.output
    assert len(again.stderr.splitlines()) == 1 and again.stderr.startswith("Took ")


def test_kam_demo_if_empty_on_a_full_database_says_only_that_it_kept_it(database_url):
    assert kam("demo", "--accounts", "50", "--database", database_url).exit_code == 0
    kept = kam("demo", "--if-empty", "--database", database_url)
    assert kept.exit_code == 0, kept.output
    assert kept.stderr == ""


def test_kam_export_and_its_restore_show_their_rows(database_url, backend, tmp_path):
    assert kam("demo", "--accounts", "50", "--database", database_url).exit_code == 0
    folder = tmp_path / "export"
    exported = kam("export", str(folder), "--database", database_url)
    assert exported.exit_code == 0, exported.output
    rows = sum(entry["rows"] for entry in json.loads((folder / "manifest.json").read_text())["tables"].values())
    assert exported.stderr.splitlines()[0].startswith(f"rows written: {rows:,} of {rows:,}")
    assert exported.stderr.splitlines()[-1].startswith("Took ")
    assert f"Exported {rows:,} rows" in exported.stdout and "Took" not in exported.stdout

    (tmp_path / "target").mkdir()
    target = fresh_database_url(backend, tmp_path / "target")
    try:
        assert kam("db", "upgrade", "--database", target).exit_code == 0
        restored = kam("import", "export", str(folder), "--database", target)
        assert restored.exit_code == 0, restored.output
        lines = restored.stderr.splitlines()
        assert lines[0].startswith(f"rows read: {rows:,} of {rows:,}")
        assert lines[1].startswith(f"rows written: {rows:,} of {rows:,}")
        assert lines[2:-1] == ["Updating the database's statistics…"] and lines[-1].startswith("Took ")
        assert f"Restored {rows:,} rows" in restored.stdout and "Took" not in restored.stdout
    finally:
        drop_database(target)


def test_kam_import_maven_shows_its_accounts_and_deals(database_url):
    result = kam("import", "maven", str(shared_path("data", "maven-crm")), "--database", database_url)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("accounts: 85 of 85") and lines[1].startswith("opportunities: 8,800 of 8,800")
    assert lines[-1].startswith("Took ")
    assert "Tiers now:" in result.stdout and "8,800 of" not in result.stdout


def test_a_failed_import_shows_its_error_and_no_took(database_url, tmp_path):
    result = kam("import", "export", str(tmp_path / "nowhere"), "--database", database_url)
    assert result.exit_code == 1
    assert "Took" not in result.output
