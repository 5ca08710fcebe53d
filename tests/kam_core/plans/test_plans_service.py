from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import ActionStatus, PlanHealth, Role
from kam_core.errors import Conflict, Forbidden, NotFound
from kam_core.plans.models import PlanAction
from kam_core.plans.service import complete_action, plan_health_by_account, plan_status, review_plan
from kam_core.policy import Policy
from tests.factories import make_team, make_account, make_action, make_person, make_plan

TODAY = date(2026, 7, 2)
NOW = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def team(session):
    return make_team(session)


def test_plan_status_shows_the_current_plan_with_its_health(session, team):
    manager, alice, bob = team
    account = make_account(session, name="Acme", owner=alice)
    make_plan(session, account=account, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
              focus="Last year")
    make_plan(
        session, account=account, focus="Grow cloud spend", value_proposition="Cut their close time in half",
        executive_sponsor=manager, last_reviewed_at=datetime(2026, 6, 1, tzinfo=UTC),
        objectives=[{"description": "Cloud revenue", "target": 1000, "actual": 100, "unit": "kUSD"}],
        actions=[
            {"description": "Exec briefing", "owner": alice, "due_date": TODAY - timedelta(days=10)},
            {"description": "Workshop", "owner": bob, "due_date": TODAY + timedelta(days=5)},
            {"description": "QBR", "owner": alice, "due_date": TODAY + timedelta(days=45)},
            {"description": "Old intro", "owner": alice, "due_date": TODAY - timedelta(days=90),
             "status": ActionStatus.done},
        ],
    )

    status = plan_status(session, actor=Actor.of(bob), account_id=account.id, policy=POLICY, today=TODAY)

    assert (status.account_name, status.focus, status.executive_sponsor) == ("Acme", "Grow cloud spend", "Mia Manager")
    assert status.health.status == PlanHealth.at_risk  # 10% of target half-way through the year, one action late
    assert [r.code for r in status.health.reasons] == ["overdue_actions", "objective_behind"]
    assert [(o.description, o.progress, o.unit) for o in status.objectives] == [("Cloud revenue", 0.1, "kUSD")]
    assert [(a.description, a.owner_name) for a in status.overdue_actions] == [("Exec briefing", "Alice Rep")]
    assert [(a.description, a.owner_name) for a in status.upcoming_actions] == [("Workshop", "Bob Rep")]


def test_without_a_plan_covering_today_the_latest_one_shows(session, team):
    account = make_account(session, owner=team[1])
    make_plan(session, account=account, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), focus="Old")
    make_plan(session, account=account, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), focus="Ended")

    status = plan_status(session, actor=Actor.of(team[1]), account_id=account.id, policy=POLICY, today=TODAY)

    assert status.focus == "Ended"
    assert "period_ended" in [r.code for r in status.health.reasons]


def test_an_account_without_a_plan_has_no_plan_status(session, team):
    account = make_account(session, owner=team[1])
    assert plan_status(session, actor=Actor.of(team[1]), account_id=account.id, policy=POLICY, today=TODAY) is None
    with pytest.raises(NotFound):
        plan_status(session, actor=Actor.of(team[1]), account_id=999_999, policy=POLICY, today=TODAY)


