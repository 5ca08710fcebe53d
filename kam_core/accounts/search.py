"""Find an account by what a rep typed: exact, then prefix, then fuzzy.

A first version; the resolution issue makes it faster and measurably better.
"""

import re
import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum

from cleanco import basename
from pydantic import BaseModel
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias
from kam_core.changes import ACCOUNT_NAMES, version

CONFIDENT_SCORE = 90.0
CONFIDENT_GAP = 5.0
CANDIDATE_SCORE = 75.0
# A single plausible candidate with nothing else near it is taken as meant.
LONE_CANDIDATE_SCORE = 85.0


class Outcome(StrEnum):
    match = "match"
    ambiguous = "ambiguous"
    none = "none"


class Candidate(BaseModel):
    account_id: int
    name: str
    score: float
    matched: str


class SearchResult(BaseModel):
    query: str
    outcome: Outcome
    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w\s&]|_", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    # cleanco knows Latin-script designators; CJK ones are stripped by hand for now.
    stripped = basename(text)
    stripped = re.sub(r"(股份有限公司|有限责任公司|有限公司|集团|株式会社)$", "", stripped).strip()
    return stripped or text


def search_accounts(session: Session, *, query: str, limit: int = 5) -> SearchResult:
    key = normalise(query or "")
    if not key:
        return SearchResult(query=query, outcome=Outcome.none, candidates=[])
    index = name_index(session)
    names = index.rows
    exact = _dedupe(index.exact(key), 100.0)
    if len(exact) == 1:
        return SearchResult(query=query, outcome=Outcome.match, candidates=exact)
    prefix = _dedupe(index.prefixed(key), 95.0)
    if len(prefix) == 1 and not exact:
        return SearchResult(query=query, outcome=Outcome.match, candidates=prefix)
    if exact or prefix:
        return SearchResult(query=query, outcome=Outcome.ambiguous, candidates=(exact + prefix)[:limit])
    scored = process.extract(key, index.keys, scorer=fuzz.WRatio, limit=limit * 3,
                             score_cutoff=CANDIDATE_SCORE / 2)
    candidates = _dedupe([(names[i][0], names[i][1], names[i][2], names[i][3], s) for _, s, i in scored], None)
    candidates = candidates[:limit]
    if not candidates:
        return SearchResult(query=query, outcome=Outcome.none, candidates=[])
    top = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    lone = runner_up < CANDIDATE_SCORE and top >= LONE_CANDIDATE_SCORE
    if lone or (top >= CONFIDENT_SCORE and top - runner_up >= CONFIDENT_GAP):
        return SearchResult(query=query, outcome=Outcome.match, candidates=candidates[:1])
    plausible = [c for c in candidates if c.score >= CANDIDATE_SCORE]
    if len(plausible) > 1:
        return SearchResult(query=query, outcome=Outcome.ambiguous, candidates=plausible)
    return SearchResult(query=query, outcome=Outcome.none, candidates=candidates[:1])


@dataclass(frozen=True)
class NameIndex:
    """Every account name and alias, normalised, built once per change of names."""

    version: int
    rows: list[tuple]  # (normalised key, account id, account name, text matched)
    keys: list[str]
    sorted_rows: list[tuple]
    sorted_keys: list[str]

    @classmethod
    def build(cls, session: Session, version: int) -> "NameIndex":
        rows = _names(session)
        ordered = sorted(rows)
        return cls(version, rows, [r[0] for r in rows], ordered, [r[0] for r in ordered])

    def exact(self, key: str) -> list[tuple]:
        start = bisect_left(self.sorted_keys, key)
        end = bisect_left(self.sorted_keys, key + "\0")
        return self.sorted_rows[start:end]

    def prefixed(self, key: str) -> list[tuple]:
        start = bisect_left(self.sorted_keys, key)
        end = bisect_left(self.sorted_keys, key + "\U0010ffff")
        return self.sorted_rows[start:end]


_indexes: dict[str, NameIndex] = {}
_lock = threading.Lock()


def name_index(session: Session) -> NameIndex:
    """This process's index for the session's database; rebuilt only when the
    account-names change marker moved (one primary-key read per request)."""
    current = version(session, ACCOUNT_NAMES)
    url = str(session.get_bind().engine.url)
    index = _indexes.get(url)
    if index is None or index.version != current:
        with _lock:
            index = _indexes.get(url)
            if index is None or index.version != current:
                index = _indexes[url] = NameIndex.build(session, current)
    return index


def _names(session: Session) -> list[tuple]:
    """(normalised key, account id, account name, text matched)."""
    rows = [(normalise(name), id_, name, name) for id_, name in session.execute(select(Account.id, Account.name))]
    rows += [
        (normalise(alias), id_, name, alias)
        for alias, id_, name in session.execute(
            select(AccountAlias.alias, Account.id, Account.name).join(Account, AccountAlias.account_id == Account.id)
        )
    ]
    return rows


def _dedupe(rows, score: float | None) -> list[Candidate]:
    best: dict[int, Candidate] = {}
    for row in rows:
        s = score if score is not None else row[4]
        if row[1] not in best or best[row[1]].score < s:
            best[row[1]] = Candidate(account_id=row[1], name=row[2], score=s, matched=row[3])
    return sorted(best.values(), key=lambda c: (-c.score, c.name))
