"""The App Home read model and snoozing a follow-up."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kam_core.accounts.home import home_summary
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import FollowUpStatus, PlanHealth, Role, Tier
from kam_core.errors import Conflict, Forbidden, InvalidInput
from kam_core.interactions.service import snooze_follow_up
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import (
    make_account,
    make_follow_up,
    make_interaction,
    make_opportunity,
    make_person,
    make_plan,
)

TODAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
POLICY = Policy()


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


def reviewed_plan(session, account, **fields):
    return make_plan(session, account=account, last_reviewed_at=days_ago(10), **fields)


@pytest.fixture
def seeded(session):
    """A manager with a rep; the rep's book has every case the Home distinguishes."""
    manager = make_person(session, role=Role.manager, name="Mia Manager", team="East")
    rep = make_person(session, name="Ray Rep", manager=manager)
    other = make_person(session, name="Olga Other")
    quiet = make_account(session, name="Quiet Key Corp", owner=rep, computed_tier=Tier.key)
    fresh = make_account(session, name="Fresh Key Ltd", owner=rep, computed_tier=Tier.key)
    never = make_account(session, name="Never Touched Key", owner=rep, computed_tier=Tier.general,
                         tier_override=Tier.key)
    important = make_account(session, name="Important Inc", owner=rep, computed_tier=Tier.important)
    others = make_account(session, name="Other Key", owner=other, computed_tier=Tier.key)
    make_interaction(session, account=quiet, occurred_at=days_ago(20))
    make_interaction(session, account=fresh, occurred_at=days_ago(2))
    make_interaction(session, account=important, occurred_at=days_ago(1))
    reviewed_plan(session, quiet, actions=[{"description": "Exec briefing", "due_date": TODAY - timedelta(days=5)}])
    reviewed_plan(session, fresh)
    make_plan(session, account=important, last_reviewed_at=days_ago(200))  # off track: review stale
    make_follow_up(session, account=quiet, title="Send the quote", due_on=TODAY - timedelta(days=3))
    make_follow_up(session, account=fresh, title="Call back", due_on=TODAY)
    make_follow_up(session, account=fresh, title="Next week's thing", due_on=TODAY + timedelta(days=7))
    make_follow_up(session, account=fresh, title="Already done", due_on=TODAY - timedelta(days=1),
                   status=FollowUpStatus.done)
    make_follow_up(session, account=others, title="Not mine", due_on=TODAY - timedelta(days=1))
    make_opportunity(session, account=fresh, name="Renewal 2026", expected_close_date=date(2026, 3, 28),
                     amount=50_000)
    make_opportunity(session, account=quiet, name="Slipped expansion", expected_close_date=date(2026, 3, 2))
    make_opportunity(session, account=quiet, name="Next month", expected_close_date=date(2026, 4, 2))
    make_opportunity(session, account=quiet, name="Won already", stage="Closed Won",
                     expected_close_date=date(2026, 3, 10))
    make_opportunity(session, account=others, name="Olga's deal", expected_close_date=date(2026, 3, 20))
    return {"manager": manager, "rep": rep}


def summary_for(session, person):
    return home_summary(session, actor=Actor.of(person), policy=POLICY, today=TODAY)


def test_a_rep_sees_key_accounts_follow_ups_deals_closing_and_plans_at_risk(session, seeded):
    home = summary_for(session, seeded["rep"])
    accounts = {a.name: a for a in home.key_accounts.items}
    assert set(accounts) == {"Quiet Key Corp", "Fresh Key Ltd", "Never Touched Key"}
    quiet, fresh = accounts["Quiet Key Corp"], accounts["Fresh Key Ltd"]
    assert (quiet.days_since_touch, quiet.past_cadence, quiet.plan_status, quiet.overdue_follow_ups) == (
        20, True, PlanHealth.at_risk, 1)
    assert (fresh.days_since_touch, fresh.past_cadence, fresh.plan_status) == (2, False, PlanHealth.on_track)
    assert accounts["Never Touched Key"].days_since_touch is None
    assert home.key_accounts.items[-1].name == "Fresh Key Ltd"  # nothing wrong with it: last

    assert [f.title for f in home.follow_ups.items] == ["Send the quote", "Call back"]
    assert (home.overdue_follow_ups, home.follow_ups_today, home.follow_ups.total) == (1, 1, 2)

    assert [o.name for o in home.closing_this_month.items] == ["Slipped expansion", "Renewal 2026"]
    assert home.closing_this_month.items[0].overdue

    plans = [(p.name, p.status, p.top_reason.code) for p in home.plans_at_risk.items]
    assert plans == [("Important Inc", PlanHealth.off_track, "review_stale"),
                     ("Quiet Key Corp", PlanHealth.at_risk, "overdue_actions")]
    assert home.team_past_cadence is None and home.person_name == "Ray Rep"


