"""Objectives in a countable unit read as whole numbers, and their progress is the share of those numbers."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam_core.actors import Actor
from kam_core.plans.health import objective_progress
from kam_core.plans.service import plan_health_by_account, plan_status
from kam_core.plans.units import is_countable
from kam_core.policy import Policy
from tests.factories import make_account, make_plan, make_team

TODAY = date(2026, 7, 2)  # half-way through the default 2026 plan period
POLICY = Policy()


@pytest.mark.parametrize(("unit", "countable"), [
    ("products", True), ("meetings", True), ("Meetings", True), ("meeting", True), ("opportunities", True),
    ("people", True), ("USD", False), ("kUSD", False), ("NPS", False), ("%", False), (None, False), ("", False),
])
def test_which_units_count_whole_things(unit, countable):
    assert is_countable(unit) is countable


def test_progress_of_a_countable_unit_is_of_the_whole_numbers_shown():
    assert objective_progress(Decimal("0.45"), Decimal(5), "products") == 0  # 0 of 5, not 9%
    assert objective_progress(Decimal("1.08"), Decimal(12), "meetings") == Decimal(1) / 12
    assert objective_progress(Decimal("0.5"), Decimal(4), "meetings") == Decimal(1) / 4  # half a meeting rounds up
    assert objective_progress(Decimal("0.45"), Decimal(5), "USD") == Decimal("0.09")  # money keeps its cents
    assert objective_progress(Decimal(1), Decimal("0.4"), "meetings") is None  # a target of 0 meetings


def test_the_plan_view_shows_whole_counts_and_the_percentage_of_them(session):
    manager, alice, _ = make_team(session)
    account = make_account(session, owner=alice)
    make_plan(session, account=account, last_reviewed_at=datetime(2026, 6, 1, tzinfo=UTC), objectives=[
        {"description": "Products in use", "target": 5, "actual": "0.45", "unit": "products"},
        {"description": "Executive meetings held", "target": 12, "actual": "1.08", "unit": "meetings"},
        {"description": "Grow annual revenue", "target": 1_500_000, "actual": "1034900.50", "unit": "USD"},
    ])

    status = plan_status(session, actor=Actor.of(alice), account_id=account.id, policy=POLICY, today=TODAY)

    assert [(o.actual, o.target, o.countable, o.progress) for o in status.objectives] == [
        (0, 5, True, 0.0),
        (1, 12, True, round(1 / 12, 6)),
        (Decimal("1034900.50"), 1_500_000, False, round(1034900.50 / 1_500_000, 6)),
    ]
    behind = [r.params for r in status.health.reasons if r.code == "objective_behind"]
    assert {"description": "Products in use", "progress": 0.0, "expected": 0.5} in behind
    # /kam mine and the card judge plans from plain rows: the same whole numbers, the same reasons.
    health = plan_health_by_account(session, [account.id], policy=POLICY, today=TODAY)[account.id]
    assert health.reasons == status.health.reasons
