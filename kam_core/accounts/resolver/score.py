"""How close one indexed name is to the query, 0-100.

Kinds of hit, best first: the same name as typed, legal form included (100);
the same key once legal forms are dropped (95; "Merck KGaA" then beats
"Merck & Co." for "merck kgaa", while "Apple Corp" still finds Apple Inc.); the
same core (94, or 88 when the query had more than its core: "general electric"
meeting General Motors' core "general"); the same pinyin (90: an input-method
homophone 腾迅 for 腾讯, or "tengxun" typed without one; 86 for Chinese characters meeting other
Chinese characters, below a name holding those typed); a prefix (84-93 by how
much of the name it covers); then typo-tolerant fuzzy scores, capped at 93 (a Chinese query
found inside a word of the name, not where one starts, is weak: 瑞德 in 凯瑞德). A Chinese query
read as the exchange short name of a Chinese name (chinese.py: 云南锗业, 天铁股份, 粤电力) scores
up to 92, a name of another place than the query's at most 72. A query that is
an initialism of the name (acronyms.py: "IBM" for International Business Machines) scores 90,
87 when loosely made (stop words left out, camel-case humps, the legal form's first word, or
an alias's), 82 for a mixed-case query's capitals the name has no humps for ("PwC" against
Pineway Capital): a unique one is confident, one that several accounts share a question.
"""

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from kam_core.accounts.resolver.chinese import INSIDE_A_WORD, starts_a_word, with_short_name
from kam_core.accounts.resolver.normalise import numbers, raw
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.words import INDUSTRY_CJK

AS_TYPED = 100.0
EXACT = 95.0
CORE = 94.0
PINYIN = 90.0
PINYIN_OF_LONGER_QUERY = 78.0
# A Chinese query meeting a Chinese name by sound only (汇岭 for 辉岭): still confident alone, but
# below a name holding the characters typed (江苏辉岭生物农业 for 辉岭, prefix or short name: 86-90).
HOMOPHONE = 86.0
CORE_OF_LONGER_QUERY = 88.0
CORE_OTHER_INDUSTRY = 72.0
FUZZY_CAP = 93.0
WORD_OF_NAME = 80.0
UNRELATED = 60.0
# Offered among the candidates, never confident (below decide.Thresholds.match): a name that differs where
# names differ. A typo in the distinctive part behind shared trade words ("SoFi Technologies" against Defi
# Technologies), another number in a series (GigCapital7, GigCapital9), or a registered name typed in full
# that only begins a longer one ("Dave Inc." against Dave & Buster's Entertainment, Inc.).
DOUBTFUL = 84.0
# By strength (acronyms.STRICT, LOOSE, WEAK): a weak initialism is a candidate, never confident.
INITIALS = (90.0, 87.0, 82.0)


def initials_score(strength: int) -> float:
    return INITIALS[strength]


def prefix_score(typed: int, name: str, boundary: bool) -> float:
    return 84.0 + 6.0 * typed / len(name) + (3.0 if boundary else 0.0)


def _prefix(q: Query, key: str, flat: str, flat_core: str | None) -> float:
    best = 0.0
    for target in (flat, flat_core):
        if target and len(target) > len(q.compact) and target.startswith(q.compact):
            boundary = q.cjk or key.startswith(q.key + " ")
            best = max(best, prefix_score(len(q.compact), target, boundary))
    return best


def _industries(flat: str, flat_core: str | None) -> set[str]:
    rest = flat.replace(flat_core, " ") if flat_core else flat
    return {w for w in INDUSTRY_CJK if w in rest}


def _other_industry(q: Query, flat: str, flat_core: str | None) -> bool:
    if not q.cjk or q.bare:
        return False
    mine, theirs = _industries(q.compact, q.core_compact), _industries(flat, flat_core)
    return bool(mine and theirs and not mine & theirs)


def _same_core_score(q: Query, core_hit: bool, pinyin_hit: bool) -> float:
    best = 0.0
    if core_hit:
        best = CORE if q.bare else CORE_OF_LONGER_QUERY
    if pinyin_hit:
        best = max(best, PINYIN if q.bare else PINYIN_OF_LONGER_QUERY)
    return best


def _allowed_edits(length: int) -> int:
    return 1 if length <= 5 else 2 if length <= 10 else 3


