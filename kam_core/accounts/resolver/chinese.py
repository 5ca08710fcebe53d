"""How well a Chinese query reads as the exchange short name of a registered name.

Short names (简称) pick characters of the registered name, in order: 云南临沧鑫圆锗业股份有限公司 →
云南锗业, 赤峰吉隆黄金矿业 → 赤峰黄金, 中国第一重型机械 → 中国一重. They drop the place (浙江天铁实业
→ 天铁股份) or shorten it to one character (广东电力发展 → 粤电力, 深圳中恒华发 → 深华发), and they
end with 股份, 集团 or 控股 that the registered name may hold only in its legal form
(北京盛通印刷股份有限公司 → 盛通股份).

`short_name_score` aligns the query with the name: the place, whole or abbreviated (places.py),
then blocks of the query's characters found in order in the rest, the longest first. What the
alignment is worth:
- it must be anchored: the query starts where the name or its part after the place starts (a
  run of characters in the middle of a name is a coincidence more often than a short name);
  weaker: the place written out, then characters from further in (云南 … 锗业), or a leading
  word of two or three characters the place table does not know (a city: 株洲) left out; the
  whole rest in one run after a two-character such word (芜湖长岭科技 for 长岭科技) is nearly the
  name without its place (88);
- an anchored reading of three characters or more is at least a candidate (80), however many
  single characters it takes: each word abbreviated to its first (青农商物 for 青岛农垦商贸物流);
- each block after the first and each single character block weakens it (中绒 for 中银绒业 is a
  short name, but 中 and 绒 are in many names);
- covering more of the name's distinctive part (between the place and the legal form)
  strengthens it; covering all of it in one run is the name without its place (92).
Place names and trade words weigh as in score.py: a query left with nothing but a place and a
suffix word (武汉控股) scores no more than a candidate.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from kam_core.accounts.resolver.places import ABBREVIATIONS, PLACE_FORMS, PLACE_NAMES
from kam_core.accounts.resolver.words import CJK_DESIGNATORS, PLACE_ENDINGS, PLACES

# Words a short name ends with that the registered name may hold only in its legal form.
SHORT_SUFFIXES = ("股份", "集团", "控股")
MAX_SHORT = 8

PLACE_AND_BODY = 92.0  # the name's distinctive part, whole and in one run
ANCHORED = 86.0
PLACE_THEN_BODY = 85.0
SKIPPED_LEAD = 82.0
# All the rest in one run after a two-character leading word, in a name the table finds no place in
# (most often a city it lacks: 芜湖长岭科技 for 长岭科技; a longer one is more often a brand).
SKIPPED_CITY_AND_BODY = 88.0
NOT_ANCHORED = 76.0
ONLY_PLACE = 80.0
COVERAGE_WEIGHT = 4.0
PER_BLOCK = 2.0
PER_SINGLE = 2.0
# A suffix word the name holds nowhere: more than a core hit (94) is above an anchored short name
# holding it (90), so 山东宏岭铝业控股 comes before 上海宏岭物流集团 for 宏岭控股.
SUFFIX_ABSENT = 5.0
INSIDE_A_WORD = 76.0  # score.py's base for a query found inside a name, not where a word starts
OTHER_PLACE = 72.0  # the most a name of another place scores (大连港 is not 南京港)
UNWRITTEN_PLACE = 6.0  # a place abbreviation leading the query that the name does not write (深康佳, 康佳集团)
# An anchored reading of this many characters or more is at least a candidate, however many single
# characters it takes: short names abbreviate each word to its first (青农商物 for 青岛农垦商贸物流).
FLOOR_LENGTH = 3
ANCHORED_FLOOR = 80.0

_FORMS = {**{p + e: "" for p in PLACES for e in ("", *PLACE_ENDINGS)}, **PLACE_FORMS}
_PLACE = re.compile("(" + "|".join(sorted(_FORMS, key=len, reverse=True)) + ")")
_PLACE_HEADS = {form[:2] for form in _FORMS}
_PLACE_NAME = {**{p + e: p for p in PLACES for e in ("", *PLACE_ENDINGS)}, **PLACE_NAMES}
_DESIGNATOR_TAIL = re.compile("(" + "|".join(map(re.escape, CJK_DESIGNATORS)) + ")+$")


def _leading_place(text: str) -> re.Match | None:
    """The place `text` starts with, as the table writes it (whole or in another form)."""
    return _PLACE.match(text) if text[:2] in _PLACE_HEADS else None


def _suffix(short: str) -> str | None:
    """The suffix word (股份, 集团, 控股) `short` ends with after two characters or more."""
    return next((w for w in SHORT_SUFFIXES if short.endswith(w) and len(short) > len(w) + 1), None)


@dataclass(frozen=True, slots=True)
class _Name:
    text: str
    place_end: int  # 0 when the name does not start with a place
    place_letters: str  # the place's characters and abbreviations: what a short name's first may be
    body_end: int  # where the legal form starts


@lru_cache(maxsize=16384)
def _parse(full: str) -> _Name:
    place = _PLACE.match(full)
    place_end, letters = 0, ""
    if place and place.end() < len(full):
        place_end = place.end()
        letters = place.group(1) + _FORMS[place.group(1)]
    tail = _DESIGNATOR_TAIL.search(full, place_end)
    body_end = tail.start() if tail and tail.start() > place_end else len(full)
    return _Name(full, place_end, letters, body_end)


def _blocks(short: str, text: str, start: int) -> list[tuple[int, int]] | None:
    """The query's characters found in order from `start`, the longest run first; None when one is missing."""
    out, i, n = [], 0, len(short)
    while i < n:
        for size in range(n - i, 0, -1):
            at = text.find(short[i:i + size], start)
            if at >= 0:
                break
        else:
            return None
        out.append((at, at + size))
        i += size
        start = at + size
    return out


