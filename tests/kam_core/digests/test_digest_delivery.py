"""Sending digests by DM through the Slack emulator: once per manager and week, on time
in each manager's timezone, through rate limits, failures and crashes."""

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot import digests
from bot.app import web_client
from bot.emulator import FakeSlack
from bot.runtime import Runtime
from bot.settings import Settings
from kam_core.actors import Actor
from kam_core.db import transaction
from kam_core.delivery.models import Delivery
from kam_core.digests.delivery import digest_status
from kam_core.digests.schedule import Schedule, due_week, set_schedule
from kam_core.enums import InteractionKind, Role, Tier
from kam_core.people.models import Person
from tests.factories import make_account, make_interaction, make_person

WEEK = "2026-W47"
IN_WEEK = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
# (Slack id, name, timezone in Slack, account)
MANAGERS = [("U0MIA", "Mia", "Asia/Shanghai", "Acme"), ("U0NED", "Ned", "America/New_York", "Globex"),
            ("U0PIA", "Pia", "Europe/Berlin", "Initech")]


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def rt(database_url, slack):
    return Runtime(Settings(KAM_DATABASE_URL=database_url, SLACK_BOT_TOKEN=slack.bot_token,
                            KAM_SLACK_API_URL=slack.api_url))


@pytest.fixture
def client(rt):
    return web_client(rt.settings)


@pytest.fixture
def world(rt, slack):
    """Three managers, each with a rep, a key account and a complaint on it in the week. The database
    does not know their timezones yet ("UTC" = unknown): Slack's users.info does."""
    with transaction(rt.sessions) as session:
        for slack_id, name, tz, account_name in MANAGERS:
            manager = make_person(session, role=Role.manager, name=name, email=f"{name.lower()}@acme.test",
                                  slack_user_id=slack_id)
            rep = make_person(session, name=f"{name}'s rep", manager=manager)
            account = make_account(session, name=account_name, owner=rep, computed_tier=Tier.key)
            make_interaction(session, account=account, occurred_at=IN_WEEK, kind=InteractionKind.complaint,
                             text=f"{account_name} is unhappy")
            slack.add_user(slack_id, email=f"{name.lower()}@acme.test", name=name, tz=tz)


def dm_texts(slack, user_id: str) -> list[str]:
    texts = []
    for message in slack.messages_in(slack.dm_channel_for(user_id)):
        for block in message["blocks"]:
            Block.parse(block).validate_json()
        texts.append("\n".join(b.get("text", {}).get("text", "") for b in message["blocks"]))
    return texts


def outcomes(results) -> dict[str, tuple[str | None, str]]:
    return {r.manager_name: (r.week, r.outcome) for r in results}


def test_each_manager_gets_their_own_teams_digest_in_their_dm(rt, client, slack, world):
    results = digests.send(rt, client, week=WEEK)
    assert outcomes(results) == {name: (WEEK, "sent") for _, name, _, _ in MANAGERS}
    for slack_id, name, _, account in MANAGERS:
        [text] = dm_texts(slack, slack_id)
        assert f"Weekly digest · {WEEK}" in text and f"{account} is unhappy" in text
        others = [a for _, _, _, a in MANAGERS if a != account]
        assert not any(f"{a} is unhappy" in text for a in others)
    [message] = slack.messages_in(slack.dm_channel_for("U0MIA"))
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons and all(e["action_id"].startswith("kam.open_account:") for e in buttons)


def test_running_twice_sends_once(rt, client, slack, world):
    digests.send(rt, client, week=WEEK)
    again = digests.send(rt, client, week=WEEK)
    assert {outcome for _, outcome in outcomes(again).values()} == {"already_sent"}
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert all(len(dm_texts(slack, slack_id)) == 1 for slack_id, *_ in MANAGERS)


def test_a_rate_limit_is_waited_out_and_the_digest_still_goes_once(rt, client, slack, world):
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    results = digests.send(rt, client, week=WEEK)
    assert {outcome for _, outcome in outcomes(results).values()} == {"sent"}
    posts = slack.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200, 200, 200]
    assert all(len(dm_texts(slack, slack_id)) == 1 for slack_id, *_ in MANAGERS)


def test_a_slack_failure_is_recorded_shown_in_status_and_retried_by_the_next_run(rt, client, slack, world):
    slack.fail_next("chat.postMessage", error="channel_not_found")
    first = digests.send(rt, client, week=WEEK)
    failed = [r for r in first if r.outcome == "failed"]
    assert len(failed) == 1 and "channel_not_found" in failed[0].error
    status = {s.manager_name: s for s in digest_status(rt.sessions, week=WEEK)}
    assert status[failed[0].manager_name].status == "failed"
    assert "channel_not_found" in status[failed[0].manager_name].last_error

    second = digests.send(rt, client, week=WEEK)
    assert outcomes(second)[failed[0].manager_name] == (WEEK, "sent")
    assert all(len(dm_texts(slack, slack_id)) == 1 for slack_id, *_ in MANAGERS)
    assert {s.status for s in digest_status(rt.sessions, week=WEEK)} == {"sent"}


