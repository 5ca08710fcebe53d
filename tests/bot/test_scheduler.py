"""`kam scheduler`: ticks send what is due; copies running at once still send each message once;
SIGTERM stops it cleanly. Through FakeSlack, on SQLite and PostgreSQL."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import web_client
from bot.emulator import FakeSlack
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from bot.settings import Settings
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.delivery.service import set_preference
from kam_core.enums import Role, Tier
from kam_core.people.models import Person
from tests.conftest import ROOT
from tests.factories import make_account, make_contact, make_follow_up, make_person

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MORNING = datetime(2030, 1, 16, 9, 30, tzinfo=UTC)


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def settings_for(database_url: str, slack: FakeSlack) -> Settings:
    return Settings(KAM_DATABASE_URL=database_url, KAM_SLACK_API_URL=slack.api_url, SLACK_BOT_TOKEN=slack.bot_token,
                    KAM_DEFAULT_TIMEZONE="UTC")


@pytest.fixture
def runtime(database_url, slack):
    rt = Runtime(settings_for(database_url, slack))
    yield rt
    rt.engine.dispose()


def seed_reps(runtime, slack, count: int, *, tz: str = "UTC", due_on: date = date(2030, 1, 16)) -> list[str]:
    """`count` reps, each owed a morning DM, a cadence nudge and a care DM."""
    users = []
    with transaction(runtime.sessions) as session:
        for n in range(count):
            uid = f"U0REP{n:03d}"
            slack.add_user(uid, email=f"rep{n}@acme.test", tz=tz)
            person = make_person(session, name=f"Rep {n}", email=f"rep{n}@acme.test", slack_user_id=uid, timezone=tz)
            account = make_account(session, owner=person, computed_tier=Tier.key, renewal_date=due_on + timedelta(2))
            make_follow_up(session, account=account, due_on=due_on, created_at=LONG_AGO)
            make_contact(session, account=account, birthday=date(1980, due_on.month, due_on.day))
            users.append(uid)
    return users


def posted(slack) -> Counter:
    return Counter((c.response["channel"], c.params["text"]) for c in slack.calls_to("chat.postMessage") if c.ok)


def test_a_tick_sends_the_due_digests_and_reminders_and_the_next_tick_nothing_more(runtime, slack):
    users = seed_reps(runtime, slack, 3)
    with transaction(runtime.sessions) as session:
        make_person(session, name="Mia", email="mia@acme.test", role=Role.manager, slack_user_id="U0MIA")
    slack.add_user("U0MIA", email="mia@acme.test", tz="UTC")
    scheduler = Scheduler(runtime, web_client(runtime.settings))
    first = scheduler.tick(MORNING)  # a Wednesday: Monday's digest is due, the reminders too
    assert first.reminders.count("sent") == 9 and first.digests == {"sent": 1} and first.errors == []
    second = scheduler.tick(MORNING + timedelta(minutes=1))
    assert second.reminders.count("sent") == 0 and "sent" not in second.digests
    assert len(posted(slack)) == 10 and set(posted(slack).values()) == {1}
    assert {channel for channel, _ in posted(slack)} == {slack.dm_channel_for(u) for u in [*users, "U0MIA"]}


def test_two_schedulers_ticking_at_once_send_each_message_once(runtime, slack, database_url):
    seed_reps(runtime, slack, 12)
    runtimes = [Runtime(settings_for(database_url, slack)) for _ in range(2)]  # own engine and sessions each
    schedulers = [Scheduler(rt, web_client(rt.settings), worker=f"copy-{n}") for n, rt in enumerate(runtimes)]
    start = threading.Barrier(2)
    ticks = [None, None]

    def run(n: int) -> None:
        start.wait()
        ticks[n] = schedulers[n].tick(MORNING)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for rt in runtimes:
        rt.engine.dispose()

    assert all(t.errors == [] for t in ticks)
    assert sum(t.reminders.count("sent") for t in ticks) == 36
    assert sum(t.reminders.count("failed") for t in ticks) == 0
    assert len(posted(slack)) == 36 and set(posted(slack).values()) == {1}


def test_timezones_come_from_slack_and_decide_the_hour(runtime, slack):
    [uid] = seed_reps(runtime, slack, 1, due_on=date(2030, 1, 17))
    slack.add_user(uid, email="rep0@acme.test", tz="Asia/Tokyo")  # Slack knows better than our default
    scheduler = Scheduler(runtime, web_client(runtime.settings))
    tick = scheduler.tick(datetime(2030, 1, 16, 22, 30, tzinfo=UTC))  # 07:30 on the 17th in Tokyo
    assert tick.timezones == 1 and tick.reminders.count("sent") == 0
    with transaction(runtime.sessions) as session:
        assert session.query(Person).one().timezone == "Asia/Tokyo"
    later = scheduler.tick(datetime(2030, 1, 16, 23, 30, tzinfo=UTC))  # 08:30 in Tokyo
    assert later.timezones == 0 and later.reminders.count("sent") == 3


def kam_scheduler(slack, database_url, *args) -> subprocess.Popen:
    """`kam scheduler` as its own process (it sets up process-wide logging and signal handlers)."""
    env = {**os.environ, "SLACK_BOT_TOKEN": slack.bot_token, "KAM_SLACK_API_URL": slack.api_url,
           "KAM_DATABASE_URL": database_url, "KAM_DEFAULT_TIMEZONE": "UTC", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "scheduler", *args],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)


def test_kam_scheduler_once_sends_the_due_reminders(runtime, slack, database_url):
    today = utcnow().date()
    seed_reps(runtime, slack, 2, due_on=today)
    with transaction(runtime.sessions) as session:
        for person in session.query(Person):
            for kind in ("followups", "cadence", "care"):
                set_preference(session, person_id=person.id, kind=kind, hour=0)  # due whatever the hour now
    process = kam_scheduler(slack, database_url, "--once")
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    assert "Scheduler stopped after 1 tick." in errors and "reminders sent=6" in errors
    assert len(posted(slack)) == 6


def test_sigterm_stops_the_loop_cleanly(runtime, slack, database_url):
    seed_reps(runtime, slack, 1)
    process = kam_scheduler(slack, database_url, "--interval", "3600")
    try:
        lines = []
        while not any(" tick worker=" in line for line in lines):
            line = process.stderr.readline()
            assert line, "".join(lines)  # the process ended before its first tick
            lines.append(line)
        assert slack.bot_token not in "".join(lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "Scheduler stopped after 1 tick." in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
