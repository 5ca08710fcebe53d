"""Every figure of a digest is as of the week it names: its end once it has ended, now while it is
under way, nothing at all before it starts; deals show their own owner and the shared lever words."""

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers.render.digest import digest_message
from kam_core.actors import Actor
from kam_core.digests.builder import build_digest
from kam_core.digests.week import WeekState, asked_week
from kam_core.enums import Lever, Role
from kam_core.errors import InvalidInput
from kam_core.opportunities.models import StageChange
from kam_core.policy import Policy
from templates import piece
from tests.factories import make_account, make_follow_up, make_opportunity, make_person, stage_named

WEEK = "2026-W47"  # Mon 16 Nov - Sun 22 Nov 2026
NEXT = "2026-W48"  # Mon 23 Nov - Sun 29 Nov 2026
WEDNESDAY = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # in the middle of WEEK
BEFORE = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday of NEXT
SYSTEM = Actor.system("test")


@pytest.fixture
def team(session):
    mia = make_person(session, role=Role.manager, name="Mia Manager", timezone="Europe/Berlin")
    ray = make_person(session, name="Ray Rep", manager=mia)
    acme = make_account(session, name="Acme", owner=ray)
    return {"mia": mia, "ray": ray, "acme": acme}


def digest(session, team, week=WEEK, now=AFTER):
    return build_digest(session, actor=SYSTEM, policy=Policy(), manager_id=team["mia"].id, week=week, now=now)


def text_of(d) -> str:
    return "\n".join(b["text"]["text"] for b in digest_message(d).blocks if "text" in b)


def move(session, deal, to: str, at: datetime) -> None:
    session.add(StageChange(opportunity_id=deal.id, from_stage_id=deal.stage_id,
                            to_stage_id=stage_named(session, to).id, changed_at=at))
    deal.stage = stage_named(session, to)
    deal.probability = None  # as kam_core.opportunities.service.move_stage does
    session.flush()


def test_in_a_week_under_way_only_close_dates_already_passed_have_slipped(session, team):
    for name, due in (("Due Monday", date(2026, 11, 16)), ("Due today", date(2026, 11, 18)),
                      ("Due Friday", date(2026, 11, 20))):
        make_opportunity(session, account=team["acme"], name=name, expected_close_date=due, created_at=BEFORE)

    d = digest(session, team, now=WEDNESDAY)

    assert d.state == WeekState.current and d.as_of == WEDNESDAY
    assert [i.name for i in d.movement.slipped.items] == ["Due Monday"]
    text = text_of(d)
    assert "Weekly digest · 2026-W47 so far" in text and "still open now): 1" in text
    assert "Due today" not in text and "Due Friday" not in text
    # Once the week has ended, all three passed in it.
    assert {i.name for i in digest(session, team).movement.slipped.items} == {"Due Monday", "Due today", "Due Friday"}


def test_a_past_week_shows_deals_as_they_stood_at_its_end(session, team):
    acme = team["acme"]
    won_later = make_opportunity(session, account=acme, name="Won later", amount=10000, created_at=BEFORE,
                                 expected_close_date=date(2026, 11, 19), probability=90)
    move(session, won_later, "Closed Won", AFTER - timedelta(days=1))
    won_in_week = make_opportunity(session, account=acme, name="Won in week", amount=5000, created_at=BEFORE,
                                   expected_close_date=date(2026, 11, 17))
    move(session, won_in_week, "Closed Won", WEDNESDAY)
    make_opportunity(session, account=acme, name="Made later", amount=7000, created_at=AFTER - timedelta(hours=1),
                     expected_close_date=date(2026, 11, 20))

    d = digest(session, team)

    assert [(i.name, i.stage) for i in d.movement.slipped.items] == [("Won later", "Prospecting")]
    # At the week's end only "Won later" was open: in Prospecting, whose default probability it had then
    # (its own 90% was cleared by the later move, and is unknown).
    assert (d.pipeline.total.count, d.pipeline.total.amount, d.pipeline.total.weighted_amount) == (1, 10000, 1000)
    assert [line.label for line in d.pipeline.by_stage] == ["Prospecting"]
    # The week under way is another moment, so another pipeline: "Made later" only.
    now = digest(session, team, week=NEXT)
    assert now.state == WeekState.current
    assert (now.pipeline.total.count, now.pipeline.total.amount) == (1, 7000)
    assert "Weighted pipeline at the week's end:* 1 deal, 10k USD (1k USD weighted)" in text_of(d)
    assert "Weighted pipeline now:* 1 deal, 7k USD (700 USD weighted)" in text_of(now)


def test_follow_ups_count_when_they_were_open_at_the_weeks_end(session, team):
    acme, ray = team["acme"], team["ray"]
    make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 10), created_at=BEFORE)
    done_later = make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 12), created_at=BEFORE)
    done_later.status, done_later.completed_at = "done", AFTER - timedelta(days=1)
    make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 13), created_at=AFTER)  # made later
    session.flush()

    [rep] = digest(session, team).follow_ups.items

    assert (rep.rep_name, rep.overdue, rep.oldest_days) == ("Ray Rep", 2, 13)


def test_a_week_not_started_has_nothing_to_report(session, team):
    make_opportunity(session, account=team["acme"], expected_close_date=date(2026, 11, 30), created_at=BEFORE)

    d = digest(session, team, week="2026-W49")

    assert d.state == WeekState.future
    assert d.movement.slipped.total == 0 and d.pipeline.total.count == 0 and d.untouched.total == 0
    message = digest_message(d)
    text = "\n".join(b["text"]["text"] for b in message.blocks if "text" in b)
    assert "Nothing to report for 2026-W49 yet" in text and "starts on Mon 30 Nov 2026" in text
    assert "Slipped" not in text and "pipeline" not in text and message.text.startswith("Nothing to report")


def test_a_deal_shows_its_own_owner_as_the_deal_card_does(session, team):
    olive = make_person(session, name="Olive Outside")  # in no one's team
    make_opportunity(session, account=team["acme"], name="Her deal", owner=olive, created_at=WEDNESDAY)

    [deal] = digest(session, team).movement.new.items

    assert deal.owner_name == "Olive Outside"


def test_levers_are_named_with_the_words_of_kam_opps(session, team):
    make_opportunity(session, account=team["acme"], lever=Lever.cross_sell, amount=5000, created_at=BEFORE)
    make_opportunity(session, account=team["acme"], amount=1000, created_at=BEFORE)

    text = text_of(digest(session, team))

    for lever in (Lever.cross_sell, None):
        assert piece("_vocabulary.j2", "lever", l=lever) in text
    assert "By growth lever, weighted:_ cross-sell 500 USD · no lever set 100 USD" in text


@pytest.mark.parametrize(("typed", "week"), [
    ("2026-W40", "2026-W40"), ("2026w40", "2026-W40"), ("last week", "2026-W47"), ("this week", "2026-W48"),
    ("next week", "2026-W49"), ("friday 17", None), ("off", None),
])
def test_the_week_a_manager_names(typed, week):
    from zoneinfo import ZoneInfo

    assert asked_week(typed, AFTER, ZoneInfo("Europe/Berlin")) == week


def test_a_week_that_does_not_exist_is_refused_clearly():
    from zoneinfo import ZoneInfo

    with pytest.raises(InvalidInput) as raised:
        asked_week("2026-W60", AFTER, ZoneInfo("UTC"))
    assert raised.value.field == "week"