def _worth(name: _Name, blocks: list[tuple[int, int]], place_block: bool, floor: float = 0.0) -> float:
    place_end, body_end = name.place_end, name.body_end
    if place_end and blocks and blocks[0][0] == 0 and blocks[0][1] > place_end:
        blocks = [(0, place_end), (place_end, blocks[0][1]), *blocks[1:]]  # 中国核|电: 中国, then 核
    written_out = bool(blocks) and blocks[0] == (0, place_end)
    if written_out:
        place_block, blocks = True, blocks[1:]  # the query starts with the place written out
    content = [(a, b) for a, b in blocks if a < body_end]
    if not content:
        return ONLY_PLACE if place_block else 0.0
    first, first_end = content[0]
    anchored = first == place_end if place_block else first in (0, place_end)
    # A leading word the table does not know (株洲, 扬州: most often a city) left out: 株洲旗滨 → 旗滨.
    skipped = first - (place_end if first >= place_end else 0)
    body = max(1, body_end - place_end)
    covered = sum(min(b, body_end) - max(a, place_end) for a, b in content if b > place_end)
    if anchored and len(content) == 1 and covered == body:
        return PLACE_AND_BODY
    if not place_end and skipped == 2 and content == [(first, max(first_end, body_end))]:
        return SKIPPED_CITY_AND_BODY
    singles = sum(b - a == 1 for a, b in content)
    if anchored:
        base = ANCHORED
    elif written_out and first > place_end:
        base = PLACE_THEN_BODY  # 云南临沧鑫圆锗业 → 云南锗业
    elif 1 <= skipped <= 3 and first_end - first >= 2:
        base = SKIPPED_LEAD
    else:
        base = NOT_ANCHORED
    worth = base + COVERAGE_WEIGHT * covered / body - PER_BLOCK * (len(content) - 1) - PER_SINGLE * singles
    return max(worth, floor) if anchored else worth


def short_name_score(short: str, full: str) -> float:
    """0-100: how well `short` (a folded, compact Chinese query) reads as a short name of `full`
    (a folded registered name, legal form included); 0 when it cannot be one."""
    if not 2 <= len(short) <= MAX_SHORT or len(short) >= len(full):
        return 0.0
    name = _parse(full)
    text = name.text
    best = 0.0
    for query, penalty in _readings(short):
        floor = ANCHORED_FLOOR if len(query) >= FLOOR_LENGTH else 0.0
        blocks = _blocks(query, text, 0)
        if blocks is not None:
            best = max(best, _worth(name, blocks, False, floor) - penalty)
        if name.place_end and query[0] in name.place_letters:
            # The place shortened to one character: 粤 for 广东, 深 for 深圳市.
            rest = _blocks(query[1:], text, name.place_end) if len(query) > 1 else []
            if rest is not None:
                best = max(best, _worth(name, rest, True, floor) - penalty)
        elif not name.place_end and len(query) >= 3 and query[0] in ABBREVIATIONS:
            rest = _blocks(query[1:], text, 0)
            if rest is not None:
                best = max(best, _worth(name, rest, True, floor) - penalty - UNWRITTEN_PLACE)
    return best


