"""The ranking behind /kam mine, /kam team and the App Home's key accounts, and its pages."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from kam_core.accounts.attention import attention_page, leads_a_team, my_accounts
from kam_core.accounts.home import home_summary
from kam_core.accounts.schemas import AttentionScope
from kam_core.actors import Actor
from kam_core.enums import FollowUpStatus, Role, Tier
from kam_core.policy import Policy
from tests.factories import make_account, make_follow_up, make_interaction, make_person, make_plan
from tests.conftest import count_statements

TODAY = date(2026, 11, 20)
POLICY = Policy()


def touched(session, account, days_ago: int) -> None:
    make_interaction(session, account=account, occurred_at=datetime.combine(TODAY - timedelta(days=days_ago),
                                                                            time(10), tzinfo=UTC))


def account(session, rep, name: str, tier: Tier, *, days_ago: int | None = None, overdue_by: int | None = None):
    made = make_account(session, name=name, owner=rep, computed_tier=tier)
    if days_ago is not None:
        touched(session, made, days_ago)
    if overdue_by is not None:
        make_follow_up(session, account=made, due_on=TODAY - timedelta(days=overdue_by))
    return made


@pytest.fixture
def book(session):
    """Issue #14's rep: 21 accounts; the top key account, touched lately, has a follow-up 74 days overdue."""
    rep = make_person(session, name="Ray Rep")
    account(session, rep, "Top Key", Tier.key, days_ago=3, overdue_by=74)
    account(session, rep, "Never Touched Key", Tier.key)
    for n in range(12):  # a few days past the 90-day cadence
        account(session, rep, f"General {n:02}", Tier.general, days_ago=93 + n % 3)
    for n in range(3):  # five days past the 30-day cadence
        account(session, rep, f"Important {n}", Tier.important, days_ago=35)
    for n in range(4):
        account(session, rep, f"Fine {n}", Tier.general, days_ago=10)
    return rep


def names(items) -> list[str]:
    return [i.name for i in items]


def test_a_key_account_with_a_long_overdue_follow_up_leads_accounts_a_little_past_cadence(session, book):
    ranked = my_accounts(session, actor=Actor.of(book), policy=POLICY, today=TODAY, limit=None)
    assert names(ranked)[:5] == ["Top Key", "Never Touched Key", "Important 0", "Important 1", "Important 2"]
    top = ranked[0]
    assert (top.band, top.days_late, top.overdue_follow_ups, top.oldest_overdue_days) == (1, 74, 1, 74)
    assert top.reasons == ["overdue_follow_ups"]
    # Then the generals, most days late first; those with nothing wrong last.
    assert names(ranked)[5:9] == ["General 02", "General 05", "General 08", "General 11"]
    assert names(ranked)[-4:] == ["Fine 0", "Fine 1", "Fine 2", "Fine 3"]
    assert [i.band for i in ranked] == [1, 1] + [2] * 15 + [3] * 4


def test_a_late_promise_comes_before_cadence_and_within_a_band_key_then_important_then_general(session):
    rep = make_person(session)
    account(session, rep, "General promise", Tier.general, days_ago=1, overdue_by=2)
    account(session, rep, "Important quiet", Tier.important, days_ago=200)
    account(session, rep, "Key quiet", Tier.key, days_ago=15)
    account(session, rep, "Important promise", Tier.important, days_ago=1, overdue_by=1)
    at_risk = account(session, rep, "Important at risk", Tier.important, days_ago=1)
    make_plan(session, account=at_risk, last_reviewed_at=datetime(2026, 11, 1, tzinfo=UTC),
              actions=[{"due_date": TODAY - timedelta(days=3)}])
    off_track = account(session, rep, "Important off track", Tier.important, days_ago=1)
    make_plan(session, account=off_track, last_reviewed_at=datetime(2026, 1, 1, tzinfo=UTC))
    done = account(session, rep, "Promise kept", Tier.general, days_ago=1)
    make_follow_up(session, account=done, due_on=TODAY - timedelta(days=9), status=FollowUpStatus.done)
    make_follow_up(session, account=done, due_on=TODAY)  # due today is not late
    ranked = my_accounts(session, actor=Actor.of(rep), policy=POLICY, today=TODAY)
    assert names(ranked) == ["Key quiet", "Important promise", "General promise", "Important quiet",
                             "Important off track", "Important at risk", "Promise kept"]
    assert ranked[-1].reasons == [] and ranked[-1].overdue_follow_ups == 0


