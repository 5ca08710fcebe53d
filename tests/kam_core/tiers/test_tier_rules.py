"""The value pyramid's rules, as tables of cases."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from kam_core.enums import Tier
from kam_core.policy import TierPolicy, ValuePolicy
from kam_core.tiers.ranking import rank_accounts
from kam_core.tiers.value import compute_value

K, I, G = Tier.key, Tier.important, Tier.general


def tiers_of(values, policy=TierPolicy()):
    ranked = rank_accounts([(i, f"a{i:03}", Decimal(v)) for i, v in enumerate(values)], policy)
    return [r.tier for r in sorted(ranked, key=lambda r: r.account_id)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 100 of 200 total: the top account alone reaches 50% and is key.
        ([100, 60, 20, 10, 10], [K, I, G, G, G]),
        # Value above the 2nd is 40%: still under 50%, so it is key too.
        ([80, 70, 30, 20], [K, K, I, G]),
        # A Pareto book: the first reaches 50% (key), the second 80% (important).
        ([500, 300, 100, 50, 20, 10, 10, 5, 3, 2], [K, I, G, G, G, G, G, G, G, G]),
        ([400, 200, 150, 100, 80, 40, 30], [K, K, I, I, G, G, G]),
        # Worthless or loss-making accounts are general whatever their rank.
        ([100, 0, -50], [K, G, G]),
        ([0, 0], [G, G]),
        ([], []),
    ],
)
def test_tiers_follow_cumulative_share_of_value(values, expected):
    assert tiers_of(values) == expected


def test_thresholds_are_configurable():
    assert tiers_of([40, 30, 20, 10], TierPolicy(key_share=0.2, important_share=0.3)) == [K, I, G, G]
    assert tiers_of([40, 30, 20, 10], TierPolicy(key_share=0.9, important_share=0.1)) == [K, K, K, I]


def test_shares_over_one_are_refused():
    with pytest.raises(ValueError):
        TierPolicy(key_share=0.8, important_share=0.3)


def test_ties_rank_by_name_and_shares_are_reported():
    ranked = rank_accounts([(1, "Beta", Decimal(50)), (2, "Alpha", Decimal(50))], TierPolicy())
    assert [(r.account_id, r.rank, r.share, r.share_before) for r in ranked] == [(2, 1, 0.5, 0.0), (1, 2, 0.5, 0.5)]


def value_row(**fields):
    row = dict(period="2026", currency="USD", revenue=Decimal(1000), profit_contribution=Decimal(300),
               cost_to_serve=Decimal(100), learning_score=0, capability_score=0, referral_score=0)
    return SimpleNamespace(**(row | fields))


@pytest.mark.parametrize(
    ("fields", "total", "revenue_as_profit"),
    [
        ({}, 200, False),  # 300 profit - 100 cost to serve
        ({"learning_score": 2, "referral_score": 3}, 200 + 5 * 5000, False),
        ({"profit_contribution": None}, 900, True),  # profit unknown: revenue stands in
        ({"profit_contribution": Decimal(-50)}, -150, False),
    ],
)
def test_total_value_is_profit_minus_cost_plus_intangibles(fields, total, revenue_as_profit):
    figures = compute_value(value_row(**fields), ValuePolicy())
    assert figures.total_value == Decimal(total)
    assert figures.revenue_as_profit is revenue_as_profit


def test_intangible_point_value_is_configurable():
    figures = compute_value(value_row(capability_score=4), ValuePolicy(intangible_point_value=Decimal(10)))
    assert figures.intangible_value == Decimal(40)
