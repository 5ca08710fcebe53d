"""/kam mine and /kam team through the emulator: the ranking, "and N more", Next / Previous in place."""

from datetime import timedelta

import pytest
from slack_sdk.models.blocks import Block

from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import Role, Tier
from tests.factories import make_account, make_follow_up, make_interaction, make_person
from tests.handlers.conftest import MANAGER, REP, over_http_and_socket
from tests.handlers.test_commands import ack_of

BEA = "U0BEA"
NOW = utcnow()
TODAY = NOW.date()  # the bot's today for these UTC users


def owned(session, owner, name: str, tier: Tier, *, days_ago: int | None = None, overdue_by: int | None = None):
    account = make_account(session, name=name, owner=owner, computed_tier=tier)
    if days_ago is not None:
        make_interaction(session, account=account, occurred_at=NOW - timedelta(days=days_ago))
    if overdue_by is not None:
        make_follow_up(session, account=account, due_on=TODAY - timedelta(days=overdue_by))
    return account


@pytest.fixture
def book(local):
    """Issue #14: Ray has 21 accounts and his top key account's follow-up is 74 days overdue, while a dozen
    general accounts are a few days past their 90-day cadence. Ray and Bea report to Mia."""
    with transaction(local.runtime.sessions) as session:
        mia = make_person(session, role=Role.manager, name="Mia Manager", email="mia@acme.test",
                          slack_user_id=MANAGER)
        ray = make_person(session, name="Ray Rep", email="ray@acme.test", slack_user_id=REP, manager=mia)
        bea = make_person(session, name="Bea Rep", email="bea@acme.test", slack_user_id=BEA, manager=mia)
        olga = make_person(session, name="Olga Other", manager=make_person(session, role=Role.manager))
        owned(session, ray, "Top Key Corp", Tier.key, days_ago=3, overdue_by=74)
        for n in range(12):
            owned(session, ray, f"General {n:02}", Tier.general, days_ago=92 + n % 4)
        for n in range(8):
            owned(session, ray, f"Fine {n}", Tier.general, days_ago=5)
        owned(session, bea, "Bea's Quiet Key", Tier.key, days_ago=40)
        owned(session, mia, "Mia's Own Ltd", Tier.important, days_ago=1)
        owned(session, olga, "Olga's Key", Tier.key)


def blocks_text(blocks: list[dict]) -> str:
    """Every text of the message (sections, their buttons, context lines, action buttons), checked as Block Kit."""
    parts = []
    for block in blocks:
        Block.parse(block).validate_json()
        parts.append((block.get("text") or {}).get("text", ""))
        parts.append((block.get("accessory") or {}).get("text", {}).get("text", ""))
        parts += [e["text"] if isinstance(e.get("text"), str) else e.get("text", {}).get("text", "")
                  for e in block.get("elements", [])]
    return "\n".join(parts)


def rows(blocks: list[dict]) -> list[str]:
    """The listed accounts, as the rep reads them: "1. *Name* · tier — why"."""
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and b.get("accessory", {}).get(
        "action_id", "").startswith("kam.open_account")]


def page_buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]
            if e["action_id"].startswith("kam.page_accounts")}


def press(driver, slack, shown, pressed: dict):
    mark = driver.mark()
    driver.block_action(REP, pressed["action_id"], pressed["value"], message=shown)
    redrawn = slack.wait_for("response_url", after=mark.calls)
    assert redrawn.params["replace_original"] is True
    blocks_text(redrawn.params["blocks"])  # valid Block Kit
    return redrawn.params["blocks"], driver.replies_since(mark, REP)[-1]


@over_http_and_socket
def test_mine_puts_the_key_account_with_a_long_overdue_follow_up_first_and_says_how_many_more(driver, book):
    reply = ack_of(driver.slash_command(REP, "mine"))
    listed = rows(reply["blocks"])
    assert len(listed) == 10
    assert listed[0] == "1. *Top Key Corp* · key — 1 overdue follow-up (74 days late)"
    assert listed[1].startswith("2. *General ") and "days since last touch (cadence 90)" in listed[1]
    text = blocks_text(reply["blocks"])
    assert "*Your accounts*, the ones needing attention first · 1–10 of 21" in text
    assert "1–10 of 21 · and 11 more" in text
    assert list(page_buttons(reply["blocks"])) == ["Next 10"]
    assert reply["text"] == "Your accounts: 13 of 21 need attention"


