"""A plan's history (kam_core.plans.history): reviews and audited changes, newest first, as data."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.errors import Forbidden
from kam_core.plans.editing import add_action, add_objective, create_plan, record_review, update_action, update_plan
from kam_core.plans.history import plan_history
from kam_core.plans.schemas import ActionChanges, PlanChanges
from kam_core.policy import Policy
from tests.factories import make_account, make_person, make_team

POLICY = Policy()


def test_the_history_lists_reviews_and_changes_newest_first(session):
    manager, alice, bob = make_team(session)
    account = make_account(session, name="Acme", owner=alice, tier_override=Tier.key)
    now = utcnow()
    at = {"now": now, "today": now.date(), "policy": POLICY}
    me = Actor.of(alice)
    plan_id = create_plan(session, actor=me, account_id=account.id, period_start=date(2026, 1, 1),
                          period_end=date(2026, 12, 31), **at).plan_id
    add_objective(session, actor=me, plan_id=plan_id, description="Cloud seats", lever=Lever.raise_usage,
                  target=Decimal(100), unit="seats", **at)
    due = now.date() + timedelta(days=3)
    action = add_action(session, actor=me, plan_id=plan_id, description="Call the CFO", owner_id=alice.id,
                        due_date=due, **at).actions[0]
    update_action(session, actor=me, action_id=action.id, expected_version=action.version,
                  changes=ActionChanges(due_date=due + timedelta(days=7), owner_id=bob.id), **at)
    update_plan(session, actor=me, plan_id=plan_id, changes=PlanChanges(executive_sponsor_id=manager.id,
                                                                        focus="Cloud"), **at)
    later = {**at, "now": now + timedelta(seconds=5)}
    record_review(session, actor=Actor.of(manager), plan_id=plan_id, reviewed_on=now.date(), notes="Good start",
                  customer_view="They like the new portal", **later)

    history = plan_history(session, actor=Actor.of(bob), plan_id=plan_id, policy=POLICY)

    assert (history.account_name, history.more) == ("Acme", False)
    assert [(e.kind, e.who) for e in history.entries] == [
        ("review", "Mia Manager"),
        ("plan_sponsor_changed", "Alice Rep"), ("plan_changed", "Alice Rep"),
        ("action_rescheduled", "Alice Rep"), ("action_assigned", "Alice Rep"),
        ("action_added", "Alice Rep"), ("objective_added", "Alice Rep"), ("plan_created", "Alice Rep"),
    ]
    review, sponsor, focus, rescheduled, assigned, added, objective, created = history.entries
    assert review.params == {"reviewed_on": now.date(), "notes": "Good start",
                             "customer_view": "They like the new portal"}
    assert sponsor.params == {"old": None, "new": "Mia Manager"}
    assert focus.params == {"field": "focus", "old": None, "new": "Cloud"}
    assert rescheduled.params == {"description": "Call the CFO", "old": due, "new": due + timedelta(days=7)}
    assert assigned.params == {"description": "Call the CFO", "old": "Alice Rep", "new": "Bob Rep"}
    assert added.params == {"description": "Call the CFO", "owner": "Alice Rep", "due_date": due}
    assert objective.params == {"description": "Cloud seats", "lever": "raise_usage", "target": "100",
                                "unit": "seats"}
    assert created.params == {"period_start": "2026-01-01", "period_end": "2026-12-31"}


def test_completing_and_reopening_read_as_such_and_the_history_is_paged_by_limit(session):
    manager, alice, _ = make_team(session)
    account = make_account(session, owner=alice, tier_override=Tier.key)
    now = datetime(2026, 7, 2, 10, tzinfo=UTC)
    at = {"now": now, "today": now.date(), "policy": POLICY}
    me = Actor.of(alice)
    plan_id = create_plan(session, actor=me, account_id=account.id, period_start=date(2026, 1, 1),
                          period_end=date(2026, 12, 31), **at).plan_id
    action = add_action(session, actor=me, plan_id=plan_id, description="Send the proposal", owner_id=None,
                        due_date=None, **at).actions[0]
    for status in (ActionStatus.done, ActionStatus.open, ActionStatus.cancelled):
        update_action(session, actor=me, action_id=action.id, expected_version=None,
                      changes=ActionChanges(status=status), **at)

    history = plan_history(session, actor=me, plan_id=plan_id, policy=POLICY, limit=3)

    assert [e.kind for e in history.entries] == ["action_cancelled", "action_reopened", "action_completed"]
    assert history.more is True


def test_with_team_visibility_another_team_does_not_see_the_history(session):
    _, alice, _ = make_team(session)
    outsider = make_person(session, name="Will West", team="west")
    account = make_account(session, owner=alice, tier_override=Tier.key)
    now = utcnow()
    plan_id = create_plan(session, actor=Actor.of(alice), account_id=account.id, period_start=date(2026, 1, 1),
                          period_end=date(2026, 12, 31), now=now, today=now.date(), policy=POLICY).plan_id
    with pytest.raises(Forbidden):
        plan_history(session, actor=Actor.of(outsider), plan_id=plan_id, policy=Policy(visibility="team"))
