"""The decision rule: confident match, ambiguous (candidates to choose from), or
no match (with the closest suggestion). Defaults were chosen by sweeping the
thresholds over the evaluation set (benchmarks/resolve.py --sweep; see
docs/benchmarks.md)."""

from pydantic import BaseModel, Field


class Thresholds(BaseModel):
    # A match is confident at or above this score...
    match: float = Field(88.0, ge=0, le=100)
    # ...and only this far ahead of the best other account.
    gap: float = Field(4.0, ge=0, le=100)
    # Accounts at or above this score are offered as candidates; below it, none.
    candidate: float = Field(75.0, ge=0, le=100)


DEFAULT_THRESHOLDS = Thresholds()
