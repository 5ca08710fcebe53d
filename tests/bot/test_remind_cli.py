"""`kam remind send|status`: what cron runs every hour, against FakeSlack."""

from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.emulator import FakeSlack
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.delivery.models import Delivery
from kam_core.enums import Tier
from tests.factories import make_account, make_follow_up, make_person

NOW = "2030-01-16T09:30"


@pytest.fixture
def slack(monkeypatch):
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
        monkeypatch.setenv("KAM_SLACK_API_URL", fake.api_url)
        monkeypatch.setenv("KAM_DEFAULT_TIMEZONE", "UTC")
        yield fake


@pytest.fixture
def db(database_url):
    """Rita (UTC) owes a morning DM (an overdue follow-up) and a cadence nudge (a never-touched key account)."""
    engine = make_engine(database_url)
    with transaction(make_sessionmaker(engine)) as session:
        rita = make_person(session, name="Rita", email="rita@acme.test", slack_user_id="U0RITA", timezone="UTC")
        account = make_account(session, owner=rita, name="Rita's Key", computed_tier=Tier.key)
        make_follow_up(session, account=account, due_on=date(2030, 1, 15), created_at=datetime(2020, 1, 1, tzinfo=UTC))
    engine.dispose()
    return database_url


def kam(db, *args):
    return CliRunner().invoke(app, ["remind", *args, "--database", db])


def deliveries(db) -> int:
    engine = make_engine(db)
    with make_sessionmaker(engine)() as session:
        count = session.query(Delivery).count()
    engine.dispose()
    return count


def test_dry_run_lists_what_is_due_and_sends_and_records_nothing(db, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    result = kam(db, "send", "--dry-run", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "Dry run at 2030-01-16 09:30 UTC: nothing was sent." in result.output
    assert "followups → rita@acme.test (2030-01-16)" in result.output
    assert "cadence → rita@acme.test (2030-W03:" in result.output
    assert deliveries(db) == 0


def test_send_is_safe_to_run_every_hour(db, slack):
    slack.add_user("U0RITA", email="rita@acme.test", tz="UTC")
    first = kam(db, "send", "--now", NOW)
    assert first.exit_code == 0, first.output
    assert "morning follow-ups sent 1" in first.output and "cadence nudges     sent 1" in first.output
    again = kam(db, "send", "--now", "2030-01-16T10:30")
    assert again.exit_code == 0 and "morning follow-ups sent 0" in again.output
    assert len(slack.calls_to("chat.postMessage")) == 2

    status = kam(db, "status", "--days", "36500")
    assert status.exit_code == 0, status.output
    assert "morning follow-ups sent     1" in status.output and "Not sent" not in status.output


def test_a_failure_exits_1_and_status_says_why(db, slack):
    slack.add_user("U0RITA", email="rita@acme.test", tz="UTC")
    slack.fail_next("chat.postMessage", "account_inactive")
    failed = kam(db, "send", "--now", NOW, "--kind", "followups")
    assert failed.exit_code == 1 and "failed 1" in failed.output and "retried on the next run" in failed.output
    status = kam(db, "status", "--days", "36500")
    assert "followups → rita@acme.test (2030-01-16): failed after 1 attempt" in status.output
    assert "account_inactive" in status.output


def test_bad_input_gets_one_clear_line(db, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    no_token = kam(db, "send")
    assert no_token.exit_code == 1 and no_token.output.strip().startswith("Set SLACK_BOT_TOKEN")
    bad_time = kam(db, "send", "--dry-run", "--now", "tomorrow")
    assert bad_time.exit_code == 2 and "--now “tomorrow” is not a date and time" in bad_time.output
    bad_kind = kam(db, "send", "--dry-run", "--kind", "birthdays")
    assert bad_kind.exit_code == 2 and "there is no “birthdays” reminder" in bad_kind.output


def test_timezones_can_be_refreshed_from_slack_before_sending(db, slack):
    slack.add_user("U0RITA", email="rita@acme.test", tz="Pacific/Auckland")
    # 19:30 UTC on the 15th is 08:30 on the 16th in Auckland (UTC+13), still the 15th in UTC.
    sent = kam(db, "send", "--now", "2030-01-15T19:30", "--refresh-timezones", "--kind", "followups")
    assert sent.exit_code == 0 and "morning follow-ups sent 1" in sent.output
    assert slack.calls_to("chat.postMessage")[0].params["text"] == "⏰ 1 follow-up for today (1 overdue)"
