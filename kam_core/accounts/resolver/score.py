"""How close one indexed name is to the query, 0-100.

Kinds of hit, best first: the same key (100; 99 when only spacing differs), the
same core (96, or 88 when the query had more than its core: "general electric"
meeting General Motors' core "general"), the same pinyin (90: an input-method
homophone 腾迅 for 腾讯, or pinyin typed in Latin letters), a prefix (86-95 by how
much of the name it covers), a CJK substring, then typo-tolerant fuzzy scores.
"""

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from kam_core.accounts.resolver.query import Query

EXACT = 100.0
EXACT_SPACING = 99.0
CORE = 96.0
CORE_OF_LONGER_QUERY = 88.0
PINYIN = 90.0
FUZZY_CAP = 94.0


def prefix_score(typed: int, name: str, boundary: bool) -> float:
    return 86.0 + 6.0 * typed / len(name) + (3.0 if boundary else 0.0)


def _prefix(q: Query, key: str, flat: str, flat_core: str | None) -> float:
    best = 0.0
    for target in (flat, flat_core):
        if target and len(target) > len(q.compact) and target.startswith(q.compact):
            boundary = q.cjk or key.startswith(q.key + " ")
            best = max(best, prefix_score(len(q.compact), target, boundary))
    return best


def _typo(a: str, b: str) -> float:
    return 100.0 * (1.0 - OSA.distance(a, b) / (max(len(a), len(b)) + 2))


def _fuzzy_latin(q: Query, key: str, flat: str, flat_core: str | None) -> float:
    best = _typo(q.compact, flat)
    if flat_core and flat_core != flat:
        best = max(best, _typo(q.core or q.compact, flat_core))
    n = len(q.compact)
    if n >= 4:
        # A typo in the first part of a longer name: "goldmn" for Goldman Sachs.
        for target in (flat, flat_core):
            if target and len(target) > n + 1:
                d = min(OSA.distance(q.compact, target[:m]) for m in (n - 1, n, n + 1))
                if d <= (1 if n < 8 else 2):
                    best = max(best, prefix_score(n, target, False) - 6.0 * d)
    if " " in q.key or " " in key:
        best = max(best, 0.95 * fuzz.token_sort_ratio(q.key, key))
    if flat.startswith(q.compact) is False and q.compact.startswith(flat) and len(flat) >= 3:
        # The name plus more words ("samsung heavy industries" for Samsung): related, not the same.
        best = max(best, 70.0 + 15.0 * len(flat) / n)
    return min(best, FUZZY_CAP)


def _fuzzy_cjk(q: Query, flat: str, flat_core: str | None) -> float:
    best = 0.0
    if len(q.compact) >= 2 and q.compact in flat:
        best = 86.0 + 8.0 * len(q.compact) / len(flat)
    mine = q.core or q.compact
    theirs = flat_core or flat
    similarity = fuzz.ratio(mine, theirs)
    if not q.core or not flat_core:
        similarity *= 0.8  # only place names and trade words in common is weak evidence
    best = max(best, 0.9 * similarity, 0.8 * fuzz.ratio(q.compact, flat))
    return min(best, FUZZY_CAP)


def score(q: Query, key: str, flat: str, flat_core: str | None, *, core_hit: bool, pinyin_hit: bool) -> float:
    if flat == q.compact:
        return EXACT if key == q.key else EXACT_SPACING
    best = 0.0
    if core_hit:
        best = CORE if q.bare else CORE_OF_LONGER_QUERY
    if pinyin_hit:
        best = max(best, PINYIN)
    best = max(best, _prefix(q, key, flat, flat_core))
    if best >= CORE:
        return best
    fuzzy = _fuzzy_cjk(q, flat, flat_core) if q.cjk else _fuzzy_latin(q, key, flat, flat_core)
    return max(best, fuzzy)
