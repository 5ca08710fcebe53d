"""Account plans for key accounts, shaped so every plan health state occurs.

A plan gets a profile first and its facts follow from it:
- on_track: reviewed lately, no overdue action, objectives at or ahead of pace;
- at_risk: one or two overdue actions, objectives a little behind;
- off_track: three or more overdue actions, a review long ago, objectives far behind;
- never_reviewed: no review at all (how bad that is depends on the plan's age).
The health itself is derived elsewhere (kam_core.plans.health) from these facts.
"""

import random
from datetime import timedelta
from decimal import Decimal

from kam_core.demo import phrases
from kam_core.demo.context import Context, Staff
from kam_core.enums import ActionStatus, Lever
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.units import shown

# Dealt in turn rather than drawn, so even a handful of key accounts shows every state.
PROFILES = ["on_track", "at_risk", "off_track", "never_reviewed", "on_track", "at_risk", "on_track", "off_track",
            "on_track", "never_reviewed"]
OVERDUE = {"on_track": (0, 0), "at_risk": (1, 2), "off_track": (3, 4), "never_reviewed": (0, 1)}
# Progress as a multiple of the elapsed share of the period.
PACE = {"on_track": (0.95, 1.3), "at_risk": (0.75, 0.95), "off_track": (0.2, 0.45), "never_reviewed": (0.6, 1.1)}
REVIEWED_DAYS_AGO = {"on_track": (2, 45), "at_risk": (20, 80), "off_track": (185, 260)}
PERIOD_DAYS = 364
# The growth lever of the objectives that have one (revenue and meetings are the sum of several).
OBJECTIVE_LEVERS = {"Products in use": Lever.cross_sell, "Share of wallet": Lever.raise_usage,
                    "Customer satisfaction (NPS)": Lever.retention}
# An earlier review, this many days before the last one, when the plan had started by then.
EARLIER_REVIEW_DAYS = 90


def write_plan(ctx: Context, seed, team: list[Staff], bought: list) -> None:
    rng, writer, today = ctx.rng, ctx.writer, ctx.today
    profile = seed.features.get("plan") or PROFILES[ctx.highlights["plans"] % len(PROFILES)]
    ctx.highlights["plans"] += 1
    started_days_ago = rng.randint(10, 200) if profile == "never_reviewed" else rng.randint(40, 300)
    start = today - timedelta(days=started_days_ago)
    end = start + timedelta(days=PERIOD_DAYS)
    reviewed = None
    if profile in REVIEWED_DAYS_AGO:
        low, high = REVIEWED_DAYS_AGO[profile]
        reviewed = ctx.at(min(rng.randint(low, high), started_days_ago - 1))
    chinese = seed.company.chinese
    manager = ctx.staff_by_id.get(seed.owner.manager_id)
    plan_id = writer.new_id(AccountPlan.__table__)
    created = ctx.on(start)
    writer.add(AccountPlan.__table__, {
        "id": plan_id, "account_id": seed.id, "period_start": start, "period_end": end,
        "focus": rng.choice(phrases.PLAN_FOCUS_ZH if chinese else phrases.PLAN_FOCUS),
        "value_proposition": rng.choice(phrases.PLAN_PROPOSITIONS),
        "customer_trends": rng.choice(phrases.PLAN_TRENDS), "customer_priorities": rng.choice(phrases.PLAN_PRIORITIES),
        "our_impact": None, "team_roles": None, "reason": None,
        "executive_sponsor_id": manager.id if manager else None, "last_reviewed_at": reviewed,
        "created_at": created, "updated_at": reviewed or created,
    })
    ctx.highlights[f"plans_{profile}"] += 1
    if reviewed is not None:
        _reviews(ctx, plan_id, reviewed, start, reviewer=manager or ctx.admin)
    elapsed = started_days_ago / PERIOD_DAYS
    _objectives(ctx, seed, plan_id, elapsed * rng.uniform(*PACE[profile]), len(bought))
    _actions(ctx, plan_id, profile, start, team, chinese)


def _objectives(ctx: Context, seed, plan_id: int, progress: float, products_in_use: int) -> None:
    rng, writer, table = ctx.rng, ctx.writer, PlanObjective.__table__
    for description, unit in rng.sample(phrases.OBJECTIVES, rng.randint(2, 3)):
        target = {
            "USD": round(seed.revenue * rng.uniform(1.1, 1.3), -3) or 10_000,
            "products": products_in_use + rng.randint(1, 2),
            "meetings": rng.choice([4, 6, 8, 12]),
            "NPS": rng.choice([40, 50, 60]),
            "%": rng.choice([30, 40, 50, 60]),
        }[unit]
        actual = (Decimal(str(target)) * Decimal(str(round(min(progress, 1.2), 2)))).quantize(Decimal("0.01"))
        actual = shown(actual, unit)  # 3 meetings held, never 2.64
        writer.add(table, {"id": writer.new_id(table), "plan_id": plan_id, "description": description,
                           "lever": OBJECTIVE_LEVERS.get(description), "unit": unit,
                           "target": Decimal(str(target)), "actual": actual})


def _actions(ctx: Context, plan_id: int, profile: str, start, team: list[Staff], chinese: bool) -> None:
    rng, writer, table, today = ctx.rng, ctx.writer, PlanAction.__table__, ctx.today
    pool = phrases.PLAN_ACTIONS_ZH if chinese else phrases.PLAN_ACTIONS
    past_days = max(1, (today - start).days)
    overdue = rng.randint(*OVERDUE[profile])
    if overdue:
        ctx.highlights["plans_with_overdue_actions"] += 1
    rows = []
    for _ in range(rng.randint(1, 3)):  # done, due in the past
        due = start + timedelta(days=rng.randrange(past_days))
        rows.append((due, ActionStatus.done, ctx.on(due - timedelta(days=rng.randint(0, 5)))))
    for _ in range(overdue):
        rows.append((today - timedelta(days=rng.randint(1, min(past_days, 60))), rng.choice(
            [ActionStatus.open, ActionStatus.in_progress]), None))
    for _ in range(rng.randint(1, 3)):  # still ahead
        rows.append((today + timedelta(days=rng.randint(3, 120)), rng.choice(
            [ActionStatus.open, ActionStatus.open, ActionStatus.in_progress]), None))
    for due, status, completed in rows:
        writer.add(table, {"id": writer.new_id(table), "plan_id": plan_id, "description": rng.choice(pool),
                           "owner_id": team[rng.randrange(len(team))].id, "due_date": due, "status": status,
                           "completed_at": completed, "version": 1})


def _reviews(ctx: Context, plan_id: int, last, start, *, reviewer: Staff | None) -> None:
    """The plan's reviews, the latest at its last_reviewed_at: the history shows what reviewers found.
    Drawn from the plan's own random source, so the rest of the demo stays as it was."""
    rng, writer, table = random.Random(f"plan-review-{plan_id}"), ctx.writer, PlanReview.__table__
    moments = [last]
    earlier = last - timedelta(days=EARLIER_REVIEW_DAYS)
    if earlier.date() > start:
        moments.append(earlier)
    for moment in moments:
        writer.add(table, {"id": writer.new_id(table), "plan_id": plan_id, "reviewed_on": moment.date(),
                           "reviewer_id": reviewer.id if reviewer else None, "notes": rng.choice(phrases.REVIEW_NOTES),
                           "customer_view": rng.choice(phrases.CUSTOMER_VIEWS) if rng.random() < 0.6 else None,
                           "created_at": moment})
        ctx.highlights["plan_reviews"] += 1
