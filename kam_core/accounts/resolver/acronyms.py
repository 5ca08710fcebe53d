"""Acronyms and initialisms of Latin-script names: what "IBM", "P&G" or "PwC" stand for.

A name's initialisms are the first letters of its words once the legal form is dropped
(International Business Machines Corporation → ibm), in these forms:
- every word counted, "&" kept or left out (Procter & Gamble → p&g, pg; AT&T's words → at&t);
- stop words left out (Bank of America → ba; "and" is "&" once normalised);
- the words before the trade words (core: Ernst & Young Global → ey);
- stop words left out, and the C of a legal form "Company" or "Corporation" counted (The Hongkong
  and Shanghai Banking Corporation Limited → hsbc; Honda Motor Co., Ltd. → hmc);
- "&" inside a word splits it (H&R Block → hrb, M&T Bank → mtb);
- camel-case humps as words (PricewaterhouseCoopers → pricewaterhouse coopers → pc).
The first form is *strict* (every word of the key counted, the way most initialisms are made),
the others *loose*, and so are an alias's (index.initial_hits): a strict one scores a little
higher (score.INITIALS), so a unique strict one is a confident match over a loose one another
account shares. Each distinct key's initialisms are computed once (initialisms); the text adds
the legal form's C and the humps (written_initialisms), usually nothing.

A query asks for initialisms when it is one short Latin word (or letters with dots: I.B.M.), and
by its capitals when it mixes cases (PwC → pc, BofA → ba); those count only where the query's
letters abbreviate the name's words (capitals_strength): *loose* when the name has the same
camel-case humps, *weak* (a candidate, never confident) when only its words fit.
"""

import re

from kam_core.accounts.resolver.normalise import core, normalise

STRICT, LOOSE, WEAK = 0, 1, 2
# Initialisms this long at most, and at least MIN (a one-letter query names nothing).
MAX, MIN = 8, 2
STOP_WORDS = frozenset({
    "&", "and", "of", "the", "for", "de", "des", "du", "der", "die", "das", "den", "la", "le", "les", "el", "y",
    "et", "und", "fur", "di", "del", "della", "van", "von", "a", "an", "in", "on", "at", "to", "da", "do", "dos",
})
_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_QUERY = re.compile(r"[a-z&]+")
_INITIAL = re.compile(r"(?:^| )(\S)")
_WORDS = re.compile(r"[^\W_]+|&|\+")
# Legal forms whose first letter some initialisms take: HSBC's C (Corporation), HMC's (Honda Motor Co.).
_COMPANY = re.compile(r"(?i)\b(corporation|corp|company|co)\b")


def camel_split(text: str) -> str | None:
    """The text with its camel-case humps spaced ("PricewaterhouseCoopers" → "Pricewaterhouse
    Coopers"), or None when it has none."""
    if text.istitle() or text.isupper() or text.islower():  # the usual names: no humps, quickly
        return None
    split = _HUMP.sub(" ", text)
    return split if split != text else None


def _forms(words: list[str]) -> tuple[str, ...]:
    """(every word with "&" kept, every word but "&", the stop words left out), without repeats."""
    every = "".join(w[0] for w in words)
    if STOP_WORDS.isdisjoint(words):
        return (every,)
    return every, every.replace("&", ""), "".join(w[0] for w in words if w not in STOP_WORDS)


def _spaced(key: str) -> str:
    return " ".join(key.replace("&", " & ").split()) if "&" in key else key


def _add(out: dict[str, int], candidate: str, strength: int) -> None:
    if MIN <= len(candidate) <= MAX and out.get(candidate, LOOSE) >= strength and candidate.strip("&"):
        out[candidate] = strength


def initialisms(key: str, core: str | None) -> list[tuple[str, int]]:
    """A normalised key's initialisms with STRICT or LOOSE (`core`: the key's core)."""
    if "&" in key:  # "h&r block": h & r block → hrb
        core = _spaced(core) if core and core != key else None
        key = _spaced(key)
    if " " not in key:
        return []
    words = key.split()
    every = "".join(_INITIAL.findall(key))
    if (core is None or " " not in core or core == key) and STOP_WORDS.isdisjoint(words):
        # The usual name: its words' initials, nothing else (quickly: every name is indexed).
        return [(every, STRICT)] if MIN <= len(every) <= MAX else []
    out: dict[str, int] = {}
    forms = _forms(words)
    _add(out, forms[0], STRICT)
    if len(forms) > 1:
        _add(out, forms[1], STRICT)
        _add(out, forms[2], LOOSE)
    if core and core != key and " " in core:
        for form in _forms(core.split()):
            _add(out, form, LOOSE)
    return list(out.items())


