"""Opportunity priority: the 2×2 of likelihood of success × value (KAM_DOMAIN.md §4).

Rules:
- Likelihood is high when the effective win probability (the deal's own, else
  its stage's default) is at least `PriorityPolicy.high_likelihood_percent`.
- Value is high when the amount is at least the high-value threshold: the
  configured `PriorityPolicy.high_value_amount`, else the median amount of the
  open pipeline (open stages, amount above zero). Deals without an amount are
  left out of the median because an unknown amount says nothing about size;
  when no open deal has an amount the threshold is 0.
- The median is the upper middle value (offset count/2 in amount order),
  computed the same way on SQLite and PostgreSQL so a deal's quadrant never
  depends on the back end. Sorting every open deal takes 100s of ms at 300,000
  deals, so each process keeps the figure until the pipeline change marker
  moves (kam_core.changes). A request reads the markers with the person
  asking (handlers.session), so the kept figure costs it no statement.
- high/high = act now (马上行动); low likelihood, high value = opportunistic
  (伺机而动, wait for the moment); high likelihood, low value = quick win;
  low/low = deprioritise.
- Lists are ordered act now, quick win, opportunistic, deprioritise: a quick
  win can be closed today, while an opportunistic deal waits for its moment.
"""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kam_core.changes import PIPELINE, KeptUntilChanged
from kam_core.enums import Quadrant
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.policy import PriorityPolicy

QUADRANT_ORDER = {Quadrant.act_now: 0, Quadrant.quick_win: 1, Quadrant.opportunistic: 2, Quadrant.deprioritise: 3}


def quadrant(*, probability: int, amount: Decimal, high_value: Decimal, policy: PriorityPolicy) -> Quadrant:
    likely = probability >= policy.high_likelihood_percent
    valuable = amount >= high_value
    if likely:
        return Quadrant.act_now if valuable else Quadrant.quick_win
    return Quadrant.opportunistic if valuable else Quadrant.deprioritise


def high_value_threshold(session: Session, policy: PriorityPolicy) -> Decimal:
    if policy.high_value_amount is not None:
        return policy.high_value_amount
    return _median.get(session)


def open_pipeline_median(session: Session) -> Decimal:
    open_amounts = (
        select(Opportunity.amount)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(Stage.is_open, Opportunity.amount > 0)
    )
    middle = select(func.count()).select_from(open_amounts.subquery()).scalar_subquery() // 2
    median = session.scalar(open_amounts.order_by(Opportunity.amount).limit(1).offset(middle))
    return Decimal(median) if median is not None else Decimal(0)


_median = KeptUntilChanged(PIPELINE, open_pipeline_median)
