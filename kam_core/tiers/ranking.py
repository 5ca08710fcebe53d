"""The value pyramid: rank accounts by total value, cut by cumulative share."""

from dataclasses import dataclass
from decimal import Decimal

from kam_core.enums import Tier
from kam_core.policy import TierPolicy


@dataclass(frozen=True)
class Ranked:
    account_id: int
    total_value: Decimal
    rank: int
    share: float
    share_before: float
    tier: Tier


def rank_accounts(values: list[tuple[int, str, Decimal]], policy: TierPolicy) -> list[Ranked]:
    """`values` holds (account id, name, total value). Ties rank by name.

    An account is key while the value ranked above it makes up less than
    `key_share` of the total, so the account that crosses the line is key too;
    likewise for important. Accounts worth nothing (or less) are general.
    """
    ordered = sorted(values, key=lambda v: (-v[2], v[1]))
    total = sum((v[2] for v in ordered if v[2] > 0), Decimal(0))
    result: list[Ranked] = []
    before = Decimal(0)
    important_line = policy.key_share + policy.important_share
    for rank, (account_id, _name, value) in enumerate(ordered, start=1):
        positive = value > 0 and total > 0
        share = float(value / total) if positive else 0.0
        share_before = float(before / total) if total > 0 else 0.0
        if not positive:
            tier = Tier.general
        elif share_before < policy.key_share:
            tier = Tier.key
        elif share_before < important_line:
            tier = Tier.important
        else:
            tier = Tier.general
        result.append(Ranked(account_id, value, rank, share, share_before, tier))
        if positive:
            before += value
    return result