@over_http_and_socket
def test_next_and_previous_redraw_the_list_in_place_and_the_pages_hold_every_account(driver, slack, book):
    mark = driver.mark()
    first = ack_of(driver.slash_command(REP, "mine"))["blocks"]
    shown = driver.replies_since(mark, REP)[0]

    second, shown = press(driver, slack, shown, page_buttons(first)["Next 10"])
    assert [r.split(".")[0] for r in rows(second)] == [str(n) for n in range(11, 21)]
    assert "11–20 of 21 · and 1 more" in blocks_text(second)
    assert list(page_buttons(second)) == ["Previous", "Next 1"]

    third, shown = press(driver, slack, shown, page_buttons(second)["Next 1"])
    assert rows(third) == ["21. *Fine 7* · general — all good"]
    assert "21–21 of 21: that's all of them" in blocks_text(third)
    assert list(page_buttons(third)) == ["Previous"]

    back, _ = press(driver, slack, shown, page_buttons(third)["Previous"])
    assert rows(back) == rows(second)

    names = [r.split("*")[1] for r in rows(first) + rows(second) + rows(third)]
    assert len(set(names)) == 21 and "Mia's Own Ltd" not in names


def test_a_page_number_after_mine_opens_that_page_and_other_words_are_told_not_lost(driver, book):
    assert rows(ack_of(driver.slash_command(REP, "mine 3"))["blocks"]) == ["21. *Fine 7* · general — all good"]
    assert rows(ack_of(driver.slash_command(REP, "mine page 2"))["blocks"])[0].startswith("11. ")
    reply = ack_of(driver.slash_command(REP, "mine key <!channel>"))
    text = blocks_text(reply["blocks"])
    assert "`/kam mine` takes only a page number, e.g. `/kam mine 2`" in text
    assert "“key &lt;!channel&gt;” was left out" in text and "<!channel>" not in text
    assert rows(reply["blocks"])[0].startswith("1. *Top Key Corp*")


@over_http_and_socket
def test_team_shows_a_manager_their_reports_accounts_and_their_own_with_owners_and_pages(driver, slack, book):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(MANAGER, "team"))
    text = blocks_text(reply["blocks"])
    assert "*Your team's accounts* (yours and those of the 2 people who report to you)" in text
    assert "1–10 of 23 · and 13 more" in text
    listed = rows(reply["blocks"])
    assert listed[:2] == ["1. *Top Key Corp* · key · Ray Rep — 1 overdue follow-up (74 days late)",
                          "2. *Bea's Quiet Key* · key · Bea Rep — 40 days since last touch (cadence 14)"]
    assert "Olga" not in text
    shown = driver.replies_since(mark, MANAGER)[0]
    driver.block_action(MANAGER, page_buttons(reply["blocks"])["Next 10"]["action_id"],
                        page_buttons(reply["blocks"])["Next 10"]["value"], message=shown)
    second = slack.wait_for("response_url", after=mark.calls).params["blocks"]
    assert "11–20 of 23 · and 3 more" in blocks_text(second)
    assert len(rows(second)) == 10 and all(" · Ray Rep" in r or " · Mia Manager" in r for r in rows(second))


def test_team_for_a_rep_says_it_is_for_managers_and_points_to_mine(driver, book):
    reply = ack_of(driver.slash_command(REP, "team"))
    assert reply["text"] == ("`/kam team` is for managers: it lists the accounts of the people who report to them. "
                             "Yours are in `/kam mine`.")
    assert rows(reply["blocks"]) == [] and "Top Key Corp" not in blocks_text(reply["blocks"])


def test_my_team_is_the_team_and_the_help_lists_it(driver, book):
    assert "*Your team's accounts*" in blocks_text(ack_of(driver.slash_command(MANAGER, "my team"))["blocks"])
    assert "`/kam team` — your team's accounts" in ack_of(driver.slash_command(REP, "help"))["text"]
