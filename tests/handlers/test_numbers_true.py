"""Every number a user reads is true for the data behind it, end to end through the emulator:
whole counts, amounts to three significant figures, the top account's tier, a touch today, the order of deals."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from kam_core.accounts.models import Account
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import Lever
from kam_core.people.models import Person
from templates import money, percent
from tests.factories import make_account, make_interaction, make_opportunity, make_plan, make_value
from tests.handlers.conftest import REP
from tests.handlers.test_commands import ack_of, blocks_text
from tests.handlers.test_home import open_home, home_text
from tests.handlers.test_opportunities import blocks_text as every_text, valid_message

NOW = utcnow()
TODAY = NOW.date()


@pytest.mark.parametrize(("amount", "shown"), [
    (1_034_900, "1.03M USD"), (530_600, "531k USD"), (12_500, "12.5k USD"), (999, "999 USD"),
    (1_000_000, "1M USD"), (999_999, "1M USD"), (999.6, "1k USD"), (50_000, "50k USD"), (1_035_000, "1.04M USD"),
    (-1_234_567, "-1.23M USD"), (0, "0 USD"), (2_500_000_000, "2.5B USD"), (None, "–"),
])
def test_amounts_keep_three_significant_figures(amount, shown):
    assert money(amount) == shown


@pytest.mark.parametrize(("share", "shown"), [
    (0, "0.0%"), (0.0004, "<0.1%"), (0.083333, "8.3%"), (0.9996, ">99.9%"), (1, "100.0%"), (1.2, "120.0%"),
])
def test_a_percentage_never_rounds_onto_none_or_all(share, shown):
    assert percent(share) == shown


def card(driver, name: str) -> str:
    return blocks_text(ack_of(driver.slash_command(REP, name))["blocks"])


def add(local, build):
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, session.scalar(select(Account.id).where(Account.name == "Acme Corporation")))
        rep = session.scalar(select(Person).where(Person.slack_user_id == REP))
        return build(session, acme, rep)


def test_the_top_accounts_card_says_it_is_the_top_account(driver, local, world):
    def second_account(session, acme, rep):
        runner_up = make_account(session, name="Runner Up Ltd", owner=rep)
        make_value(session, account=runner_up, revenue=200_000, profit=100_000)
        from kam_core.actors import Actor
        from kam_core.tiers.service import recompute_tiers
        recompute_tiers(session, policy=local.runtime.policy, actor=Actor.system("test"))
    add(local, second_account)

    top = card(driver, "acme corp")
    assert "Ranked #1 of 4 by total value, with 80.0% of all value: the top account is always key." in top
    assert "the accounts above it hold" not in top
    # The next one down still says what the accounts above it hold: the top one's 80%.
    assert "Ranked #2 of 4 by total value: 20.0% of all value; the accounts above it hold 80.0%" in card(
        driver, "runner up")


def test_a_touch_today_reads_today_and_one_yesterday_reads_yesterday(driver, slack, local, world):
    add(local, lambda session, acme, rep: make_interaction(session, account=acme, occurred_at=NOW, author=rep))
    text = card(driver, "acme corp")
    assert "*Last touch:* note, today by Ray Rep" in text and "0 days" not in text
    assert "last touch today" in home_text(open_home(driver, slack, REP))  # the key account on the App Home

    def yesterday(session, acme, rep):
        logistics = session.scalar(select(Account).where(Account.name == "Acme Logistics GmbH"))
        make_interaction(session, account=logistics, occurred_at=NOW - timedelta(days=1), author=rep)
    add(local, yesterday)
    assert "*Last touch:* note, yesterday by Ray Rep" in card(driver, "acme logistics")


def test_an_amount_of_1034900_reads_1_03m_on_the_card_and_in_opps(driver, local, world):
    add(local, lambda session, acme, rep: make_opportunity(session, account=acme, name="Platform deal",
                                                           amount=1_034_900))
    assert "*Open pipeline:* 1 deal, 1.03M USD (103k USD weighted)" in card(driver, "acme corp")

    reply = ack_of(driver.slash_command(REP, "opps acme corp"))
    text = every_text(valid_message(reply["blocks"]))
    assert "*Platform deal* · Prospecting · *1.03M USD* (10%)" in text
    assert "*1 open opportunity:*" in text and "1M USD" not in text


def test_opps_without_an_act_now_deal_do_not_promise_act_now_first(driver, local, world):
    add(local, lambda session, acme, rep: [
        make_opportunity(session, account=acme, name="Small sure", stage="Negotiation/Review", amount=2000,
                         lever=Lever.raise_usage),
        make_opportunity(session, account=acme, name="Long shot", amount=80_000, lever=Lever.new_adjacent),
        make_opportunity(session, account=acme, name="Moonshot", amount=1_034_900, lever=Lever.new_core)])

    reply = ack_of(driver.slash_command(REP, "opps acme corp"))
    text = every_text(valid_message(reply["blocks"]))
    assert "*3 open opportunities*, highest priority first:" in text
    assert "act now" not in text.lower()
    rows = [b["text"]["text"] for b in reply["blocks"] if b.get("accessory")]
    assert [row.split("*")[1] for row in rows] == ["Small sure", "Moonshot", "Long shot"]
    assert "Quick win" in rows[0] and "Opportunistic" in rows[1] and "Opportunistic" in rows[2]


def test_a_plan_counts_whole_meetings_and_products_and_its_percentages_add_up(driver, local, world):
    add(local, lambda session, acme, rep: make_plan(
        session, account=acme, period_start=TODAY - timedelta(days=180), period_end=TODAY + timedelta(days=180),
        last_reviewed_at=NOW, objectives=[
            {"description": "Products in use", "target": 5, "actual": "0.45", "unit": "products"},
            {"description": "Executive meetings held", "target": 12, "actual": "1.08", "unit": "meetings"},
            {"description": "Reference sites", "target": 1, "actual": 0, "unit": "sites"},
            {"description": "Grow annual revenue", "target": 1_500_000, "actual": 1_034_900, "unit": "USD"},
        ]))

    reply = ack_of(driver.slash_command(REP, "plan acme corp"))
    text = every_text(valid_message(reply["blocks"]))
    assert "Products in use: *0 of 5 products* (0.0%)" in text
    assert "Executive meetings held: *1 of 12 meetings* (8.3%)" in text
    assert "Reference sites: *0 of 1 site* (0.0%)" in text
    assert "Grow annual revenue: *1.03M USD of 1.5M USD* (69.0%)" in text
    assert "“Products in use” is at 0.0% of target; 50.0% of the period has passed." in text
    assert "(today)" in text and "0 days ago" not in text  # reviewed just now
    assert "(9.0%)" not in text and "0.45" not in text