class CrashingClient(WebClient):
    """A process that dies (Ctrl-C, SIGTERM turned into SystemExit) while posting the second digest."""

    posts = 0

    def chat_postMessage(self, **kwargs):
        self.posts += 1
        if self.posts == 2:
            raise KeyboardInterrupt
        return super().chat_postMessage(**kwargs)


def test_a_crash_halfway_resumes_without_duplicates_and_sends_every_missing_one(rt, slack, world):
    crashing = CrashingClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(KeyboardInterrupt):
        digests.send(rt, crashing, week=WEEK)
    assert sum(len(dm_texts(slack, slack_id)) for slack_id, *_ in MANAGERS) == 1

    resumed = digests.send(rt, web_client(rt.settings), week=WEEK)
    assert sorted(outcome for _, outcome in outcomes(resumed).values()) == ["already_sent", "sent", "sent"]
    assert all(len(dm_texts(slack, slack_id)) == 1 for slack_id, *_ in MANAGERS)


def test_the_managers_timezone_from_slack_decides_the_hour(rt, client, slack, world):
    """Mia is in Shanghai, Ned in New York; both get theirs at Monday 08:00 local time."""
    def run(at: str):
        return outcomes(digests.send(rt, client, now=datetime.fromisoformat(at), manager_email=None))

    run("2026-11-16T14:00:00+00:00")  # last week's digests, for everyone
    assert run("2026-11-22T23:30:00+00:00")["Mia"] == (None, "not_due")  # Monday 07:30 in Shanghai
    at_0030 = run("2026-11-23T00:30:00+00:00")  # 08:30 in Shanghai, Sunday 19:30 in New York
    assert at_0030["Mia"] == (WEEK, "sent") and at_0030["Ned"] == ("2026-W46", "already_sent")
    assert run("2026-11-23T12:30:00+00:00")["Ned"] == (None, "not_due")  # Monday 07:30 in New York
    assert run("2026-11-23T13:30:00+00:00")["Ned"] == (WEEK, "sent")  # 08:30 in New York
    assert [t.count(WEEK) > 0 for t in dm_texts(slack, "U0MIA")] == [False, True]
    assert [t.count(WEEK) > 0 for t in dm_texts(slack, "U0NED")] == [False, True]
    with rt.sessions() as session:
        assert session.scalar(select(Person.timezone).where(Person.slack_user_id == "U0NED")) == "America/New_York"


def test_an_opted_out_manager_gets_nothing_and_a_chosen_day_and_hour_is_kept(rt, client, slack, world):
    with transaction(rt.sessions) as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.role == Role.manager))}
        set_schedule(session, actor=Actor.of(people["U0MIA"]), person=people["U0MIA"], enabled=False)
        set_schedule(session, actor=Actor.of(people["U0PIA"]), person=people["U0PIA"], weekday=5, hour=17)

    monday = outcomes(digests.send(rt, client, now=datetime(2026, 11, 23, 14, 0, tzinfo=UTC)))
    assert monday["Mia"][1] == "opted_out" and monday["Ned"] == (WEEK, "sent")
    assert monday["Pia"] == (None, "not_due")  # she moved hers to Fridays at 17:00
    friday = outcomes(digests.send(rt, client, now=datetime(2026, 11, 27, 16, 30, tzinfo=UTC)))  # 17:30 Berlin
    assert friday["Pia"] == (WEEK, "sent") and friday["Mia"][1] == "opted_out"
    assert dm_texts(slack, "U0MIA") == []


def test_a_dry_run_sends_and_records_nothing(rt, client, slack, world):
    results = digests.send(rt, client, week=WEEK, dry_run=True)
    assert {outcome for _, outcome in outcomes(results).values()} == {"would_send"}
    assert slack.calls_to("chat.postMessage") == [] and slack.calls_to("users.info") == []
    with rt.sessions() as session:
        assert session.scalars(select(Delivery)).all() == []


@pytest.mark.parametrize(("at", "weekday", "hour", "tz", "expected"), [
    ("2026-11-23T07:59:00", 1, 8, "UTC", None),
    ("2026-11-23T08:00:00", 1, 8, "UTC", "2026-W47"),
    ("2026-11-29T23:59:00", 1, 8, "UTC", "2026-W47"),
    ("2026-11-23T00:00:00", 1, 8, "Asia/Shanghai", "2026-W47"),
    ("2026-11-26T23:00:00", 5, 9, "Asia/Tokyo", None),  # Friday 08:00 in Tokyo: not yet
    ("2026-11-27T00:00:00", 5, 9, "Asia/Tokyo", "2026-W47"),
    ("2026-11-23T00:00:00", 5, 9, "Asia/Tokyo", None),  # Monday: this week's Friday is still to come
])
def test_due_week(at, weekday, hour, tz, expected):
    schedule = Schedule(weekday=weekday, hour=hour, timezone=tz)
    assert due_week(datetime.fromisoformat(at).replace(tzinfo=UTC), schedule) == expected