def _typo(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    d = OSA.distance(a, b, score_cutoff=_allowed_edits(longest) + 1)
    if d > _allowed_edits(longest):
        return UNRELATED
    return 100.0 * (1.0 - d / (longest + 2))


def _whole_typo(q: Query, flat: str, flat_core: str | None) -> float:
    """The two names as typos of each other; alike only through trade words is doubtful."""
    best = _typo(q.compact, flat)
    if q.core_compact and flat_core and (q.core_compact != q.compact or flat_core != flat) and best > DOUBTFUL:
        best = min(best, max(_typo(q.core_compact, flat_core), DOUBTFUL))
    return best


def _first_letters_differ(q: Query, flat: str, flat_core: str | None) -> bool:
    """A slip of the first letter is rare; another name that differs there is common (Kaltura, Altura)."""
    return q.compact[0] != flat[0] and (q.core_compact or q.compact)[0] != (flat_core or flat)[0]


def _fuzzy_latin(q: Query, key: str, flat: str, flat_core: str | None) -> float:
    best = _whole_typo(q, flat, flat_core)
    if flat_core and flat_core != flat:
        # Cores alike say less when the query had more than its core ("general motor" vs General Electric).
        penalty = 0.0 if q.bare else AS_TYPED - CORE_OF_LONGER_QUERY
        best = max(best, _typo(q.core_compact or q.compact, flat_core) - penalty)
    n = len(q.compact)
    if n >= 4:
        # A typo in the first part of a longer name: "goldmn" for Goldman Sachs.
        for target in (flat, flat_core):
            if target and len(target) > n + 1 and target[0] == q.compact[0]:
                d = min(OSA.distance(q.compact, target[:m]) for m in (n - 1, n, n + 1))
                if d <= (1 if n < 8 else 2):
                    best = max(best, prefix_score(n, target, False) - 6.0 * d)
    if " " in q.key or " " in key:
        # Words in another order or spaced differently; cores only, so shared trade words count for nothing.
        mine, theirs = _core_words(q), _core_words_of(key, flat_core)
        if " " in mine and " " in theirs:
            best = max(best, 0.95 * fuzz.token_sort_ratio(mine, theirs))
    if not flat.startswith(q.compact) and q.compact.startswith(flat) and len(flat) >= 3:
        # The name plus more words ("samsung heavy industries" for Samsung): related, not the same.
        best = max(best, 70.0 + 15.0 * len(flat) / n)
    elif len(q.compact) >= 4 and f" {q.key} " in f" {key} ":
        best = max(best, WORD_OF_NAME)  # a word of a longer name: "moutai" in "kweichow moutai"
    if best > DOUBTFUL and _first_letters_differ(q, flat, flat_core):
        best = DOUBTFUL
    return min(best, FUZZY_CAP)


def _core_words(q: Query) -> str:
    return _core_words_of(q.key, q.core_compact)


def _core_words_of(key: str, flat_core: str | None) -> str:
    if not flat_core:
        return key
    words, out = key.split(), []
    for word in words:
        out.append(word)
        if "".join(out) == flat_core:
            break
    return " ".join(out)


def _fuzzy_cjk(q: Query, flat: str, flat_core: str | None) -> float:
    best = 0.0
    if len(q.compact) >= 2 and q.compact in flat:
        # Where a word starts (the name's or after its place), or inside one (瑞德 in 凯瑞德: weak).
        best = (84.0 if starts_a_word(q.compact, flat) else INSIDE_A_WORD) + 8.0 * len(q.compact) / len(flat)
    mine = q.core_compact or q.compact
    theirs = flat_core or flat
    similarity = fuzz.ratio(mine, theirs)
    if not q.core_compact or not flat_core:
        similarity *= 0.8  # only place names and trade words in common is weak evidence
    if not q.bare:  # the query's trade words are not the name's: no more than a core hit (东方能源, 东方集团)
        similarity = min(similarity, CORE_OF_LONGER_QUERY / 0.9)
    best = max(best, 0.9 * similarity, 0.8 * fuzz.ratio(q.compact, flat))
    return min(best, FUZZY_CAP)


def score(q: Query, text: str, key: str, core: str | None, *, core_hit: bool, pinyin_hit: bool) -> float:
    """`text` is the name or alias as stored, `key` its normalised form, `core` the core of that."""
    flat = key.replace(" ", "")
    flat_core = core.replace(" ", "") if core else None
    if flat == q.compact:
        return AS_TYPED if q.raw == raw(text) else EXACT
    best = _same_core_score(q, core_hit, pinyin_hit) if core_hit or pinyin_hit else 0.0
    if pinyin_hit and not core_hit and q.cjk and not flat.isascii() and (q.core_compact or q.compact) not in flat:
        best = min(best, HOMOPHONE)  # the same sound, other characters: 汇岭 for 辉岭
    prefix = _prefix(q, key, flat, flat_core)
    best = max(best, prefix)
    if best < CORE and not prefix:
        best = max(best, _fuzzy_cjk(q, flat, flat_core) if q.cjk else _fuzzy_latin(q, key, flat, flat_core))
    if q.cjk and not flat.isascii():
        best = with_short_name(q.raw, raw(text), best, core=q.core_compact)  # 云南锗业 for 云南临沧鑫圆锗业 (chinese.py)
    if q.designated and not q.cjk and best > DOUBTFUL:
        # A name typed with its legal form is a whole name: one with other words is another company
        # ("Dave Inc." and Dave & Buster's Entertainment, Inc.; "Prudential PLC", Prudential Financial Inc.).
        best = min(best, max(DOUBTFUL, _whole_typo(q, flat, flat_core)))
    if q.numbers and best > DOUBTFUL and not q.numbers <= numbers(key):
        best = DOUBTFUL  # Texas Ventures Acquisition IV is not … III
    # 中信银行 is not 中信证券: one core, two lines of business.
    return min(best, CORE_OTHER_INDUSTRY) if _other_industry(q, flat, flat_core) else best
