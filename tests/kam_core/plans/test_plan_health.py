"""Plan health rules, as tables of facts → status and reasons. Plans are built in memory."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from kam_core.enums import ActionStatus, PlanHealth
from kam_core.plans.health import HealthReason, assess
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective
from kam_core.policy import PlanHealthPolicy
from templates import environment

POLICY = PlanHealthPolicy()  # 1/3 overdue actions, 90/180 review days, 0.25/0.5 gaps, 30 days first-review grace
START, END = date(2026, 1, 1), date(2026, 12, 31)  # 364 days from start to end
TODAY = date(2026, 7, 2)  # 182 days in: exactly half the period has passed
RECENT_REVIEW = datetime(2026, 6, 1, tzinfo=UTC)
ON_PACE = {"target": 100, "actual": 50}


def plan(*, objectives=(), actions=(), reviewed=RECENT_REVIEW, start=START, end=END) -> AccountPlan:
    return AccountPlan(
        period_start=start, period_end=end, last_reviewed_at=reviewed,
        objectives=[PlanObjective(description=o.get("description", "Revenue"), target=Decimal(o["target"]),
                                  actual=Decimal(o["actual"])) for o in objectives],
        actions=[PlanAction(description="Call", due_date=due, status=status) for due, status in actions],
    )


def overdue(days: int, status=ActionStatus.open):
    return (TODAY - timedelta(days=days), status)


def codes(assessment) -> list[str]:
    return [r.code for r in assessment.reasons]


def test_a_plan_on_pace_recently_reviewed_is_on_track():
    result = assess(plan(objectives=[ON_PACE]), today=TODAY, policy=POLICY)
    assert result.status == PlanHealth.on_track
    assert result.reasons == []


@pytest.mark.parametrize(("actions", "status", "params"), [
    ([(TODAY, ActionStatus.open)], PlanHealth.on_track, None),  # due today is not late yet
    ([overdue(1)], PlanHealth.at_risk, {"count": 1, "oldest_days": 1}),
    ([overdue(40), overdue(3, ActionStatus.in_progress)], PlanHealth.at_risk, {"count": 2, "oldest_days": 40}),
    ([overdue(40), overdue(3), overdue(2)], PlanHealth.off_track, {"count": 3, "oldest_days": 40}),
    ([overdue(40, ActionStatus.done), overdue(3, ActionStatus.cancelled)], PlanHealth.on_track, None),
    ([(None, ActionStatus.open)], PlanHealth.on_track, None),  # no due date, never overdue
])
def test_overdue_actions(actions, status, params):
    result = assess(plan(objectives=[ON_PACE], actions=actions), today=TODAY, policy=POLICY)
    assert result.status == status
    if params is None:
        assert result.reasons == []
    else:
        assert result.reasons == [HealthReason(code="overdue_actions", severity=status, params=params)]


@pytest.mark.parametrize(("actual", "status"), [
    ("25", PlanHealth.on_track),    # gap 0.25: exactly at the margin is not behind
    ("24", PlanHealth.at_risk),     # gap 0.26
    ("1", PlanHealth.at_risk),      # gap 0.49
    ("0", PlanHealth.at_risk),      # gap 0.50: exactly at the off-track margin
    ("120", PlanHealth.on_track),   # ahead of pace
])
def test_objective_progress_against_the_elapsed_half_of_the_period(actual, status):
    result = assess(plan(objectives=[{"description": "Grow spend", "target": 100, "actual": actual}]),
                    today=TODAY, policy=POLICY)
    assert result.status == status
    if status != PlanHealth.on_track:
        assert result.reasons == [HealthReason(code="objective_behind", severity=status, params={
            "description": "Grow spend", "progress": float(Decimal(actual) / 100), "expected": 0.5})]


def test_an_objective_far_behind_late_in_the_period_is_off_track():
    late = START + timedelta(days=273)  # three quarters of 364 days
    result = assess(plan(objectives=[{"target": 100, "actual": 20}]), today=late, policy=POLICY)
    assert result.status == PlanHealth.off_track
    assert result.reasons[0].params == {"description": "Revenue", "progress": 0.2, "expected": 0.75}


def test_an_objective_without_a_target_is_not_measured():
    assert assess(plan(objectives=[{"target": 0, "actual": 0}]), today=TODAY, policy=POLICY).reasons == []


@pytest.mark.parametrize(("days_ago", "status"), [
    (90, PlanHealth.on_track),
    (91, PlanHealth.at_risk),
    (180, PlanHealth.at_risk),
    (181, PlanHealth.off_track),
])
def test_review_staleness(days_ago, status):
    reviewed = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)
    result = assess(plan(objectives=[ON_PACE], reviewed=reviewed), today=TODAY, policy=POLICY)
    assert result.status == status
    if status != PlanHealth.on_track:
        assert result.reasons == [HealthReason(code="review_stale", severity=status, params={"days": days_ago})]


@pytest.mark.parametrize(("days_in", "status"), [
    (-5, PlanHealth.on_track),   # not started yet
    (30, PlanHealth.on_track),   # the grace for a first review
    (31, PlanHealth.at_risk),
    (180, PlanHealth.at_risk),
    (181, PlanHealth.off_track),
])
def test_a_plan_never_reviewed(days_in, status):
    today = START + timedelta(days=days_in)
    result = assess(plan(reviewed=None), today=today, policy=POLICY)
    assert result.status == status
    if status != PlanHealth.on_track:
        assert result.reasons == [HealthReason(code="never_reviewed", severity=status, params={"days": days_in})]


def test_a_plan_whose_period_ended_is_at_risk_and_judged_on_its_final_results():
    after = END + timedelta(days=10)
    reviewed = datetime(2026, 12, 1, tzinfo=UTC)
    met = assess(plan(objectives=[{"target": 100, "actual": 100}], reviewed=reviewed), today=after, policy=POLICY)
    assert met.status == PlanHealth.at_risk
    assert met.reasons == [HealthReason(code="period_ended", severity=PlanHealth.at_risk,
                                        params={"ended_on": "2026-12-31", "days": 10})]

    missed = assess(plan(objectives=[{"target": 100, "actual": 40}], reviewed=reviewed), today=after, policy=POLICY)
    assert missed.status == PlanHealth.off_track
    assert codes(missed) == ["objective_behind", "period_ended"]
    assert missed.reasons[0].params["expected"] == 1.0


def test_on_the_last_day_the_period_has_not_ended():
    result = assess(plan(objectives=[{"target": 100, "actual": 100}], reviewed=datetime(2026, 12, 1, tzinfo=UTC)),
                    today=END, policy=POLICY)
    assert result.status == PlanHealth.on_track


def test_the_worst_reason_wins_and_every_reason_is_listed():
    result = assess(
        plan(objectives=[{"target": 100, "actual": 0}, {"target": 100, "actual": 20}, ON_PACE],
             actions=[overdue(5)], reviewed=datetime(2026, 3, 1, tzinfo=UTC)),
        today=TODAY, policy=POLICY,
    )
    assert result.status == PlanHealth.at_risk  # each reason alone is at risk
    assert codes(result) == ["overdue_actions", "objective_behind", "objective_behind", "review_stale"]

    worse = assess(plan(actions=[overdue(5)] * 3, reviewed=RECENT_REVIEW), today=TODAY, policy=POLICY)
    mixed = assess(plan(objectives=[{"target": 100, "actual": 10}], actions=[overdue(5)] * 3,
                        reviewed=datetime(2026, 3, 1, tzinfo=UTC)), today=TODAY, policy=POLICY)
    assert worse.status == mixed.status == PlanHealth.off_track
    assert [r.severity for r in mixed.reasons] == [PlanHealth.off_track, PlanHealth.at_risk, PlanHealth.at_risk]


def test_thresholds_come_from_the_policy():
    lenient = PlanHealthPolicy(at_risk_overdue_actions=2, off_track_overdue_actions=5)
    assert assess(plan(actions=[overdue(5)]), today=TODAY, policy=lenient).status == PlanHealth.on_track


@pytest.mark.parametrize(("reason", "text"), [
    (HealthReason(code="overdue_actions", severity="off_track", params={"count": 3, "oldest_days": 40}),
     "3 actions are overdue, the oldest by 40 days."),
    (HealthReason(code="overdue_actions", severity="at_risk", params={"count": 1, "oldest_days": 1}),
     "1 action is overdue, the oldest by 1 day."),
    (HealthReason(code="objective_behind", severity="at_risk",
                  params={"description": "Grow spend", "progress": 0.2, "expected": 0.6}),
     "“Grow spend” is at 20.0% of target; 60.0% of the period has passed."),
    (HealthReason(code="review_stale", severity="at_risk", params={"days": 120}), "Last reviewed 120 days ago"),
    (HealthReason(code="never_reviewed", severity="at_risk", params={"days": 45}), "Never reviewed, 45 days into"),
    (HealthReason(code="period_ended", severity="at_risk", params={"ended_on": "2026-12-31", "days": 10}),
     "The plan period ended on 2026-12-31 (10 days ago); write the next plan."),
])
def test_every_reason_has_wording(reason, text):
    wording = environment().get_template("plan_reasons.j2").module
    assert text in str(wording.describe(reason))
    assert str(getattr(wording, reason.code)(**reason.params)) == str(wording.describe(reason))