def written_initialisms(text: str, key: str, *, alias: bool) -> list[str]:
    """The loose initialisms a name has as written beyond its key's: with the C of its legal form
    (HSBC; an account's name only: aliases are mostly translations, "… Co., Ltd."), from its
    camel-case humps (PwC); usually none."""
    if alias and text.istitle():  # the usual alias: nothing more (quickly: every alias is looked at)
        return []
    legal = None if alias else legal_word(text, key)
    humped = camel_split(text)
    if not legal and not humped:
        return []
    out: dict[str, int] = {}
    if legal:
        _add(out, _forms(_spaced(key).split())[-1] + legal[0], LOOSE)
    if humped and (split := normalise(humped)) != key and " " in split:
        for form, _ in initialisms(split, core(split)):
            _add(out, form, LOOSE)
    return list(out)


def legal_word(text: str, key: str) -> str | None:
    """The first word after the key's in the name as written when it is "company" or
    "corporation" ("corporation" in "The Hongkong and Shanghai Banking Corporation Limited")."""
    found = _COMPANY.search(text)
    if found is None:
        return None
    words = [("&" if w in ("and", "+") else w) for w in _WORDS.findall(text[:found.start()].lower())]
    if words and words[0] == "the":
        del words[0]
    return found.group(1).lower() if words == _spaced(key).split() else None


def query_forms(text: str, key: str, compact: str) -> tuple[str | None, str | None]:
    """(the query as initials, the query as typed when its capitals may be initials): the first
    when it is one short Latin word or single letters ("i b m" from I.B.M.), the second, its
    letters up to the end of that word, when it mixes cases ("PwC" → pc, "BofA" → ba)."""
    if not (key.isascii() and MIN <= len(compact) <= MAX and _QUERY.fullmatch(compact) and compact.strip("&")):
        return None, None
    if " " in key and not all(len(w) == 1 for w in key.split()):
        return None, None
    typed = "".join(c for c in text if c.isalpha() or c == "&")[:len(compact)]  # "Ehave, Inc." → Ehave
    if typed.lower() != compact or typed.isupper() or typed.islower():
        return compact, None
    return compact, typed


def capitals_of(typed: str) -> str | None:
    """A mixed-case query's capitals ("PwC" → pc), None when too few to be initials."""
    found = "".join(c for c in typed if c.isupper() or c == "&").lower()
    return found if MIN <= len(found) < len(typed) else None


def capitals_strength(typed: str, key: str, text: str) -> int | None:
    """How well a mixed-case query abbreviates a name (`key` normalised, `text` as stored): LOOSE
    when the name's camel-case humps match it (PwC: PricewaterhouseCoopers), WEAK when only its
    words do (PwC: Pineway Capital), None when it does not abbreviate the name."""
    humped = camel_split(text)
    if humped and _abbreviates_key(typed, normalise(humped)):
        return LOOSE
    return WEAK if _abbreviates_key(typed, key) else None


def _abbreviates_key(typed: str, key: str) -> bool:
    """Whether the query abbreviates the key's words, or those of its core (trade words left out)."""
    if abbreviates(typed, _spaced(key).split()):
        return True
    distinctive = core(key)
    return bool(distinctive and distinctive != key and abbreviates(typed, _spaced(distinctive).split()))


def abbreviates(typed: str, words: list[str]) -> bool:
    """Whether a mixed-case query abbreviates the words: each capital starts a word, each small
    letter continues the current word or starts the next, and every word but stop words is
    started ("PwC": pricewaterhouse coopers; "BofA": bank of america)."""
    letters = [(c.lower(), c.isupper() or c == "&") for c in typed if c.isalpha() or c == "&"]

    def walk(i: int, j: int, k: int) -> bool:
        # i: next letter; j: current word (-1 before the first); k: next position inside it.
        if i == len(letters):
            return all(w in STOP_WORDS for w in words[j + 1:])
        letter, capital = letters[i]
        if not capital and j >= 0:
            at = words[j].find(letter, k)
            if at > 0 and walk(i + 1, j, at + 1):
                return True
        for nxt in range(j + 1, len(words)):
            if words[nxt][0] == letter and walk(i + 1, nxt, 1):
                return True
            if words[nxt] not in STOP_WORDS:
                break
        return False

    return bool(letters) and letters[0][1] and walk(0, -1, 0)
