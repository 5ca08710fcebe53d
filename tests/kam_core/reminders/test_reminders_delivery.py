"""Reminders through the emulator: the real Slack client against FakeSlack, on SQLite and PostgreSQL.
Each DM goes once per (kind, person, period), however often or however badly the sender runs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import update

from bot.app import web_client
from bot.emulator import FakeSlack
from bot.runtime import Runtime
from bot.scheduler import dm_poster, send_reminders
from bot.settings import Settings
from kam_core.db import transaction
from kam_core.delivery.models import Delivery
from kam_core.delivery.service import CLAIM_TIMEOUT, claim, ensure, set_preference
from kam_core.accounts.models import Account
from kam_core.enums import Tier
from kam_core.people.models import Person
from kam_core.reminders.delivery import delivery_status, send_due_reminders
from tests.factories import make_account, make_contact, make_follow_up, make_interaction, make_person

LONG_AGO = datetime(2029, 12, 1, tzinfo=UTC)
# Wednesday 16 January 2030, 22:30 UTC: 17:30 in New York (16th), 07:30 in Tokyo (17th).
EVENING_UTC = datetime(2030, 1, 16, 22, 30, tzinfo=UTC)
NINA, TOM = "U0NINA", "U0TOM"


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def runtime(database_url, slack):
    rt = Runtime(Settings(KAM_DATABASE_URL=database_url, KAM_SLACK_API_URL=slack.api_url,
                          SLACK_BOT_TOKEN=slack.bot_token))
    yield rt
    rt.engine.dispose()


@pytest.fixture
def world(runtime, slack):
    """Nina in New York and Tom in Tokyo, each with follow-ups, a quiet key account and a birthday."""
    ids = {}
    with transaction(runtime.sessions) as session:
        for uid, name, tz in ((NINA, "Nina", "America/New_York"), (TOM, "Tom", "Asia/Tokyo")):
            slack.add_user(uid, email=f"{name.lower()}@acme.test", name=name, tz=tz)
            person = make_person(session, name=name, email=f"{name.lower()}@acme.test", slack_user_id=uid,
                                 timezone=tz)
            account = make_account(session, owner=person, name=f"{name}'s Key Account", computed_tier=Tier.key)
            make_interaction(session, account=account, occurred_at=datetime(2029, 12, 20, tzinfo=UTC))
            make_follow_up(session, account=account, due_on=date(2030, 1, 15), title=f"Quote for {name}",
                           created_at=LONG_AGO)
            make_follow_up(session, account=account, due_on=date(2030, 1, 17), title=f"Call for {name}",
                           created_at=LONG_AGO)
            make_contact(session, account=account, name=f"Contact of {name}", birthday=date(1980, 1, 19))
            ids[uid] = {"person": person.id, "account": account.id}
    return ids


def send(runtime, slack, now, worker="test"):
    return send_reminders(runtime, web_client(runtime.settings), now=now, worker=worker)


def dms(slack, uid) -> list[dict]:
    messages = slack.messages_in(slack.dm_channel_for(uid))
    for message in messages:
        assert len(message["blocks"]) <= 50
        for block in message["blocks"]:
            Block.parse(block).validate_json()
    return messages


def texts(slack, uid) -> list[str]:
    return [m["text"] for m in dms(slack, uid)]


def test_each_rep_gets_their_reminders_in_their_dm_at_their_local_hour_once(runtime, slack, world):
    report = send(runtime, slack, EVENING_UTC)
    assert report.count("sent") == 3 and report.count("failed") == 0
    nina = dms(slack, NINA)
    assert sorted(m["text"] for m in nina) == sorted([
        "⏰ 1 follow-up for today (1 overdue)", "🔑 Nina's Key Account has gone quiet",
        "💐 1 care touch in the next week"])
    morning = next(m for m in nina if m["text"].startswith("⏰"))
    shown = " ".join(b.get("text", {}).get("text", "") for b in morning["blocks"])
    assert "Quote for Nina" in shown and "overdue by 1 day" in shown and "Call for Nina" not in shown
    assert dms(slack, TOM) == []  # 07:30 in Tokyo

    assert send(runtime, slack, EVENING_UTC + timedelta(minutes=5)).outcomes == []
    later = send(runtime, slack, EVENING_UTC + timedelta(hours=1))  # 08:30 in Tokyo
    assert later.count("sent") == 3
    assert len(dms(slack, NINA)) == 3 and len(dms(slack, TOM)) == 3
    toms = next(m for m in dms(slack, TOM) if m["text"].startswith("⏰"))
    assert toms["text"] == "⏰ 2 follow-ups for today (1 overdue)"


def test_a_rate_limited_dm_is_waited_out_and_sent_once(runtime, slack, world):
    with transaction(runtime.sessions) as session:
        set_preference(session, person_id=world[NINA]["person"], kind="cadence", enabled=False)
        set_preference(session, person_id=world[NINA]["person"], kind="care", enabled=False)
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    report = send(runtime, slack, EVENING_UTC)
    assert report.count("sent") == 1
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert texts(slack, NINA) == ["⏰ 1 follow-up for today (1 overdue)"]


def test_a_failed_dm_is_recorded_and_sent_on_the_next_run(runtime, slack, world):
    slack.fail_next("chat.postMessage", "internal_error")
    first = send(runtime, slack, EVENING_UTC)
    assert first.count("failed") == 1 and first.count("sent") == 2
    with transaction(runtime.sessions) as session:
        status = delivery_status(session, since=date(2020, 1, 1))
    [failed] = status.open
    assert failed.status == "failed" and "internal_error" in failed.last_error and failed.email == "nina@acme.test"

    second = send(runtime, slack, EVENING_UTC + timedelta(minutes=1))
    assert second.count("sent") == 1 and second.count("failed") == 0
    assert len(dms(slack, NINA)) == 3  # each kind once


def run_directly(runtime, post, worker):
    return send_due_reminders(runtime.sessions, policy=runtime.policy, now=EVENING_UTC + timedelta(hours=1),
                              default_timezone="UTC", worker=worker, post=post)


def test_a_crash_halfway_resumes_without_duplicates(runtime, slack, world):
    posted = []
    real_post = dm_poster(web_client(runtime.settings))

    def interrupted_on_the_second(reminder):
        if posted:
            raise SystemExit("stopped")
        posted.append(reminder)
        return real_post(reminder)

    with pytest.raises(SystemExit):
        run_directly(runtime, interrupted_on_the_second, "crashed")
    assert len(slack.calls_to("chat.postMessage")) == 1

    resumed = run_directly(runtime, real_post, "next run")
    assert resumed.count("sent") == 5 and resumed.count("failed") == 0
    assert len(dms(slack, NINA)) == 3 and len(dms(slack, TOM)) == 3


def test_a_process_killed_while_sending_is_taken_over_after_the_claim_timeout(runtime, slack, world):
    real_post = dm_poster(web_client(runtime.settings))
    # What a SIGKILL between claim and send leaves behind: Tom's morning DM claimed, never finished.
    stuck = ensure(runtime.sessions, kind="followups", person_id=world[TOM]["person"], period_key="2030-01-17")
    assert claim(runtime.sessions, stuck, worker="killed")

    again = run_directly(runtime, real_post, "survivor")  # the claim is fresh: it may still be posting
    assert again.count("skipped") == 1 and again.count("sent") == 5
    with transaction(runtime.sessions) as session:
        session.execute(update(Delivery).where(Delivery.id == stuck)
                        .values(claimed_at=datetime.now(UTC) - CLAIM_TIMEOUT - timedelta(minutes=1)))
    taken_over = run_directly(runtime, real_post, "survivor")
    assert taken_over.count("sent") == 1 and taken_over.count("skipped") == 0
    assert len(dms(slack, NINA)) == 3 and len(dms(slack, TOM)) == 3


def test_opt_out_is_honoured_per_kind(runtime, slack, world):
    with transaction(runtime.sessions) as session:
        set_preference(session, person_id=world[NINA]["person"], kind="followups", enabled=False)
    send(runtime, slack, EVENING_UTC)
    assert sorted(texts(slack, NINA)) == ["💐 1 care touch in the next week", "🔑 Nina's Key Account has gone quiet"]


def test_the_cadence_nudge_comes_at_most_once_per_account_per_week(runtime, slack, world):
    with transaction(runtime.sessions) as session:
        for kind in ("followups", "care"):
            set_preference(session, person_id=world[NINA]["person"], kind=kind, enabled=False)
    monday = datetime(2030, 1, 14, 15, tzinfo=UTC)  # 10:00 in New York, ISO week 3
    for day in range(5):
        send(runtime, slack, monday + timedelta(days=day))
    assert texts(slack, NINA) == ["🔑 Nina's Key Account has gone quiet"]
    send(runtime, slack, monday + timedelta(days=7))  # week 4, still quiet
    assert len(texts(slack, NINA)) == 2

    with transaction(runtime.sessions) as session:
        nina = session.get(Person, world[NINA]["person"])
        account = make_account(session, owner=nina, name="Second Key", computed_tier=Tier.key)
        make_interaction(session, account=account, occurred_at=datetime(2030, 1, 1, tzinfo=UTC))
    send(runtime, slack, monday + timedelta(days=8))  # Second Key passed its 14 days in week 4
    assert texts(slack, NINA)[-1] == "🔑 Second Key has gone quiet" and len(texts(slack, NINA)) == 3


def test_a_care_item_is_announced_once_and_new_ones_still_come(runtime, slack, world):
    with transaction(runtime.sessions) as session:
        for kind in ("followups", "cadence"):
            set_preference(session, person_id=world[NINA]["person"], kind=kind, enabled=False)
    send(runtime, slack, EVENING_UTC)
    [first] = dms(slack, NINA)
    assert "Contact of Nina" in first["blocks"][1]["text"]["text"]

    send(runtime, slack, EVENING_UTC + timedelta(days=1))  # the same birthday is not news
    assert len(dms(slack, NINA)) == 1

    with transaction(runtime.sessions) as session:
        nina = session.get(Person, world[NINA]["person"])
        make_account(session, owner=nina, name="Renewing Co", renewal_date=date(2030, 1, 21))
    send(runtime, slack, EVENING_UTC + timedelta(days=2))
    latest = dms(slack, NINA)[-1]
    rows = [b["text"]["text"] for b in latest["blocks"] if b["type"] == "section"]
    assert len(rows) == 1 and "Renewing Co" in rows[0] and "contract renewal in 3 days" in rows[0]


def test_a_long_list_stays_within_slack_limits_and_says_how_many_more(runtime, slack, world):
    with transaction(runtime.sessions) as session:
        account = session.get(Account, world[NINA]["account"])
        for n in range(40):
            make_follow_up(session, account=account, due_on=date(2030, 1, 1), title=f"Task {n} " + "x" * 400,
                           created_at=LONG_AGO)
    send(runtime, slack, EVENING_UTC)
    morning = next(m for m in dms(slack, NINA) if m["text"].startswith("⏰"))
    assert morning["text"] == "⏰ 41 follow-ups for today (41 overdue)"
    assert morning["blocks"][-1]["elements"][0]["text"].startswith("…and 26 more follow-ups due.")
