"""The thresholds of the decision rule (resolve.decide): confident match, ambiguous
(candidates to choose from), or no match (with the closest suggestion).

The defaults were chosen by `benchmarks/resolve.py --sweep`: every query of the
evaluation set scored once among 100,000 accounts, the rule replayed for a grid
of settings, the setting with the best mean utility kept (a confident wrong
match costs as much as ten right answers; see docs/benchmarks.md)."""

from pydantic import BaseModel, Field


class Thresholds(BaseModel):
    # A match is confident at or above this score...
    match: float = Field(85.0, ge=0, le=100)
    # ...and only this far ahead of the best other account.
    gap: float = Field(4.0, ge=0, le=100)
    # Accounts at or above this score are offered as candidates; below it, none.
    candidate: float = Field(80.0, ge=0, le=100)
    # A name or alias typed as it is written (score.CORE and up: case, width, legal form and trade words aside) needs
    # only this lead: a rep typing "Merck KGaA" means it, even with Merck & Co. close behind.
    exact: float = Field(94.0, ge=0, le=100)
    exact_gap: float = Field(4.0, ge=0, le=100)


DEFAULT_THRESHOLDS = Thresholds()
