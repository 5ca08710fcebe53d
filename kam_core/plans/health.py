"""Plan health (on track / at risk / off track), derived from the plan's facts (KAM_DOMAIN.md §5).

Each rule yields reasons, each with its own severity; the worst severity is the
plan's status and every reason is listed, so a reader sees all that is wrong.
Thresholds come from PlanHealthPolicy.

- overdue_actions: open or in-progress actions whose due date is before today.
  At least `at_risk_overdue_actions` of them → at risk; at least
  `off_track_overdue_actions` → off track. Actions without a due date are never overdue.
- objective_behind: progress = actual / target, of the figures as shown (whole numbers for a
  countable unit, kam_core.plans.units); expected = the elapsed share of
  the plan period (0 before the start, 1 from the end date on). An objective is
  behind when expected − progress exceeds `at_risk_progress_gap` (at risk) or
  `off_track_progress_gap` (off track); a gap exactly at a margin is not behind.
  Objectives with a target of zero or less have nothing to measure and are skipped.
- review_stale: the last review is more than `at_risk_review_days` days old →
  at risk; more than `off_track_review_days` → off track.
- never_reviewed: a plan never reviewed is judged as if reviewed on its start
  date, after a grace of `first_review_grace_days` for the first review: older
  than the grace → at risk; older than `off_track_review_days` → off track.
  A plan that has not started yet is never stale.
- period_ended: the period is over (today after period_end) → at risk, because
  a key account without a current plan is a gap in itself. The other rules keep
  applying, with expected progress 1, so the plan is also judged on its final results.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel

from kam_core.enums import ActionStatus, PlanHealth
from kam_core.plans.units import shown
from kam_core.policy import PlanHealthPolicy

SEVERITY = {PlanHealth.on_track: 0, PlanHealth.at_risk: 1, PlanHealth.off_track: 2}
PENDING = {ActionStatus.open, ActionStatus.in_progress}


class PlanLike(Protocol):
    """An AccountPlan, or plain rows with the same fields (plans.service.PlanFacts)."""
    period_start: date
    period_end: date
    last_reviewed_at: datetime | None
    objectives: Sequence[Any]  # description, target, actual, unit
    actions: Sequence[Any]  # status, due_date


class HealthReason(BaseModel):
    code: str
    severity: PlanHealth
    # The macro of the same name in templates/plan_reasons.j2 takes these.
    params: dict[str, Any]


class HealthAssessment(BaseModel):
    status: PlanHealth
    reasons: list[HealthReason]


def assess(plan: PlanLike, *, today: date, policy: PlanHealthPolicy) -> HealthAssessment:
    reasons = [
        *_overdue_actions(plan, today, policy),
        *_objectives_behind(plan, today, policy),
        *_review(plan, today, policy),
        *_period_ended(plan, today),
    ]
    status = max((r.severity for r in reasons), key=SEVERITY.__getitem__, default=PlanHealth.on_track)
    return HealthAssessment(status=status, reasons=reasons)


def elapsed_share(plan: PlanLike, today: date) -> Decimal:
    if today >= plan.period_end:
        return Decimal(1)
    if today <= plan.period_start:
        return Decimal(0)
    return Decimal((today - plan.period_start).days) / Decimal((plan.period_end - plan.period_start).days)


def objective_progress(actual: Decimal, target: Decimal, unit: str | None = None) -> Decimal | None:
    """actual / target of the figures a reader is shown; None when there is no positive target."""
    actual, target = shown(actual, unit), shown(target, unit)
    return actual / target if target > 0 else None


def _severity(value, *, at_risk, off_track, inclusive: bool) -> PlanHealth | None:
    def beyond(limit) -> bool:
        return value >= limit if inclusive else value > limit

    if beyond(off_track):
        return PlanHealth.off_track
    if beyond(at_risk):
        return PlanHealth.at_risk
    return None


def _overdue_actions(plan: PlanLike, today: date, policy: PlanHealthPolicy) -> list[HealthReason]:
    overdue = [a for a in plan.actions if a.status in PENDING and a.due_date is not None and a.due_date < today]
    severity = _severity(len(overdue), at_risk=policy.at_risk_overdue_actions,
                         off_track=policy.off_track_overdue_actions, inclusive=True)
    if not overdue or severity is None:
        return []
    oldest = min(a.due_date for a in overdue)
    return [HealthReason(code="overdue_actions", severity=severity,
                         params={"count": len(overdue), "oldest_days": (today - oldest).days})]


def _objectives_behind(plan: PlanLike, today: date, policy: PlanHealthPolicy) -> list[HealthReason]:
    expected = elapsed_share(plan, today)
    reasons = []
    for objective in plan.objectives:
        progress = objective_progress(objective.actual, objective.target, getattr(objective, "unit", None))
        if progress is None:
            continue
        severity = _severity(expected - progress, at_risk=Decimal(str(policy.at_risk_progress_gap)),
                             off_track=Decimal(str(policy.off_track_progress_gap)), inclusive=False)
        if severity is not None:
            reasons.append(HealthReason(code="objective_behind", severity=severity, params={
                "description": objective.description, "progress": round(float(progress), 6),
                "expected": round(float(expected), 6),
            }))
    return reasons


def _review(plan: PlanLike, today: date, policy: PlanHealthPolicy) -> list[HealthReason]:
    if plan.last_reviewed_at is not None:
        days = (today - plan.last_reviewed_at.date()).days
        severity = _severity(days, at_risk=policy.at_risk_review_days, off_track=policy.off_track_review_days,
                             inclusive=False)
        return [HealthReason(code="review_stale", severity=severity, params={"days": days})] if severity else []
    age = (today - plan.period_start).days
    severity = _severity(age, at_risk=policy.first_review_grace_days, off_track=policy.off_track_review_days,
                         inclusive=False)
    return [HealthReason(code="never_reviewed", severity=severity, params={"days": age})] if severity else []


def _period_ended(plan: PlanLike, today: date) -> list[HealthReason]:
    if today <= plan.period_end:
        return []
    return [HealthReason(code="period_ended", severity=PlanHealth.at_risk, params={
        "ended_on": plan.period_end.isoformat(), "days": (today - plan.period_end).days})]
