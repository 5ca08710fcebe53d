"""/kam plan in one statement after the request's preamble: the account with its owner and account team,
its current plan with the sponsor, objectives, open actions with their owners and the latest reviews."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam_core.accounts.models import AccountTeamMember
from kam_core.actors import Actor
from kam_core.enums import ActionStatus, PlanHealth, Role, TeamRole, Tier
from kam_core.errors import Forbidden, NotFound
from kam_core.plans.models import PlanReview
from kam_core.plans.service import account_plan
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import make_account, make_plan, make_person, make_team

TODAY = date(2026, 6, 1)
POLICY = Policy(visibility="team")


def read(session, person, account_id):
    """The view, and the statements it took."""
    seen = []
    count = count_statements(session, lambda: seen.append(account_plan(
        session, actor=Actor.of(person), account_id=account_id, policy=POLICY, today=TODAY)))
    return seen[0], count


@pytest.fixture
def acme(session):
    mia, alice, bob = make_team(session)
    carl = make_person(session, name="Carl Engineer", team="north")
    acme = make_account(session, name="Acme", owner=alice, computed_tier=Tier.key)
    session.add(AccountTeamMember(account_id=acme.id, person=carl, role=TeamRole.solution_engineer))
    make_plan(session, account=acme, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), focus="Last year")
    make_plan(session, account=acme, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), focus="Next year")
    plan = make_plan(
        session, account=acme, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), focus="Grow usage",
        value_proposition="Fewer outages", executive_sponsor=mia,
        last_reviewed_at=datetime(2026, 5, 20, 12, tzinfo=UTC),
        objectives=[{"description": "Revenue 2026", "target": 1_000_000, "actual": 400_000, "unit": "USD"},
                    {"description": "Executive meetings", "target": 12, "actual": "1.4", "unit": "meetings"}],
        actions=[{"description": "Undated follow-up"},
                 {"description": "Quarterly review", "owner": bob, "due_date": date(2026, 9, 1)},
                 {"description": "Send proposal", "owner": carl, "due_date": date(2026, 6, 10),
                  "status": ActionStatus.in_progress},
                 {"description": "Fix the SLA", "owner": bob, "due_date": date(2026, 5, 1)},
                 {"description": "Done already", "owner": bob, "due_date": date(2026, 4, 1),
                  "status": ActionStatus.done}])
    for day, reviewer, notes in ((date(2026, 2, 1), mia, "first"), (date(2026, 3, 1), mia, "second"),
                                 (date(2026, 4, 1), None, "third"), (date(2026, 5, 20), mia, "fourth")):
        session.add(PlanReview(plan=plan, reviewed_on=day, reviewer=reviewer, notes=notes,
                               customer_view="happy" if notes == "fourth" else None,
                               created_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC)))
    other = make_account(session, name="Globex", owner=alice)
    make_plan(session, account=other, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
              objectives=[{"description": "Globex objective"}], actions=[{"description": "Globex action"}])
    session.flush()
    return acme, plan, {"mia": mia, "alice": alice, "bob": bob, "carl": carl}


def test_the_current_plan_with_everything_it_shows_takes_one_statement(session, acme):
    account, plan, people = acme
    shown, count = read(session, people["carl"], account.id)
    assert count == 1
    view = shown.plan
    assert (shown.account_id, shown.account_name, shown.tier) == (account.id, "Acme", Tier.key)
    assert (view.plan_id, view.period_start, view.period_end, view.focus, view.value_proposition) == (
        plan.id, date(2026, 1, 1), date(2026, 12, 31), "Grow usage", "Fewer outages")
    assert (view.executive_sponsor, view.executive_sponsor_id, view.last_reviewed_at, view.tier) == (
        "Mia Manager", people["mia"].id, datetime(2026, 5, 20, 12, tzinfo=UTC), Tier.key)
    assert [(o.description, o.target, o.actual, o.unit, o.countable, o.progress) for o in view.objectives] == [
        ("Revenue 2026", Decimal("1000000.00"), Decimal("400000.00"), "USD", False, 0.4),
        ("Executive meetings", Decimal("12"), Decimal("1"), "meetings", True, round(1 / 12, 6)),
    ]
    assert [(a.description, a.owner_name, a.due_date, a.status) for a in view.actions] == [
        ("Fix the SLA", "Bob Rep", date(2026, 5, 1), ActionStatus.open),
        ("Send proposal", "Carl Engineer", date(2026, 6, 10), ActionStatus.in_progress),
        ("Quarterly review", "Bob Rep", date(2026, 9, 1), ActionStatus.open),
        ("Undated follow-up", None, None, ActionStatus.open),
    ]
    assert [a.description for a in view.overdue_actions] == ["Fix the SLA"]
    assert [a.description for a in view.upcoming_actions] == ["Send proposal"]
    assert view.actions[0].owner_email == people["bob"].email and view.actions[0].version == 1
    assert [(r.reviewed_on, r.reviewer_name, r.notes, r.customer_view) for r in view.reviews] == [
        (date(2026, 5, 20), "Mia Manager", "fourth", "happy"),
        (date(2026, 4, 1), None, "third", None),
        (date(2026, 3, 1), "Mia Manager", "second", None),
    ]
    # One overdue action: at risk. The meetings (1 of 12) trail the elapsed 41% of the year by over 25 points.
    assert view.health.status == PlanHealth.at_risk
    assert [(r.code, r.severity, r.params) for r in view.health.reasons] == [
        ("overdue_actions", PlanHealth.at_risk, {"count": 1, "oldest_days": 31}),
        ("objective_behind", PlanHealth.at_risk,
         {"description": "Executive meetings", "progress": round(1 / 12, 6), "expected": round(151 / 364, 6)}),
    ]
    assert (view.may_edit, view.may_review) == (True, False)  # on the account team; not management


def test_the_viewers_rights_come_from_the_same_statement(session, acme):
    account, _, people = acme
    managers, count = read(session, people["mia"], account.id)
    assert count == 1 and (managers.plan.may_edit, managers.plan.may_review) == (True, True)
    reps, count = read(session, people["bob"], account.id)
    assert count == 1 and (reps.plan.may_edit, reps.plan.may_review) == (False, False)


def test_an_account_without_a_plan_says_who_may_write_one_in_one_statement(session, acme):
    _, _, people = acme
    bare = make_account(session, name="Initech", owner=people["alice"])
    owners, count = read(session, people["alice"], bare.id)
    assert count == 1 and (owners.account_name, owners.tier, owners.plan, owners.may_create) == (
        "Initech", Tier.general, None, True)
    reps, count = read(session, people["bob"], bare.id)
    assert count == 1 and (reps.plan, reps.may_create) == (None, False)


def test_an_unknown_or_hidden_account_is_refused(session, acme):
    account, _, _ = acme
    outsider = make_person(session, name="Olga Outsider", team="west", role=Role.rep)
    with pytest.raises(NotFound):
        account_plan(session, actor=Actor.of(outsider), account_id=999_999, policy=POLICY, today=TODAY)
    with pytest.raises(Forbidden):
        account_plan(session, actor=Actor.of(outsider), account_id=account.id, policy=POLICY, today=TODAY)
