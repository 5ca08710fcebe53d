"""Deals as they stood at an earlier moment: the digest of a past week shows its pipeline and its
slipped deals as of the week's end, not as they are now.

Stage history is kept (StageChange): the first move at or after the moment says where the deal was
then (its "from" stage); a deal that has not moved since is where it is now. Amounts and close
dates have no history, so they are taken as they are now. Every move clears a deal's own
probability (kam_core.opportunities.service), so a deal that has moved since the moment counts at
its stage's default probability then.
"""

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

from kam_core.opportunities.models import Stage


class PipelineRow(NamedTuple):
    """One group of open deals, as queries.settled_pipeline returns them."""

    owner_id: int
    stage_id: int
    lever: object
    currency: str
    count: int
    amount: Decimal
    amount_x_probability: Decimal


class Moves:
    """The stage moves made since some moment, per deal, oldest first (queries.moves_since)."""

    def __init__(self, rows) -> None:
        self._by_deal: dict[int, list] = defaultdict(list)
        for row in rows:
            self._by_deal[row.opportunity_id].append(row)

    def _first_after(self, deal_id: int, moment: datetime):
        return next((m for m in self._by_deal.get(deal_id, ()) if aware(m.at) >= moment), None)

    def stage_at(self, deal_id: int, stage_now: int, moment: datetime) -> int:
        move = self._first_after(deal_id, moment)
        if move is None:
            return stage_now
        return move.from_stage_id if move.from_stage_id is not None else move.to_stage_id

    def moved_after(self, deal_id: int, moment: datetime) -> bool:
        return self._first_after(deal_id, moment) is not None


def existed(row, moment: datetime) -> bool:
    return aware(row.created_at) < moment


def slipped(row, moves: Moves, stages: dict[int, Stage], moment: datetime, day: date) -> bool:
    """Still open at `moment` with its close date before `day` (the local day of `moment`): the date
    passed and the deal did not close. A close date later today has not passed."""
    stage = stages[moves.stage_at(row.id, row.stage_id, moment)]
    return existed(row, moment) and stage.is_open and row.expected_close_date < day


def pipeline_rows(deals: list, moves: Moves, stages: dict[int, Stage], moment: datetime) -> list[PipelineRow]:
    """Each deal of queries.unsettled_deals that was open at `moment`, as a one-deal pipeline row."""
    found = []
    for deal in deals:
        stage = stages[moves.stage_at(deal.id, deal.stage_id, moment)]
        if not existed(deal, moment) or not stage.is_open:
            continue
        own = None if moves.moved_after(deal.id, moment) else deal.probability
        probability = own if own is not None else stage.default_probability
        amount = Decimal(deal.amount)
        found.append(PipelineRow(owner_id=deal.owner_id, stage_id=stage.id, lever=deal.lever, currency=deal.currency,
                                 count=1, amount=amount, amount_x_probability=amount * probability))
    return found


def aware(value) -> datetime:
    if isinstance(value, str):  # SQLite may hand back an aggregate of a datetime column as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
