"""`kam digest preview|send|status` on the demo data, sending through the Slack emulator."""

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.emulator import FakeSlack

MANAGER = "manager@demo.kam.test"
MANAGER_SLACK_ID = "U0DEMOMGR1"
WEEK = "2026-W47"


@pytest.fixture
def demo_db(database_url):
    made = CliRunner().invoke(app, ["demo", "--accounts", "200", "--database", database_url])
    assert made.exit_code == 0, made.output
    return database_url


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        fake.add_user(MANAGER_SLACK_ID, email=MANAGER, name="王芳", tz="Asia/Shanghai")
        yield fake


def kam(db, *args, slack=None):
    env = {"KAM_SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token} if slack else {
        "SLACK_BOT_TOKEN": ""}
    return CliRunner().invoke(app, [*args, "--database", db], env=env)


def test_preview_prints_the_digest_as_slack_shows_it(demo_db):
    shown = kam(demo_db, "digest", "preview", "--manager", MANAGER, "--week", WEEK)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"Digest of 王芳 <{MANAGER}> for {WEEK}, sent by DM on Mondays at 08:00")
    for heading in ("Weekly digest · 2026-W47", "Pipeline movement", "Weighted pipeline", "Key accounts gone quiet",
                    "Plans at risk or off track", "Overdue follow-ups per rep", "Key account coverage",
                    "Complaints logged"):
        assert heading in shown.output
    assert "  [1] " in shown.output  # account buttons, numbered as `kam chat` shows them


def test_preview_defaults_to_the_week_just_ended(demo_db):
    shown = kam(demo_db, "digest", "preview", "--manager", MANAGER)
    assert shown.exit_code == 0 and "Weekly digest · 20" in shown.output


@pytest.mark.parametrize(("args", "said"), [
    (["--manager", MANAGER, "--week", "48"], "week: “48” is not an ISO week; write it like 2026-W48"),
    (["--manager", "rep@demo.kam.test"], "No manager called “rep@demo.kam.test”."),
])
def test_bad_input_gets_one_clear_line(demo_db, args, said):
    result = kam(demo_db, "digest", "preview", *args)
    assert result.exit_code == 1 and result.output.strip() == said


def test_send_delivers_once_and_status_shows_it(demo_db, slack):
    sent = kam(demo_db, "digest", "send", "--week", WEEK, "--manager", MANAGER, slack=slack)
    assert sent.exit_code == 0, sent.output
    assert f"王芳 <{MANAGER}>" in sent.output and "1 sent." in sent.output
    [message] = slack.messages_in(slack.dm_channel_for(MANAGER_SLACK_ID))
    assert message["blocks"][0]["text"]["text"] == f"Weekly digest · {WEEK}"

    again = kam(demo_db, "digest", "send", "--week", WEEK, "--manager", MANAGER, slack=slack)
    assert again.exit_code == 0 and "1 already sent." in again.output
    assert len(slack.messages_in(slack.dm_channel_for(MANAGER_SLACK_ID))) == 1

    status = kam(demo_db, "digest", "status", "--week", WEEK)
    line = next(line for line in status.output.splitlines() if MANAGER in line)
    assert f"{WEEK}  sent " in line
    assert "not sent yet" in status.output  # the other managers


def test_a_failed_send_exits_1_says_so_and_the_next_run_sends_it(demo_db, slack):
    slack.fail_next("chat.postMessage", error="account_inactive")
    failed = kam(demo_db, "digest", "send", "--week", WEEK, "--manager", MANAGER, slack=slack)
    assert failed.exit_code == 1 and "FAILED" in failed.output and "account_inactive" in failed.output
    status = kam(demo_db, "digest", "status", "--week", WEEK)
    assert "failed after 1 attempt" in status.output
    retried = kam(demo_db, "digest", "send", "--week", WEEK, "--manager", MANAGER, slack=slack)
    assert retried.exit_code == 0 and "1 sent." in retried.output


def test_dry_run_needs_no_slack_and_sending_without_a_token_says_what_to_set(demo_db):
    dry = kam(demo_db, "digest", "send", "--week", WEEK, "--dry-run")
    assert dry.exit_code == 0 and "Dry run, nothing sent" in dry.output and "would send" in dry.output
    refused = kam(demo_db, "digest", "send", "--week", WEEK)
    assert refused.exit_code == 1 and "Set SLACK_BOT_TOKEN" in refused.output


def test_a_week_not_over_yet_is_not_sent_so_its_real_digest_still_goes_out(demo_db, slack):
    from datetime import timedelta

    from kam_core.clock import utcnow
    from kam_core.digests.week import week_key

    this_week = week_key((utcnow() + timedelta(hours=8)).date())  # where the manager is (Asia/Shanghai)
    result = kam(demo_db, "digest", "send", "--week", this_week, "--manager", MANAGER, slack=slack)
    assert result.exit_code == 0, result.output
    assert "not sent: that week has not ended yet" in result.output
    assert slack.calls_to("chat.postMessage") == []
    status = kam(demo_db, "digest", "status", "--week", this_week)
    assert f"王芳 <{MANAGER}>" in status.output and f"{this_week}  not sent yet" in status.output
