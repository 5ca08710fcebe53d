"""Resolve a query against the index: gather hits, score them, decide.

The outcome is a confident match, candidates to choose from (decide.Thresholds), or none. With
none, `SearchResult.best` is the suggestion ("did you mean"), and there is one only when the
closest account is plausible:
1. it scores at least SUGGESTION (70). Below that the scorer found nothing but an unrelated name
   (60: no spelling within the typos allowed, "genepoint" against "Bohua Energy") or only place
   names and trade words in common (深圳科技 against 深圳东华科技, 64). Every "name plus more words"
   scores above 70 ("Samsung Heavy Industries" against Samsung: related, worth asking).
2. the name or alias that matched holds at least SUGGESTION_SHARE (60%) of the query's letters,
   in order (or of the query's core, its trade words left out), or the query holds it whole (the
   name plus more words: "Acme Corp Europe" and Acme), compared in a script the two share. So a
   Latin query meets a Chinese name only through that name's pinyin ("tengxun" and 腾讯) or a
   Latin alias, a Chinese query a Latin name only through its own pinyin (百渡 and "Baidu"), and
   腾迅 meets 腾讯 by sound; Japanese kana have no pinyin, so a Latin query never gets a kana
   suggestion except through an alias.
Otherwise there is no suggestion, and the answer says how to look accounts up (/kam find).
Chosen on tests/data/resolution_eval.csv: the account each of its 918 naming queries means scores
79 or more and shares 78% or more of the query's letters, so the rule would keep every one of them
as a suggestion; of its "no match" queries it drops 86 of the 97 suggestions (each scored under 66).
"""

from enum import StrEnum

from pydantic import BaseModel
from rapidfuzz.distance import LCSseq
from sqlalchemy.orm import Session

from kam_core.accounts.resolver.chinese_ambiguity import asking, generic
from kam_core.accounts.resolver.decide import DEFAULT_THRESHOLDS, Thresholds
from kam_core.accounts.resolver.index import NameIndex, name_index
from kam_core.accounts.resolver.normalise import compact, has_cjk, pinyin
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.score import initials_score, score


# Core, pinyin and prefix hits scored per query at most: a short or common
# query can name thousands, and five are shown.
HITS_LIMIT = 150
# A "did you mean" needs this score and this share of the query's letters (see above).
SUGGESTION = 70.0
SUGGESTION_SHARE = 0.6
# A name held whole by the query counts when at least this long ("ge" is in too many words).
WHOLE_LATIN, WHOLE_CJK = 3, 2


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
    q = Query.of(query or "")
    outcome, chosen = decide(_ranked(index, q) if q.compact else [], thresholds=thresholds, limit=limit)
    if outcome == Outcome.none:
        chosen = [row for row in chosen if plausible(index, q, row)]
    return SearchResult(query=query, outcome=outcome, candidates=_candidates(index, chosen))


def decide(ranked: list[tuple], *, thresholds: Thresholds, limit: int) -> tuple[Outcome, list[tuple]]:
    """The outcome and the accounts to show, from (score, ...) rows best first."""
    if not ranked:
        return Outcome.none, []
    top, runner_up = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0.0
    if top >= thresholds.match and top - runner_up >= (thresholds.exact_gap if top >= thresholds.exact
                                                        else thresholds.gap):
        return Outcome.match, ranked[:1]
    plausible = [r for r in ranked[:limit] if r[0] >= thresholds.candidate]
    if plausible:
        return Outcome.ambiguous, plausible
    return Outcome.none, ranked[:1]


def plausible(index: NameIndex, q: Query, row: tuple[float, str, int]) -> bool:
    """Whether the closest account, (score, name, entry), is worth a "did you mean" (see above)."""
    s, _, entry = row
    return s >= SUGGESTION and letters_shared(q, index.entry_key[entry], index.entry_core[entry]) >= SUGGESTION_SHARE


def letters_shared(q: Query, key: str, core: str | None) -> float:
    """The largest share of the query's letters (or its core's) that the name's key holds in order,
    among the forms of the two written in the same script; 1.0 when the query holds a form of the
    name whole (the name plus more words: "acme" in "acme corp europe")."""
    theirs = _forms(compact(key), compact(core) if core else None)
    best = 0.0
    for mine in _forms(q.compact, q.core_compact):
        for other in theirs:
            if has_cjk(mine) != has_cjk(other):
                continue
            if other in mine and len(other) >= (WHOLE_CJK if has_cjk(other) else WHOLE_LATIN):
                return 1.0
            best = max(best, LCSseq.similarity(mine, other) / len(mine))
    return best


def _forms(flat: str, flat_core: str | None) -> set[str]:
    """A compact key, its core, and the pinyin of both when they are Chinese."""
    forms = {flat, flat_core} - {None, ""}
    return forms | {p for f in forms if has_cjk(f) and (p := pinyin(f))}


def ranked_accounts(index: NameIndex, query: str) -> list[tuple[float, str, int]]:
    """(score, account name, entry) for the best entry of each account, best first."""
    q = Query.of(query or "")
    return _ranked(index, q) if q.compact else []


def _ranked(index: NameIndex, q: Query) -> list[tuple[float, str, int]]:
    core_hits = set(index.core_hits(q)[:HITS_LIMIT])
    pinyin_hits = set(index.pinyin_hits(q)[:HITS_LIMIT])
    entries = {*index.exact_hits(q), *core_hits, *pinyin_hits, *index.prefix_hits(q)[:HITS_LIMIT],
               *index.word_hits(q), *index.short_name_hits(q)}
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
        # A Chinese query is scored against the name as written (chinese.py reads its legal form).
        memo = (text if key == q.key or q.cjk else key, core_hit, pinyin_hit)
        s = scored.get(memo)
        if s is None:
            s = scored[memo] = score(q, text, key, cores[entry], core_hit=core_hit, pinyin_hit=pinyin_hit)
        if account not in best or best[account][0] < s:
            best[account] = (s, len(key), names[account], entry)
    for entry, strength in index.initial_hits(q).items():  # "ibm": International Business Machines
        s, account = initials_score(strength), accounts[entry]
        if account not in best or best[account][0] < s:
            best[account] = (s, len(keys[entry]), names[account], entry)
    # Equal scores: the name the query covers most of first (联想 before 上海联祥纺织 for "lianxiang").
    ranked = [(s, name, entry) for s, _, name, entry in sorted(best.values(), key=lambda r: (-r[0], r[1], r[2]))]
    # A generic Chinese word (华联, 东方) that several accounts fit: candidates, not an answer.
    return asking(q, ranked) if generic(q, ranked, index.names_holding) else ranked


def _candidates(index: NameIndex, ranked) -> list[Candidate]:
    out = []
    for s, name, entry in ranked:
        account = index.entry_account[entry]
        out.append(Candidate(account_id=index.account_ids[account], name=name, score=round(s, 1),
                             matched=index.entry_alias[entry] or name))
    return out