def test_a_manager_also_sees_the_teams_key_accounts_past_cadence(session, seeded):
    team = summary_for(session, seeded["manager"]).team_past_cadence
    assert [(a.name, a.owner_name, a.days_since_touch) for a in team.items] == [
        ("Never Touched Key", "Ray Rep", None), ("Quiet Key Corp", "Ray Rep", 20)]
    assert team.total == 2


def test_someone_with_nothing_gets_empty_lists(session):
    home = summary_for(session, make_person(session, name="New Hire"))
    assert (home.key_accounts.total, home.follow_ups.total, home.closing_this_month.total,
            home.plans_at_risk.total) == (0, 0, 0, 0)


def big_book(session, rep, *, accounts: int, follow_ups: int):
    made = [make_account(session, name=f"{rep.name} {n:03}", owner=rep, computed_tier=Tier.key) for n in range(accounts)]
    for n in range(follow_ups):
        make_follow_up(session, account=made[n % accounts], due_on=TODAY - timedelta(days=n % 5))
    for account in made[: accounts // 2]:
        make_interaction(session, account=account, occurred_at=days_ago(30))
        reviewed_plan(session, account, actions=[{"due_date": TODAY - timedelta(days=2)}])
        make_opportunity(session, account=account, expected_close_date=TODAY)


def test_big_books_are_capped_with_full_counts_in_the_same_number_of_queries(session):
    manager = make_person(session, role=Role.manager)
    small_rep, big_rep = make_person(session, manager=manager), make_person(session, manager=manager)
    big_book(session, small_rep, accounts=3, follow_ups=2)
    big_book(session, big_rep, accounts=300, follow_ups=200)

    home = summary_for(session, big_rep)
    assert (len(home.key_accounts.items), home.key_accounts.total) == (8, 300)
    assert (len(home.follow_ups.items), home.follow_ups.total) == (8, 200)
    assert (len(home.closing_this_month.items), home.closing_this_month.total) == (8, 150)
    assert (len(home.plans_at_risk.items), home.plans_at_risk.total) == (8, 150)
    team = summary_for(session, manager).team_past_cadence
    assert (len(team.items), team.total) == (5, 303)

    session.expunge_all()
    small = count_statements(session, lambda: summary_for(session, small_rep))
    session.expunge_all()
    big = count_statements(session, lambda: summary_for(session, big_rep))
    assert big == small  # grouped queries: no query per account or follow-up


@pytest.fixture
def rep_with_follow_ups(session):
    rep = make_person(session, name="Ray Rep")
    account = make_account(session, name="Acme", owner=rep)
    return rep, {due: make_follow_up(session, account=account, due_on=TODAY + timedelta(days=due))
                 for due in (-3, 0, 5)}


@pytest.mark.parametrize(("due", "snoozed_to"), [(-3, TODAY + timedelta(days=1)), (0, TODAY + timedelta(days=1)),
                                                 (5, TODAY + timedelta(days=6))])
def test_snoozing_moves_the_due_date_a_day_past_today_or_past_its_due_date(session, rep_with_follow_ups, due,
                                                                           snoozed_to):
    rep, follow_ups = rep_with_follow_ups
    snoozed = snooze_follow_up(session, actor=Actor.of(rep), follow_up_id=follow_ups[due].id, days=1, now=NOW,
                               today=TODAY)
    assert snoozed.due_on == snoozed_to and snoozed.version == 2
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "snooze_follow_up")).one()
    assert audit.entity_id == follow_ups[due].id and audit.actor_id == rep.id


def test_snoozing_refuses_a_stale_version_a_stranger_and_zero_days(session, rep_with_follow_ups):
    rep, follow_ups = rep_with_follow_ups
    target = follow_ups[0]
    stale = target.version
    snooze_follow_up(session, actor=Actor.of(rep), follow_up_id=target.id, days=1, now=NOW, expected_version=stale)
    with pytest.raises(Conflict):
        snooze_follow_up(session, actor=Actor.of(rep), follow_up_id=target.id, days=1, now=NOW,
                         expected_version=stale)
    with pytest.raises(Forbidden):
        snooze_follow_up(session, actor=Actor.of(make_person(session)), follow_up_id=target.id, days=1, now=NOW)
    with pytest.raises(InvalidInput):
        snooze_follow_up(session, actor=Actor.of(rep), follow_up_id=target.id, days=0, now=NOW)
