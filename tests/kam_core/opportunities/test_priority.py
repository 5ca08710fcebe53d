from decimal import Decimal

import pytest

from kam_core.enums import Quadrant
from kam_core.opportunities.priority import high_value_threshold, quadrant
from kam_core.policy import PriorityPolicy
from tests.factories import make_opportunity, stage_named

POLICY = PriorityPolicy(high_likelihood_percent=50)
HIGH_VALUE = Decimal("10000")


@pytest.mark.parametrize(("probability", "amount", "expected"), [
    (90, "50000", Quadrant.act_now),
    (50, "10000", Quadrant.act_now),          # both boundaries count as high
    (49, "10000", Quadrant.opportunistic),    # just under the likelihood line
    (10, "50000", Quadrant.opportunistic),
    (50, "9999.99", Quadrant.quick_win),      # just under the value line
    (100, "0", Quadrant.quick_win),
    (49, "9999.99", Quadrant.deprioritise),
    (0, "0", Quadrant.deprioritise),
])
def test_quadrant_of_likelihood_and_value(probability, amount, expected):
    assert quadrant(probability=probability, amount=Decimal(amount), high_value=HIGH_VALUE, policy=POLICY) == expected


def test_the_likelihood_line_comes_from_the_policy():
    strict = PriorityPolicy(high_likelihood_percent=70)
    assert quadrant(probability=60, amount=HIGH_VALUE, high_value=HIGH_VALUE, policy=strict) == Quadrant.opportunistic


def test_a_configured_high_value_amount_wins_over_the_median(session):
    make_opportunity(session, amount=100)
    assert high_value_threshold(session, PriorityPolicy(high_value_amount=Decimal("2500"))) == Decimal("2500")


def test_without_open_deals_every_amount_counts_as_high_value(session):
    make_opportunity(session, stage="Closed Won", amount=5000)
    assert high_value_threshold(session, PriorityPolicy()) == 0


@pytest.mark.parametrize(("amounts", "median"), [
    ([300, 100, 200], 200),
    ([400, 100, 300, 200], 300),  # even count: the upper middle, the same on every back end
    ([700], 700),
])
def test_the_high_value_line_is_the_median_open_amount(session, amounts, median):
    for amount in amounts:
        make_opportunity(session, amount=amount)
    make_opportunity(session, stage="Closed Won", amount=1_000_000)  # closed deals do not count
    make_opportunity(session, amount=0)  # nor do deals without an amount
    assert high_value_threshold(session, PriorityPolicy()) == Decimal(median)


def test_the_high_value_line_follows_every_change_to_the_open_pipeline(session):
    # The median is kept per process between requests; any change to a deal's amount or stage,
    # a new deal or a deleted one must move it at once.
    small, middle, large = (make_opportunity(session, amount=a) for a in (100, 200, 300))
    assert high_value_threshold(session, PriorityPolicy()) == 200
    middle.amount = Decimal(250)
    assert high_value_threshold(session, PriorityPolicy()) == 250
    middle.stage = stage_named(session, "Closed Won")
    assert high_value_threshold(session, PriorityPolicy()) == 300
    make_opportunity(session, amount=50)
    assert high_value_threshold(session, PriorityPolicy()) == 100
    session.delete(small)
    assert high_value_threshold(session, PriorityPolicy()) == 300
    large.amount = Decimal(40)
    assert high_value_threshold(session, PriorityPolicy()) == 50


def test_a_rolled_back_change_does_not_leave_its_high_value_line_behind(session):
    make_opportunity(session, amount=100)
    make_opportunity(session, amount=300)
    before = high_value_threshold(session, PriorityPolicy())
    with session.begin_nested() as savepoint:
        make_opportunity(session, amount=5000)
        make_opportunity(session, amount=6000)
        assert high_value_threshold(session, PriorityPolicy()) == 5000
        savepoint.rollback()
    assert high_value_threshold(session, PriorityPolicy()) == before == 300
