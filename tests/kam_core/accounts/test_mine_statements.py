"""/kam mine and /kam team in one statement (kam_core.accounts.attention): every section of a book, the last
touches, overdue follow-ups and the current plan with its objectives and actions, on both back ends."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from kam_core.accounts.attention import attention_page, my_accounts
from kam_core.accounts.models import AccountTeamMember
from kam_core.accounts.schemas import AttentionScope
from kam_core.actors import Actor
from kam_core.enums import ActionStatus, FollowUpStatus, Role, TeamRole, Tier
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import make_account, make_follow_up, make_interaction, make_person, make_plan

TODAY = date(2026, 11, 20)
POLICY = Policy()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def touched(session, account, n: int) -> None:
    make_interaction(session, account=account, occurred_at=datetime.combine(days_ago(n), time(10), tzinfo=UTC))


@pytest.fixture
def book(session):
    manager = make_person(session, role=Role.manager, name="Mia Manager")
    rep = make_person(session, name="Rita Rep", manager=manager)
    make_person(session, name="Ron Rep", manager=manager)
    olga = make_person(session, name="Olga Owner")

    alpha = make_account(session, name="Alpha", owner=rep, computed_tier=Tier.key)
    touched(session, alpha, 20)
    touched(session, alpha, 3)
    make_follow_up(session, account=alpha, due_on=days_ago(10))
    make_follow_up(session, account=alpha, due_on=days_ago(4))
    make_follow_up(session, account=alpha, due_on=TODAY + timedelta(days=1))  # not late
    make_follow_up(session, account=alpha, due_on=days_ago(30), status=FollowUpStatus.done)  # kept
    make_plan(session, account=alpha, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),  # last year's
              objectives=[{"description": "Old goal", "target": 100, "actual": 0}],
              actions=[{"due_date": date(2025, 6, 1)}] * 3)
    make_plan(session, account=alpha, last_reviewed_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
              objectives=[{"description": "Revenue", "target": "12.5", "actual": "1.25", "unit": "M EUR"},
                          {"description": "NPS", "target": 50, "actual": 45, "unit": "NPS"}],
              actions=[{"due_date": days_ago(5)}, {"due_date": days_ago(30), "status": ActionStatus.done},
                       {"due_date": None, "status": ActionStatus.in_progress}])

    beta = make_account(session, name="Beta", owner=rep, computed_tier=Tier.important)
    touched(session, beta, 40)
    make_plan(session, account=beta, last_reviewed_at=datetime.combine(days_ago(100), time(9), tzinfo=UTC))

    gamma = make_account(session, name="Gamma", owner=olga, computed_tier=Tier.general)  # rep on its team
    session.add(AccountTeamMember(account_id=gamma.id, person_id=rep.id, role=TeamRole.customer_support))
    touched(session, gamma, 5)

    delta = make_account(session, name="Delta", owner=rep, computed_tier=Tier.general, tier_override=Tier.key)
    make_plan(session, account=delta, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31))

    make_account(session, name="Someone Else's", owner=olga)
    session.flush()
    session.expunge_all()
    return manager, rep


def summary(item) -> tuple:
    plan = item.plan_health
    return (item.name, item.tier, item.owner_name, item.band, item.days_late, item.days_since_touch,
            item.cadence_days, item.overdue_follow_ups, item.oldest_overdue_days, item.reasons,
            plan and plan.status.value, plan and [(r.code, r.severity.value, r.params) for r in plan.reasons])


EXPECTED = [
    ("Delta", Tier.key, "Rita Rep", 1, 14, None, 14, 0, None, ["stale"], "on_track", []),
    ("Alpha", Tier.key, "Rita Rep", 1, 10, 3, 14, 2, 10, ["overdue_follow_ups", "plan_off_track"], "off_track", [
        ("overdue_actions", "at_risk", {"count": 1, "oldest_days": 5}),
        ("objective_behind", "off_track", {"description": "Revenue", "progress": 0.1, "expected": 0.887363}),
    ]),
    ("Beta", Tier.important, "Rita Rep", 2, 10, 40, 30, 0, None, ["stale", "plan_at_risk"], "at_risk", [
        ("review_stale", "at_risk", {"days": 100})]),
    ("Gamma", Tier.general, "Olga Owner", 3, 0, 5, 90, 0, None, [], None, None),
]


def test_a_page_of_mine_is_one_statement_with_every_section(session, book):
    _, rep = book
    pages = []
    assert count_statements(session, lambda: pages.append(attention_page(
        session, actor=Actor.of(rep), policy=POLICY, today=TODAY))) == 1
    page = pages[0]
    assert [summary(i) for i in page.items] == EXPECTED
    assert (page.total, page.needing_attention, page.offset, page.reports) == (4, 3, 0, None)


def test_the_second_page_and_the_homes_list_are_one_statement_too(session, book):
    _, rep = book
    pages, home = [], []
    assert count_statements(session, lambda: pages.append(attention_page(
        session, actor=Actor.of(rep), policy=POLICY, today=TODAY, offset=2, page_size=2))) == 1
    assert [summary(i) for i in pages[0].items] == EXPECTED[2:]
    assert count_statements(session, lambda: home.append(my_accounts(
        session, actor=Actor.of(rep), policy=POLICY, today=TODAY, limit=2))) == 1
    assert [summary(i) for i in home[0]] == EXPECTED[:2]


def test_a_managers_team_page_with_the_count_of_reports_is_one_statement(session, book):
    manager, _ = book
    pages = []
    assert count_statements(session, lambda: pages.append(attention_page(
        session, actor=Actor.of(manager), policy=POLICY, today=TODAY, scope=AttentionScope.team))) == 1
    page = pages[0]
    assert [i.name for i in page.items] == ["Delta", "Alpha", "Beta"]  # Gamma is Olga's: not the team's
    assert (page.total, page.needing_attention, page.reports) == (3, 3, 2)


def test_a_manager_without_accounts_still_hears_how_many_report_to_them(session, book):
    lonely = make_person(session, role=Role.manager, name="Lone Manager")
    make_person(session, name="Newcomer", manager=lonely)
    page = attention_page(session, actor=Actor.of(lonely), policy=POLICY, today=TODAY, scope=AttentionScope.team)
    assert (page.items, page.total, page.reports) == ([], 0, 1)
