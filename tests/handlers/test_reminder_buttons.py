"""The reminder DM's buttons and `/kam remind`, end to end: the real bot over HTTP, FakeSlack, the driver."""

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot.app import web_client
from bot.scheduler import send_reminders
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.delivery.models import NotificationPreference
from kam_core.delivery.service import set_preference
from kam_core.enums import ActionStatus, FollowUpStatus
from kam_core.interactions.models import FollowUp
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction
from kam_core.reminders.schemas import Kind
from tests.handlers.conftest import REP

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def today():
    # The rep keeps the default UTC timezone, so their today is the UTC date.
    return utcnow().date()


@pytest.fixture
def reminded(local, slack, world):
    """Ray has an overdue and a today follow-up and has just received his morning DM."""
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    with transaction(local.runtime.sessions) as session:
        ray = session.get(Person, world["rep_id"])
        set_preference(session, person_id=ray.id, kind="followups", hour=0)  # due whatever the hour now
        for title, due in (("Send the <quote>", today() - timedelta(days=2)), ("Call the CFO", today())):
            session.add(FollowUp(owner_id=ray.id, account_id=world["acme_id"], title=title, due_on=due,
                                 created_at=LONG_AGO))
    report = send_reminders(local.runtime, web_client(local.settings), now=utcnow(), worker="test",
                            kinds=(Kind.followups,))
    assert report.count("sent") == 1
    [message] = slack.messages_in(slack.dm_channel_for(REP))
    return message


def text_of(message: dict) -> str:
    for block in message["blocks"]:
        Block.parse(block).validate_json()
    assert len(message["blocks"]) <= 50
    return "\n".join((b.get("text") or {}).get("text", "") for b in message["blocks"])


def button(message: dict, row: str, label: str) -> dict:
    blocks = message["blocks"]
    index = next(i for i, b in enumerate(blocks) if row in (b.get("text") or {}).get("text", ""))
    return next(e for e in blocks[index + 1]["elements"] if e["text"]["text"] == label)


def click(driver, slack, message: dict, row: str, label: str) -> dict:
    channel = slack.dm_channel_for(REP)
    pressed = button(message, row, label)
    mark = slack.mark()
    assert driver.block_action(REP, pressed["action_id"], pressed["value"], message=message,
                               channel_id=channel).status == 200
    slack.wait_for("response_url", after=mark)
    return slack.message(channel, message["ts"])


def follow_up_titled(local, title: str) -> FollowUp:
    with transaction(local.runtime.sessions) as session:
        return session.scalars(select(FollowUp).where(FollowUp.title == title)).one()


