"""The App Home tab through real HTTP: app_home_opened in, views.publish out; Done / Snooze / Open on it."""

from datetime import timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import select

from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import FollowUpStatus, Role, Tier
from kam_core.interactions.models import FollowUp
from kam_core.people.models import Person
from tests.factories import make_account, make_follow_up, make_interaction, make_opportunity
from tests.handlers.conftest import MANAGER, REP, STRANGER, over_http_and_socket


def today():
    # Seeded people keep the default UTC timezone, so the bot's "today" is the UTC date.
    return utcnow().date()


def valid_home(view: dict) -> dict:
    """The view as the bot sent it, checked as Slack would check a Home tab."""
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    View(**view).validate_json()
    for block in view["blocks"]:
        Block.parse(block).validate_json()
    return view


def home_text(view: dict) -> str:
    parts = []
    for block in view["blocks"]:
        parts.append((block.get("text") or {}).get("text", ""))
        parts += [e.get("text", "") if isinstance(e.get("text"), str) else e.get("text", {}).get("text", "")
                  for e in block.get("elements", [])]
        parts.append((block.get("accessory") or {}).get("text", {}).get("text", ""))
    return "\n".join(parts)


def buttons(view: dict) -> list[dict]:
    found = [b["accessory"] for b in view["blocks"] if b.get("accessory")]
    found += [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return found


def open_home(driver, slack, user: str) -> dict:
    """Open the Home tab and return the view the bot published (as the fake stored it, with its id)."""
    mark = slack.mark()
    assert driver.app_home_opened(user).status == 200
    return published_after(slack, user, mark)


def published_after(slack, user: str, mark: int) -> dict:
    call = slack.wait_for("views.publish", lambda c: c.params["user_id"] == user, after=mark)
    assert call.ok, call.response
    valid_home(call.params["view"])
    return call.response["view"]


def click(driver, slack, user: str, view: dict, button: dict) -> dict:
    mark = slack.mark()
    assert driver.block_action(user, button["action_id"], button["value"], view=view).status == 200
    return published_after(slack, user, mark)


def button_on_row(view: dict, row_text: str, label: str) -> dict:
    """The button labelled `label` belonging to the row whose text holds `row_text`."""
    blocks = view["blocks"]
    for index, block in enumerate(blocks):
        if row_text in (block.get("text") or {}).get("text", ""):
            candidates = [block.get("accessory") or {}]
            if index + 1 < len(blocks) and blocks[index + 1]["type"] == "actions":
                candidates += blocks[index + 1]["elements"]
            return next(b for b in candidates if b.get("text", {}).get("text") == label)
    raise AssertionError(f"no row with {row_text!r}")


@pytest.fixture
def home_world(local, world):
    """The shared world plus a quiet key account, follow-ups and a deal closing this month."""
    with transaction(local.runtime.sessions) as session:
        rep = session.get(Person, world["rep_id"])
        quiet = make_account(session, name="Quiet Key Corp", owner=rep, computed_tier=Tier.key)
        make_interaction(session, account=quiet, occurred_at=utcnow() - timedelta(days=30))
        overdue = make_follow_up(session, account=quiet, title="Send the <!channel> quote",
                                 due_on=today() - timedelta(days=2))
        due_today = make_follow_up(session, account=quiet, title="Call the CFO", due_on=today())
        make_opportunity(session, account=quiet, name="Big renewal", expected_close_date=today())
        return {**world, "overdue_id": overdue.id, "today_id": due_today.id}


def follow_up(local, follow_up_id: int) -> FollowUp:
    with transaction(local.runtime.sessions) as session:
        found = session.get(FollowUp, follow_up_id)
        session.expunge(found)
        return found


@over_http_and_socket
def test_a_rep_opening_the_home_tab_sees_accounts_follow_ups_and_deals(driver, slack, home_world):
    text = home_text(open_home(driver, slack, REP))
    assert "Your key accounts (2)" in text and "*Acme Corporation*" in text
    assert "*Quiet Key Corp*" in text and "past the 14-day cadence" in text
    assert "Follow-ups: 1 overdue, 1 due today" in text and "overdue by 2 days" in text
    assert "Send the &lt;!channel&gt; quote" in text and "<!channel>" not in text
    assert "*Big renewal*" in text and "Your plans at risk or off track (0)" in text
    assert "Your team's" not in text  # the team section is a manager's


def test_a_manager_also_sees_the_teams_key_accounts_past_cadence(driver, slack, home_world):
    text = home_text(open_home(driver, slack, MANAGER))
    assert "Your team's key accounts past cadence" in text
    assert "*Quiet Key Corp* · Ray Rep · 30 days since the last touch" in text


def test_the_messages_tab_does_not_publish_the_home(driver, slack, home_world):
    assert driver.app_home_opened(REP, tab="messages").status == 200
    open_home(driver, slack, REP)
    assert len(slack.calls_to("views.publish")) == 1


def test_done_completes_the_follow_up_and_republishes_the_home(driver, slack, local, home_world):
    home = open_home(driver, slack, REP)
    home = click(driver, slack, REP, home, button_on_row(home, "Call the CFO", "Done"))
    text = home_text(home)
    assert "✅ Done: “Call the CFO”" in text and "Follow-ups: 1 overdue, 0 due today" in text
    assert follow_up(local, home_world["today_id"]).status == FollowUpStatus.done


def test_snooze_puts_an_overdue_follow_up_off_to_tomorrow(driver, slack, local, home_world):
    home = open_home(driver, slack, REP)
    home = click(driver, slack, REP, home, button_on_row(home, "Send the &lt;!channel&gt; quote", "Snooze 1 day"))
    tomorrow = today() + timedelta(days=1)
    assert f"to {tomorrow.strftime('%a %d %b')}" in home_text(home)
    assert "Follow-ups: 0 overdue, 1 due today" in home_text(home)
    assert follow_up(local, home_world["overdue_id"]).due_on == tomorrow


def test_a_stale_button_answers_on_the_home_and_the_home_is_still_shown(driver, slack, local, home_world):
    home = open_home(driver, slack, REP)
    with transaction(local.runtime.sessions) as session:
        session.delete(session.get(FollowUp, home_world["today_id"]))
    home = click(driver, slack, REP, home, button_on_row(home, "Call the CFO", "Done"))
    text = home_text(home)
    assert "No follow-up called" in text and "*Quiet Key Corp*" in text


def test_open_on_the_home_posts_the_account_card_to_the_users_dm(driver, slack, home_world):
    home = open_home(driver, slack, REP)
    mark = slack.mark()
    button = button_on_row(home, "*Acme Corporation*", "Open")
    assert driver.block_action(REP, button["action_id"], button["value"], view=home).status == 200
    posted = slack.wait_for("chat.postMessage", after=mark)
    assert posted.response["channel"] == slack.dm_channel_for(REP)
    assert posted.params["text"].startswith("Acme Corporation")
    for block in posted.params["blocks"]:
        Block.parse(block).validate_json()


def test_an_unlinked_user_gets_a_home_saying_how_to_get_linked(driver, slack, home_world):
    text = home_text(open_home(driver, slack, STRANGER))
    assert "not linked" in text and f"kam users link EMAIL {STRANGER}" in text
    assert "Acme" not in text and "Quiet" not in text


def test_a_huge_book_still_fits_the_home_and_says_how_many_more(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        rep = session.scalars(select(Person).where(Person.slack_user_id == REP)).one()
        big = make_account(session, name="Big Co 000", owner=rep, computed_tier=Tier.key)
        accounts = [big] + [make_account(session, name=f"Big Co {n:03}", owner=rep, computed_tier=Tier.key)
                            for n in range(1, 300)]
        for n in range(200):
            make_follow_up(session, account=accounts[n], title=f"Chase {n} " + "x" * 400,
                           due_on=today() - timedelta(days=n % 7))
            make_opportunity(session, account=accounts[n], name=f"Deal {n}", expected_close_date=today())
        manager = session.scalars(select(Person).where(Person.role == Role.manager)).one()
        assert rep.manager_id == manager.id
    for user in (REP, MANAGER):
        home = open_home(driver, slack, user)
        assert len(home["blocks"]) <= 100
        text = home_text(home)
        assert len({b["action_id"] for b in buttons(home)}) == len(buttons(home))
        if user == REP:
            assert "…and 293 more key accounts" in text  # 301 key accounts, 8 shown
            assert "…and 192 more follow-ups due" in text and "…and 192 more deals closing" in text
        else:
            assert "…and 296 more key accounts of your team past cadence" in text