def test_pages_of_ten_cover_the_whole_list_once_and_say_how_many_more(session, book):
    actor = Actor.of(book)
    pages = [attention_page(session, actor=actor, policy=POLICY, today=TODAY, offset=offset) for offset in (0, 10, 20)]
    assert [(len(p.items), p.first, p.last, p.more) for p in pages] == [(10, 1, 10, 11), (10, 11, 20, 1),
                                                                      (1, 21, 21, 0)]
    assert [(p.previous_offset, p.next_offset) for p in pages] == [(None, 10), (0, 20), (10, None)]
    assert {(p.total, p.needing_attention) for p in pages} == {(21, 17)}
    everything = my_accounts(session, actor=actor, policy=POLICY, today=TODAY, limit=None)
    assert [i for p in pages for i in p.items] == everything
    past_the_end = attention_page(session, actor=actor, policy=POLICY, today=TODAY, offset=500)
    assert (past_the_end.offset, names(past_the_end.items)) == (20, ["Fine 3"])


def test_a_manager_s_team_is_their_reports_accounts_and_their_own(session):
    manager = make_person(session, role=Role.manager, name="Mia Manager")
    alice, bob = make_person(session, name="Alice", manager=manager), make_person(session, name="Bob", manager=manager)
    stranger = make_person(session, name="Olga", manager=make_person(session, role=Role.manager))
    account(session, alice, "Alice's quiet key", Tier.key, days_ago=40)
    account(session, bob, "Bob's late promise", Tier.general, days_ago=1, overdue_by=74)
    account(session, manager, "Mia's own", Tier.important, days_ago=2)
    account(session, stranger, "Olga's", Tier.key)
    page = attention_page(session, actor=Actor.of(manager), policy=POLICY, today=TODAY, scope=AttentionScope.team)
    assert [(i.name, i.owner_name) for i in page.items] == [
        ("Alice's quiet key", "Alice"), ("Bob's late promise", "Bob"), ("Mia's own", "Mia Manager")]
    assert (page.total, page.reports, page.scope) == (3, 2, AttentionScope.team)
    assert names(attention_page(session, actor=Actor.of(manager), policy=POLICY, today=TODAY).items) == ["Mia's own"]
    assert leads_a_team(Actor.of(manager)) and not leads_a_team(Actor.of(alice))


def test_the_home_ranks_key_accounts_the_same_way(session, book):
    key = home_summary(session, actor=Actor.of(book), policy=POLICY, today=TODAY).key_accounts.items
    assert names(key) == ["Top Key", "Never Touched Key"]


@pytest.mark.parametrize("scope", list(AttentionScope))
def test_any_page_of_any_book_takes_the_same_few_statements(session, scope):
    manager = make_person(session, role=Role.manager)
    small, big = make_person(session, manager=manager), make_person(session, manager=manager)
    for rep, size in ((small, 3), (big, 120)):
        for n in range(size):
            made = account(session, rep, f"{rep.name} {n:03}", Tier.key, days_ago=n % 40, overdue_by=n % 7 or None)
            make_plan(session, account=made, last_reviewed_at=datetime(2026, 11, 1, tzinfo=UTC))
    session.expunge_all()

    def page(person, offset):
        return lambda: attention_page(session, actor=Actor.of(person), policy=POLICY, today=TODAY, scope=scope,
                                      offset=offset)

    whose = [(small, 0), (big, 0), (big, 60), *([(manager, 100)] if scope == AttentionScope.team else [])]
    counts = {count_statements(session, page(person, offset)) for person, offset in whose}
    assert len(counts) == 1 and counts.pop() <= 7