def test_the_morning_dm_lists_todays_and_overdue_follow_ups_with_buttons(reminded):
    text = text_of(reminded)
    assert "Send the &lt;quote&gt;" in text and "overdue by 2 days" in text and "Call the CFO" in text
    labels = [e["text"]["text"] for b in reminded["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Done", "Snooze 1 day", "Open account"] * 2


def test_done_in_the_dm_completes_the_follow_up_and_redraws_the_dm(driver, slack, local, reminded):
    updated = click(driver, slack, reminded, "Send the &lt;quote&gt;", "Done")
    text = text_of(updated)
    assert "✅ Done: “Send the &lt;quote&gt;” (Acme Corporation)." in text
    assert "Call the CFO" in text and "*Send the &lt;quote&gt;*" not in text
    assert follow_up_titled(local, "Send the <quote>").status == FollowUpStatus.done
    assert len(slack.messages_in(slack.dm_channel_for(REP))) == 1  # replaced, not a new message
    assert slack.home_of(REP) is None  # the Home is not what the rep was looking at


def test_snooze_in_the_dm_moves_it_to_tomorrow_and_an_empty_list_says_so(driver, slack, local, reminded):
    after_done = click(driver, slack, reminded, "Send the &lt;quote&gt;", "Done")
    after_snooze = click(driver, slack, after_done, "Call the CFO", "Snooze 1 day")
    text = text_of(after_snooze)
    tomorrow = today() + timedelta(days=1)
    assert f"💤 Snoozed “Call the CFO” (Acme Corporation) to {tomorrow.strftime('%a %d %b')}." in text
    assert "Nothing overdue or due today any more" in text
    assert follow_up_titled(local, "Call the CFO").due_on == tomorrow


def test_a_stale_button_says_what_happened_instead_of_failing(driver, slack, local, reminded):
    click(driver, slack, reminded, "Call the CFO", "Snooze 1 day")
    again = click(driver, slack, reminded, "Call the CFO", "Done")  # the DM as it was before the snooze
    text = text_of(again)
    assert "This follow-up was changed by someone a moment ago." in text and "Send the &lt;quote&gt;" in text
    assert follow_up_titled(local, "Call the CFO").status == FollowUpStatus.open


def ack_text(response) -> str:
    assert response.status == 200
    return response.json["text"]


def test_kam_remind_shows_and_changes_each_kind(driver, local, world):
    shown = ack_text(driver.slash_command(REP, "remind"))
    assert "Morning follow-ups: on, from 08:00" in shown and "Care touches: on" in shown
    off = ack_text(driver.slash_command(REP, "remind off cadence"))
    assert "Saved." in off and "Cadence nudges: off" in off and "Morning follow-ups: on" in off
    moved = ack_text(driver.slash_command(REP, "remind followups 7"))
    assert "Morning follow-ups: on, from 07:00" in moved
    all_off = ack_text(driver.slash_command(REP, "remind off"))
    assert all_off.count(": off") == 4
    with transaction(local.runtime.sessions) as session:
        prefs = {p.kind: (p.enabled, p.hour) for p in session.scalars(select(NotificationPreference))}
    assert prefs == {"cadence": (False, None), "followups": (False, 7), "care": (False, None),
                     "actions": (False, None)}
    assert ack_text(driver.slash_command(REP, "remind on")).count(": on") == 4


def test_kam_remind_answers_bad_input_in_one_line(driver, world):
    assert ack_text(driver.slash_command(REP, "remind off birthdays")) == (
        "reminder: there is no “birthdays” reminder; pick one of followups, cadence, care, actions")
    assert "use 0 to 23" in ack_text(driver.slash_command(REP, "remind care 25"))
    assert ack_text(driver.slash_command(REP, "remind <soon> please")).startswith(
        "I don't understand “&lt;soon&gt; please”. Try `/kam remind off cadence`")


def test_an_opted_out_rep_gets_no_morning_dm(driver, slack, local, world):
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    ack_text(driver.slash_command(REP, "remind off followups"))
    with transaction(local.runtime.sessions) as session:
        session.add(FollowUp(owner_id=world["rep_id"], account_id=world["acme_id"], title="Call", due_on=today(),
                             created_at=LONG_AGO))
    report = send_reminders(local.runtime, web_client(local.settings), now=utcnow().replace(hour=23), worker="t",
                            kinds=(Kind.followups,))
    assert report.outcomes == [] and slack.messages_in(slack.dm_channel_for(REP)) == []


def test_the_cadence_nudge_opens_the_log_form_for_that_account(driver, slack, local, world):
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    with transaction(local.runtime.sessions) as session:
        set_preference(session, person_id=world["rep_id"], kind="cadence", hour=0)
    send_reminders(local.runtime, web_client(local.settings), now=utcnow(), worker="test", kinds=(Kind.cadence,))
    [nudge] = slack.messages_in(slack.dm_channel_for(REP))
    assert "*Acme Corporation* is a key account and has never been touched" in text_of(nudge)
    log = next(e for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["text"]["text"] == "Log a touch")
    mark = slack.mark()
    assert driver.block_action(REP, log["action_id"], log["value"], message=nudge,
                               channel_id=slack.dm_channel_for(REP)).status == 200
    opened = slack.wait_for("views.open", after=mark, timeout=15)
    assert opened.ok and "Acme Corporation" in str(opened.params["view"])


@pytest.fixture
def actions_dm(local, slack, world):
    """Ray owns an overdue and a today action of Acme's plan (and a done one) and has just got his plan-actions DM."""
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    with transaction(local.runtime.sessions) as session:
        set_preference(session, person_id=world["rep_id"], kind="actions", hour=0)  # due whatever the hour now
        plan = AccountPlan(account_id=world["acme_id"], period_start=today() - timedelta(days=30),
                           period_end=today() + timedelta(days=300))
        session.add(plan)
        for description, due, status in (("Meet the <new> CFO", today() - timedelta(days=3), ActionStatus.open),
                                         ("Send the plan summary", today(), ActionStatus.in_progress),
                                         ("Already done", today(), ActionStatus.done),
                                         ("Next month", today() + timedelta(days=30), ActionStatus.open)):
            session.add(PlanAction(plan=plan, description=description, owner_id=world["rep_id"], due_date=due,
                                   status=status))
    report = send_reminders(local.runtime, web_client(local.settings), now=utcnow(), worker="test",
                            kinds=(Kind.actions,))
    assert report.count("sent", Kind.actions) == 1
    [message] = slack.messages_in(slack.dm_channel_for(REP))
    return message


def plan_action_described(local, description: str) -> PlanAction:
    with transaction(local.runtime.sessions) as session:
        return session.scalars(select(PlanAction).where(PlanAction.description == description)).one()


def test_the_plan_actions_dm_lists_overdue_and_todays_actions_with_done(actions_dm, local, slack):
    text = text_of(actions_dm)
    assert "Your plan actions for" in text and "1 overdue, 1 due today" in str(actions_dm["blocks"])
    assert "*Meet the &lt;new&gt; CFO* — Acme Corporation plan · overdue by 3 days" in text
    assert "*Send the plan summary* — Acme Corporation plan · due today · in progress" in text
    assert "Already done" not in text and "Next month" not in text
    labels = [e["text"]["text"] for b in actions_dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Done", "Open plan"] * 2
    # Once per local date: a second run sends nothing.
    again = send_reminders(local.runtime, web_client(local.settings), now=utcnow(), worker="test",
                           kinds=(Kind.actions,))
    assert again.outcomes == [] and len(slack.messages_in(slack.dm_channel_for(REP))) == 1


def test_done_in_the_plan_actions_dm_marks_the_action_done_and_redraws_the_dm(driver, slack, local, actions_dm):
    updated = click(driver, slack, actions_dm, "Meet the &lt;new&gt; CFO", "Done")
    text = text_of(updated)
    assert "✅ Done: marked on the Acme Corporation plan." in text
    assert "*Meet the &lt;new&gt; CFO*" not in text and "*Send the plan summary*" in text
    assert plan_action_described(local, "Meet the <new> CFO").status == ActionStatus.done
    assert len(slack.messages_in(slack.dm_channel_for(REP))) == 1  # replaced, not a new message

    last = click(driver, slack, updated, "Send the plan summary", "Done")
    assert "No plan action overdue or due today any more" in text_of(last)
    # The DM as it was before: a stale Done on an action already done by the same person is no error.
    stale = click(driver, slack, actions_dm, "Meet the &lt;new&gt; CFO", "Done")
    assert "✅ Done" in text_of(stale)


def test_kam_remind_off_actions_stops_the_plan_actions_dm(driver, slack, local, world):
    slack.add_user(REP, email="ray@acme.test", name="Ray Rep", tz="UTC")
    assert "Plan actions: off" in ack_text(driver.slash_command(REP, "remind off actions"))
    with transaction(local.runtime.sessions) as session:
        plan = AccountPlan(account_id=world["acme_id"], period_start=today(), period_end=today() + timedelta(days=90))
        session.add(PlanAction(plan=plan, description="Call", owner_id=world["rep_id"], due_date=today()))
    report = send_reminders(local.runtime, web_client(local.settings), now=utcnow().replace(hour=23), worker="t",
                            kinds=(Kind.actions,))
    assert report.outcomes == [] and slack.messages_in(slack.dm_channel_for(REP)) == []