def starts_a_word(short: str, flat: str) -> bool:
    """Whether `short` is found in `flat` (a compact key) where it or its part after the place starts."""
    if flat.startswith(short):
        return True
    place = _leading_place(flat)
    return place is not None and flat.startswith(short, place.end())


def _place_of(text: str) -> str | None:
    place = _leading_place(text)
    return _PLACE_NAME[place.group(1)] if place and place.end() < len(text) else None


def with_short_name(short: str, full: str, scored: float, *, core: str | None) -> float:
    """A Chinese query's score against a Chinese name: `scored` (score.py's other readings) or
    the short-name reading, the better. `core` is the query's distinctive part (None when it has
    only places and trade words). The other readings weaken when the name lacks what the query says:
    - a suffix word 股份, 集团 or 控股 it holds nowhere (上海恒邦环保集团有限公司 for 恒邦股份): a few points;
    - another place than the query's (南京港 for 大连港, 深圳市机场 for 上海机场): not a candidate.
    A query of places and trade words only (上海银行, 北京科技) has no short-name reading: it
    would fit thousands of names."""
    suffix = _suffix(short)
    if suffix and suffix not in full:
        scored -= SUFFIX_ABSENT
    mine = _place_of(short)
    if mine is not None and _place_of(full) not in (None, mine):
        return min(scored, OTHER_PLACE)
    if scored >= PLACE_AND_BODY or core is None:
        return scored
    return max(scored, short_name_score(short, full))


def _readings(short: str) -> list[tuple[str, float]]:
    """The query, and without its suffix word (股份 is in every listed company's legal form, and
    a name registered without 集团 may still be called so)."""
    suffix = _suffix(short)
    return [(short, 0.0), (short[:-len(suffix)], SUFFIX_ABSENT)] if suffix else [(short, 0.0)]


# Candidate generation (index.py): every Chinese key is listed under each of its characters and
# under its leading place's abbreviations, so a short name meets its name even when no two of its
# characters are neighbours there (宝实 for 宝塔实业). The rarest characters' lists are intersected.
LETTER_POSTINGS_MAX = 5_000  # a query whose every character is this common gets no letter hits
LETTER_CANDIDATES = 100


def letters(flat_key: str) -> set[str]:
    """What the index lists a Chinese key under: its characters and its place's abbreviations."""
    out = set(flat_key)
    place = _leading_place(flat_key)
    if place:
        out.update(_FORMS[place.group(1)])
    return out


def _query_letters(short: str) -> str:
    for suffix in SHORT_SUFFIXES:  # not in keys: the legal form was stripped from them
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[:-len(suffix)]
    return short


def letter_candidates(postings: dict, keys: list[str], short: str) -> list[int]:
    """Positions in `keys` of the keys holding every character of `short` (a folded, compact
    Chinese query), the first possibly as its place's abbreviation; at most LETTER_CANDIDATES,
    those holding the characters in order first, then those the query's first two start (南纺 for
    南京纺机进出口 before 南京佳星纺织), then the shorter."""
    wanted = _query_letters(short)
    if not 2 <= len(wanted) <= MAX_SHORT:
        return []
    lists = []
    for ch in set(wanted):
        found = postings.get(ch)
        if found is None:
            return []
        lists.append(found)
    lists.sort(key=len)
    if len(lists[0]) > LETTER_POSTINGS_MAX:
        return []
    held = set(lists[0])
    for other in lists[1:]:
        if len(other) > 16 * len(held):
            held = {k for k in held if _contains(other, k)}
        else:
            held.intersection_update(other)
        if not held:
            return []
    if len(held) <= LETTER_CANDIDATES:
        return list(held)
    rest = wanted[1:]
    ranked = sorted(held, key=lambda k: (_blocks(rest, keys[k], 0) is None, not _starts(wanted, keys[k]),
                                         len(keys[k])))
    return ranked[:LETTER_CANDIDATES]


def _starts(short: str, flat: str) -> bool:
    """Whether the first two characters of `short` start `flat` or its part after the place, the
    first possibly as the place's abbreviation (the anchored readings of short_name_score)."""
    if flat.startswith(short[:2]):
        return True
    place = _leading_place(flat)
    if place is None:
        return False
    end = place.end()
    return flat.startswith(short[:2], end) or (
        short[0] in place.group(1) + _FORMS[place.group(1)] and flat.startswith(short[1], end))


def _contains(sorted_ids, value: int) -> bool:
    at = bisect_left(sorted_ids, value)
    return at < len(sorted_ids) and sorted_ids[at] == value