def test_plan_health_for_many_accounts_takes_a_fixed_number_of_queries(session, engine, team):
    accounts = [make_account(session, owner=team[1]) for _ in range(6)]
    for account in accounts[:5]:
        make_plan(session, account=account, last_reviewed_at=datetime(2026, 6, 1, tzinfo=UTC),
                  objectives=[{"target": 100, "actual": 50}],
                  actions=[{"due_date": TODAY - timedelta(days=3)}, {"due_date": TODAY + timedelta(days=3)}])
    make_action(session, plan=make_plan(session, account=accounts[0], period_start=date(2025, 1, 1),
                                        period_end=date(2025, 12, 31)), due_date=date(2025, 3, 1))
    session.expunge_all()

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        health = plan_health_by_account(session, [a.id for a in accounts], policy=POLICY, today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert len(statements) == 3  # plans, their objectives, their actions
    assert set(health) == {a.id for a in accounts[:5]}
    assert {h.status for h in health.values()} == {PlanHealth.at_risk}
    assert health[accounts[0].id].reasons[0].params == {"count": 1, "oldest_days": 3}


def plan_with_action(session, account_owner, action_owner):
    plan = make_plan(session, account=make_account(session, owner=account_owner),
                     last_reviewed_at=datetime(2026, 6, 1, tzinfo=UTC))
    return make_action(session, plan=plan, description="Send proposal", owner=action_owner,
                       due_date=TODAY - timedelta(days=2))


@pytest.mark.parametrize("who", ["action owner", "account owner", "their manager", "admin"])
def test_completing_an_action(session, team, who):
    manager, alice, bob = team
    action = plan_with_action(session, account_owner=alice, action_owner=bob)
    actor = {"action owner": Actor.of(bob), "account owner": Actor.of(alice), "their manager": Actor.of(manager),
             "admin": Actor.system()}[who]

    status = complete_action(session, actor=actor, action_id=action.id, expected_version=1, now=NOW)

    assert status.overdue_actions == []
    assert status.health.status == PlanHealth.on_track
    done = session.get(PlanAction, action.id)
    assert (done.status, done.completed_at, done.version) == (ActionStatus.done, NOW, 2)
    assert session.scalar(select(func.count()).where(AuditEntry.entity == "plan_action",
                                                     AuditEntry.entity_id == action.id)) == 1


def test_someone_outside_the_account_may_not_complete_an_action(session, team):
    _, alice, bob = team
    action = plan_with_action(session, account_owner=alice, action_owner=alice)
    with pytest.raises(Forbidden):
        complete_action(session, actor=Actor.of(bob), action_id=action.id, expected_version=None, now=NOW)


def test_completing_a_done_action_again_changes_nothing(session, team):
    _, alice, _ = team
    action = plan_with_action(session, account_owner=alice, action_owner=alice)
    complete_action(session, actor=Actor.of(alice), action_id=action.id, expected_version=1, now=NOW)
    later = NOW + timedelta(hours=1)

    complete_action(session, actor=Actor.of(alice), action_id=action.id, expected_version=1, now=later)

    done = session.get(PlanAction, action.id)
    assert (done.completed_at, done.version) == (NOW, 2)
    assert session.scalar(select(func.count()).where(AuditEntry.entity == "plan_action",
                                                     AuditEntry.entity_id == action.id)) == 1


def test_completing_with_a_stale_version_names_who_changed_the_action(session, team):
    manager, alice, _ = team
    action = plan_with_action(session, account_owner=alice, action_owner=alice)
    other = make_action(session, plan=action.plan, owner=alice, due_date=TODAY)
    complete_action(session, actor=Actor.of(manager), action_id=other.id, expected_version=1, now=NOW)
    action.status = ActionStatus.in_progress  # someone started it: version 2, audited by Mia
    session.add(AuditEntry(at=NOW, actor_id=manager.id, actor_label=manager.email, action="start_plan_action",
                           entity="plan_action", entity_id=action.id))
    session.flush()

    with pytest.raises(Conflict) as refused:
        complete_action(session, actor=Actor.of(alice), action_id=action.id, expected_version=1, now=NOW)

    assert refused.value.params == {"what": "plan action", "changed_by": "Mia Manager"}
    assert session.get(PlanAction, action.id).status == ActionStatus.in_progress


@pytest.mark.parametrize("who", ["the account owner's manager", "the sponsor", "admin"])
def test_reviewing_a_plan(session, team, who):
    manager, alice, bob = team
    sponsor = make_person(session, name="Sam Sponsor", role=Role.rep, team="exec")
    plan = make_plan(session, account=make_account(session, owner=alice), executive_sponsor=sponsor,
                     period_start=date(2026, 1, 1))
    actor = {"the account owner's manager": Actor.of(manager), "the sponsor": Actor.of(sponsor),
             "admin": Actor.system()}[who]
    assert plan_status(session, actor=actor, account_id=plan.account_id, policy=POLICY,
                       today=TODAY).health.status == PlanHealth.off_track  # never reviewed, 182 days in

    status = review_plan(session, actor=actor, plan_id=plan.id, now=NOW)

    assert (status.last_reviewed_at, status.health.status) == (NOW, PlanHealth.on_track)
    assert [(r.reviewed_on, r.notes) for r in status.reviews] == [(TODAY, "")]
    assert session.scalar(select(func.count()).where(AuditEntry.entity == "plan_review")) == 1


@pytest.mark.parametrize("who", ["the account owner", "another rep", "another team's manager"])
def test_only_management_reviews_a_plan(session, team, who):
    """A review is management's look at the plan: the account owner does not review their own."""
    _, alice, bob = team
    other_manager = make_person(session, role=Role.manager, name="Wes West", team="west")
    plan = make_plan(session, account=make_account(session, owner=alice))
    actor = {"the account owner": alice, "another rep": bob, "another team's manager": other_manager}[who]
    with pytest.raises(Forbidden):
        review_plan(session, actor=Actor.of(actor), plan_id=plan.id, now=NOW)
    assert session.scalar(select(func.count()).where(AuditEntry.entity == "plan_review")) == 0
