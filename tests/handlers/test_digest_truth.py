"""The digest agrees with itself and with the other surfaces, end to end through the emulator:
slipped means the close date passed before the week's end and before now; a past week's pipeline
is the one at its end; a deal's owner is the deal card's; levers read as in /kam opps; any week can
be previewed (`/kam digest 2026-W40`, `last week`, `this week`), and a week to come has nothing yet.
The manager's timezone is unknown here, so their weeks are UTC weeks."""

from datetime import timedelta

from kam_core.accounts.models import Account
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.digests.week import week_key
from kam_core.enums import Lever
from kam_core.opportunities.models import Opportunity, StageChange
from tests.factories import make_opportunity, make_person, stage_named
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of
from tests.handlers.test_opportunities import blocks_text

NOW = utcnow()
TODAY = NOW.date()
THIS_MONDAY = TODAY - timedelta(days=TODAY.weekday())
LAST_MONDAY = THIS_MONDAY - timedelta(days=7)
LONG_AGO = NOW - timedelta(days=30)


def shown(driver, user: str, text: str) -> str:
    return blocks_text(ack_of(driver.slash_command(user, text))["blocks"])


def add_deal(local, world, **fields) -> int:
    with transaction(local.runtime.sessions) as session:
        return make_opportunity(session, account=session.get(Account, world["acme_id"]), **fields).id


def move_now(local, deal_id: int, to: str) -> None:
    """The deal moves now, after last week ended, as the stage modal would move it."""
    with transaction(local.runtime.sessions) as session:
        deal = session.get(Opportunity, deal_id)
        stage = stage_named(session, to)
        session.add(StageChange(opportunity_id=deal.id, from_stage_id=deal.stage_id, to_stage_id=stage.id,
                                changed_at=utcnow()))
        deal.stage, deal.probability = stage, None


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


def opps_row(opps: str, deal: str) -> str:
    """The second line of a deal's row in /kam opps: quadrant · lever · close date · owner."""
    return opps.split(f"*{deal}*", 1)[1].splitlines()[1]


def test_slipped_means_the_close_date_passed_before_the_weeks_end_and_before_now(driver, local, world):
    add_deal(local, world, name="Due last Tuesday", expected_close_date=LAST_MONDAY + timedelta(days=1),
             created_at=LONG_AGO)
    won = add_deal(local, world, name="Won since", expected_close_date=LAST_MONDAY + timedelta(days=2),
                   created_at=LONG_AGO)
    move_now(local, won, "Closed Won")
    add_deal(local, world, name="Due today", expected_close_date=TODAY, created_at=LONG_AGO)
    add_deal(local, world, name="Due Sunday", expected_close_date=THIS_MONDAY + timedelta(days=6),
             created_at=LONG_AGO)

    last_week = shown(driver, MANAGER, "digest last week")
    assert "Slipped (close date passed, still open at the week's end): 2" in last_week
    assert "Due last Tuesday" in last_week and "Due today" not in last_week and "Due Sunday" not in last_week
    # Won this week, but still open when last week ended: listed in the stage it was in then.
    assert "Won since, 1k USD (close date" in last_week and "passed, Prospecting)" in last_week

    this_week = shown(driver, MANAGER, "digest this week")
    assert "Weekly digest · " + week_key(TODAY) + " so far" in this_week
    assert "Slipped (close date passed, still open now): 0" in this_week
    assert "Due today" not in this_week and "Due Sunday" not in this_week

    # The same words as the deal card: passed there is passed here, and today's date has not passed.
    opps = shown(driver, REP, "opps acme corp")
    passed = "close date " + (LAST_MONDAY + timedelta(days=1)).strftime("%d %b %Y") + " passed"
    assert passed in opps_row(opps, "Due last Tuesday")
    assert passed in line_with(last_week, "Due last Tuesday")
    assert "closes today" in opps_row(opps, "Due today")


def test_a_past_weeks_weighted_pipeline_is_the_one_at_its_end(driver, local, world):
    deal = add_deal(local, world, name="Moving deal", amount=10000, created_at=LONG_AGO)
    move_now(local, deal, "Proposal/Price Quote")  # Prospecting (10%) until now, 70% since

    last_week = shown(driver, MANAGER, "digest last week")
    this_week = shown(driver, MANAGER, "digest this week")
    card = shown(driver, REP, "acme corp")

    assert "*Weighted pipeline at the week's end:* 1 deal, 10k USD (1k USD weighted)" in last_week
    assert "*Weighted pipeline now:* 1 deal, 10k USD (7k USD weighted)" in this_week
    assert "*Open pipeline:* 1 deal, 10k USD (7k USD weighted)" in card


def test_the_owner_shown_is_the_deals_owner_as_on_the_card(driver, local, world):
    with transaction(local.runtime.sessions) as session:
        olive = make_person(session, name="Olive Owner")  # owns the deal, not the account, in no team
        make_opportunity(session, account=session.get(Account, world["acme_id"]), name="Olive's deal",
                         owner=olive, created_at=NOW - timedelta(days=7))

    opps = shown(driver, REP, "opps acme corp")
    digest = shown(driver, MANAGER, "digest " + week_key(TODAY - timedelta(days=7)))

    assert opps_row(opps, "Olive's deal").endswith("· Olive Owner")
    deal_line = line_with(digest, "Olive's deal")
    assert deal_line.endswith("· Olive Owner") and "Ray Rep" not in deal_line


def test_levers_have_the_same_names_as_in_kam_opps(driver, local, world):
    add_deal(local, world, name="Cross", lever=Lever.cross_sell, amount=5000)
    add_deal(local, world, name="Core", lever=Lever.new_core, amount=3000)
    add_deal(local, world, name="Unset", amount=1000)

    opps = shown(driver, REP, "opps acme corp")
    levers = line_with(shown(driver, MANAGER, "digest this week"), "By growth lever")

    for deal in ("Cross", "Core", "Unset"):
        lever = opps_row(opps, deal).split(" · ")[1]
        assert f"{lever} " in levers
    assert "cross-sell" in levers and "new customer, core industry" in levers and "no lever set" in levers
    assert "cross sell" not in levers and "unspecified" not in levers


def test_any_week_can_be_previewed_and_a_week_to_come_has_nothing_yet(driver, local, world):
    w40 = shown(driver, MANAGER, "digest 2026-W40")
    assert "Weekly digest · 2026-W40" in w40 and "Mon 28 Sep – Sun 04 Oct 2026" in w40
    assert "not an hour" not in w40 and "Weighted pipeline at the week's end" in w40

    assert "Weekly digest · " + week_key(LAST_MONDAY) + "\n" in shown(driver, MANAGER, "digest last week") + "\n"

    coming = shown(driver, MANAGER, "digest next week")
    next_week = week_key(THIS_MONDAY + timedelta(days=7))
    assert f"Nothing to report for {next_week} yet" in coming
    assert "Slipped" not in coming and "pipeline" not in coming and "every Monday at 08:00" in coming

    assert "“2026-W60” is not an ISO week" in ack_of(driver.slash_command(MANAGER, "digest 2026-W60"))["text"]
    assert "`/kam digest 2026-W40`" in ack_of(driver.slash_command(MANAGER, "digest 2026-W40 friday"))["text"]
