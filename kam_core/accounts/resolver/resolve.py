"""Resolve a query against the index: gather hits, score them, decide."""

from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kam_core.accounts.resolver.decide import DEFAULT_THRESHOLDS, Thresholds
from kam_core.accounts.resolver.index import NameIndex, name_index
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.score import score


# Core, pinyin and prefix hits scored per query at most: a short or common
# query can name thousands, and five are shown.
HITS_LIMIT = 150


class Outcome(StrEnum):
    match = "match"
    ambiguous = "ambiguous"
    none = "none"


class Candidate(BaseModel):
    account_id: int
    name: str
    score: float
    matched: str  # the name or alias that matched


class SearchResult(BaseModel):
    query: str
    outcome: Outcome
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def search_accounts(session: Session, *, query: str, limit: int = 5,
                    thresholds: Thresholds = DEFAULT_THRESHOLDS) -> SearchResult:
    """The account(s) `query` names, by account name or alias, in any script."""
    return resolve(name_index(session), query=query, limit=limit, thresholds=thresholds)


def resolve(index: NameIndex, *, query: str, limit: int = 5,
            thresholds: Thresholds = DEFAULT_THRESHOLDS) -> SearchResult:
    outcome, chosen = decide(ranked_accounts(index, query), thresholds=thresholds, limit=limit)
    return SearchResult(query=query, outcome=outcome, candidates=_candidates(index, chosen))


def decide(ranked: list[tuple], *, thresholds: Thresholds, limit: int) -> tuple[Outcome, list[tuple]]:
    """The outcome and the accounts to show, from (score, ...) rows best first."""
    if not ranked:
        return Outcome.none, []
    top, runner_up = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0.0
    if top >= thresholds.match and top - runner_up >= thresholds.gap:
        return Outcome.match, ranked[:1]
    plausible = [r for r in ranked[:limit] if r[0] >= thresholds.candidate]
    if plausible:
        return Outcome.ambiguous, plausible
    return Outcome.none, ranked[:1]


def ranked_accounts(index: NameIndex, query: str) -> list[tuple[float, str, int]]:
    """(score, account name, entry) for the best entry of each account, best first."""
    q = Query.of(query or "")
    return _ranked(index, q) if q.compact else []


def _ranked(index: NameIndex, q: Query) -> list[tuple[float, str, int]]:
    core_hits = set(index.core_hits(q)[:HITS_LIMIT])
    pinyin_hits = set(index.pinyin_hits(q)[:HITS_LIMIT])
    entries = {*index.exact_hits(q), *core_hits, *pinyin_hits, *index.prefix_hits(q)[:HITS_LIMIT],
               *index.word_hits(q)}
    if not any(index.entry_key[e] == q.key for e in entries):
        entries.update(index.fuzzy_hits(q))
    best: dict[int, tuple[float, int, str, int]] = {}
    keys, cores, accounts, names = index.entry_key, index.entry_core, index.entry_account, index.account_names
    aliases = index.entry_alias
    scored: dict[tuple, float] = {}  # many accounts share an alias ("Huaxin Technology"): score it once
    for entry in entries:
        key = keys[entry]
        account = accounts[entry]
        text = aliases[entry] or names[account]
        core_hit, pinyin_hit = entry in core_hits, entry in pinyin_hits
        memo = (text if key == q.key else key, core_hit, pinyin_hit)
        s = scored.get(memo)
        if s is None:
            s = scored[memo] = score(q, text, key, cores[entry], core_hit=core_hit, pinyin_hit=pinyin_hit)
        if account not in best or best[account][0] < s:
            best[account] = (s, len(key), names[account], entry)
    # Equal scores: the name the query covers most of first (联想 before 上海联祥纺织 for "lianxiang").
    return [(s, name, entry) for s, _, name, entry in sorted(best.values(), key=lambda r: (-r[0], r[1], r[2]))]


def _candidates(index: NameIndex, ranked) -> list[Candidate]:
    out = []
    for s, name, entry in ranked:
        account = index.entry_account[entry]
        out.append(Candidate(account_id=index.account_ids[account], name=name, score=round(s, 1),
                             matched=index.entry_alias[entry] or name))
    return out
