"""When a Chinese query is a generic word, ask rather than answer.

Many companies carry the same two characters (阳光, 国泰, 华联, 东方): a short name built on
them fits several registered names, and which one scores a few points higher says more about
how the names happen to be written than about which company the rep meant. So when the query's
distinctive part (its core: the query without places, trade words and 股份/集团/控股) is two
characters or fewer, and a second account scores as a plausible candidate too
(CONTENDER: the lowest candidate score of decide.py's defaults), no answer is confident unless
the query is a name, an alias or a name's core itself (score.CORE: 华为 for 华为技术有限公司,
beside 华为终端有限公司, stays an answer): the scores are squashed into the candidate band,
below a confident match and in the same order, so the rep gets the accounts as buttons.

The same when the core is a two-character word that GENERIC_NAMES or more indexed names hold
(the index's document frequency of the word: its pair of characters' postings, index.py), even
when no second account scored as high, unless the best name holds the whole query in one run
after its place (chinese.PLACE_AND_BODY: 四川阳光医药 for 阳光医药): 东方能源 meeting
东方集团股份有限公司, which has no 能源, asks. A word that
only one or two names hold stays confident (云南锗业 has the core 锗业), and so does a longer core.
"""

from collections.abc import Callable

from kam_core.accounts.resolver.chinese import PLACE_AND_BODY, SHORT_SUFFIXES
from kam_core.accounts.resolver.normalise import raw
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.score import CORE

GENERIC_CORE = 2
# A two-character word this many names hold is common (东方, 华夏), whatever else scored.
GENERIC_NAMES = 3
CONTENDER = 80.0
# Scores above CONTENDER are squashed to CONTENDER + this share of the excess: at most 83.75,
# under the confident-match threshold (85) and any the sweep's grid tries but 84.
SQUASH = 0.25
LACKS_TRADE_WORDS = 1.0


def generic(q: Query, ranked: list[tuple], names_holding: Callable[[str], int]) -> bool:
    """Whether the query is a generic word that several of the (score, ...) rows fit, or that
    many names hold (`names_holding`: how many indexed names hold a two-character word)."""
    if not q.cjk or not ranked or ranked[0][0] >= CORE:
        return False
    word = q.core_compact
    if word is not None and len(word) > GENERIC_CORE:
        return False
    if len(ranked) > 1 and ranked[1][0] >= CONTENDER:
        return True
    return (ranked[0][0] < PLACE_AND_BODY and word is not None and len(word) == GENERIC_CORE
            and names_holding(word) >= GENERIC_NAMES)


def asking(q: Query, ranked: list[tuple]) -> list[tuple]:
    """The (score, account name, ...) rows with their scores squashed into the candidate band; those
    whose name lacks the query's trade words (能源 of 东方能源) after those holding them."""
    tail = _trade_words(q)
    out = []
    for s, name, *rest in ranked:
        if s > CONTENDER:
            s = CONTENDER + (s - CONTENDER) * SQUASH
            if tail and tail not in raw(name):
                s -= LACKS_TRADE_WORDS
        out.append((s, name, *rest))
    out.sort(key=lambda row: -row[0])  # stable: the order otherwise kept
    return out


def _trade_words(q: Query) -> str:
    """What follows the query's core (能源 in 东方能源), without a suffix word (股份, 集团, 控股)."""
    if q.bare or not q.core_compact:
        return ""
    at = q.compact.find(q.core_compact)
    tail = q.compact[at + len(q.core_compact):] if at >= 0 else ""
    for suffix in SHORT_SUFFIXES:
        if tail.endswith(suffix):
            tail = tail[:-len(suffix)]
    return tail
