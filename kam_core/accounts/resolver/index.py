"""The in-process index over every account name and alias.

Built once per process and database, rebuilt only when the account-names change
marker moves (kam_core.changes): one primary-key read per request otherwise.
Lookups: exact (compact key), core, pinyin, prefix (bisect over sorted keys and
cores), initials (acronyms.py: "ibm" → International Business Machines) and an
n-gram inverted index that yields a few dozen fuzzy candidates out of 100,000s
of names without scoring them all.
"""

import gc
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from heapq import nlargest
from operator import itemgetter

from sqlalchemy import null, select, union_all
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias
from kam_core.accounts.resolver.acronyms import (
    LOOSE, STRICT, capitals_of, capitals_strength, initialisms, query_forms, written_initialisms,
)
from kam_core.accounts.resolver.chinese import letter_candidates
from kam_core.accounts.resolver.chinese import letters as chinese_letters
from kam_core.accounts.resolver.grams import grams
from kam_core.accounts.resolver.normalise import core, has_cjk, normalise, pinyin
from kam_core.accounts.resolver.query import Query
from kam_core.accounts.resolver.spaceless import Spaceless
from kam_core.changes import ACCOUNT_NAMES, KeptUntilChanged

# Prefix hits looked at when a short query prefixes thousands of names.
PREFIX_LIMIT = 200
# Posting lists summed for the fuzzy candidates: the rarest grams first, until
# this many entries were counted (a gram every name has tells nothing).
POSTINGS_BUDGET = 40_000
FUZZY_CANDIDATES = 40
# Names a mixed-case query's capitals are checked against at most ("PwC": every "p… c…" name).
CAPITALS_LIMIT = 200
# Later words of names are indexed when at least this long, and kept only when
# at most this many names have them (a trade word like "logistics" tells nothing).
WORD_MIN = 4
WORD_MAX_KEYS = 50
ROWS_PER_FETCH = 10_000


def _add(table: dict, key: str, entry: int) -> bool:
    """Add entry under key; True when the key is new."""
    found = table.get(key)
    if found is None:
        table[key] = entry
        return True
    if isinstance(found, int):
        if found != entry:
            table[key] = [found, entry]
    elif found[-1] != entry:
        found.append(entry)
    return False


def _entries(table: dict, key: str | None) -> list[int]:
    found = table.get(key) if key else None
    if found is None:
        return []
    return [found] if isinstance(found, int) else found


@dataclass
class NameIndex:
    account_ids: array
    account_names: list[str]
    entry_account: array  # entry (one name or alias) → position in account_ids
    entry_key: list[str]  # its normalised key
    entry_core: list[str | None]  # its core (the same object when nothing was stripped)
    entry_alias: list[str | None]  # the alias text, None when the entry is the account's name
    exact: dict  # key → entry or entries
    cores: dict  # core → entry or entries
    pinyins: dict  # pinyin of a CJK core → entry or entries
    keys: list[str]  # distinct keys; the n-gram postings hold positions in it
    sorted_names: list[str]  # distinct keys and cores, sorted, for prefix hits
    postings: dict  # gram → positions in keys
    words: dict  # a later word of a Latin key ("moutai" in "kweichow moutai") → positions in keys
    initials: dict  # an initialism of Latin keys (acronyms.py: "ibm") → positions in keys, strict ones first
    initials_strict: dict  # how many of those, from the first, are strict
    letters: dict  # a character of a Chinese key, or its place's abbreviation (粤: 广东...) → positions in keys

    @classmethod
    def build(cls, rows) -> "NameIndex":
        """rows: (account id, account name, alias text or None)."""
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of new objects, none of them garbage: skip the collector's scans
        try:
            index = cls._build(rows)
        finally:
            if collecting:
                gc.enable()
        # Out of the collector's sight from now on: a full collection would otherwise walk every one of
        # the index's million objects, a pause of ~200 ms in some unlucky request. Refcounting still
        # frees them when a rebuilt index replaces this one (they hold no cycles). Garbage already
        # waiting is collected first, or it would be frozen with them.
        gc.collect()
        gc.freeze()
        return index

    @classmethod
    def _build(cls, rows) -> "NameIndex":
        positions: dict[int, int] = {}
        account_ids, account_names = array("q"), []
        entry_account, entry_key, entry_core, entry_alias = array("I"), [], [], []
        exact, cores, pinyins, keys = {}, {}, {}, []
        # Arrays from the start, not lists: 4 bytes a position instead of an int object and a pointer (36),
        # so building the index peaks some 50 MB lower among 100,000 accounts.
        postings: defaultdict[str, array] = defaultdict(_positions)
        words: defaultdict[str, array] = defaultdict(_positions)
        letters: defaultdict[str, array] = defaultdict(_positions)
        strict: defaultdict[str, array] = defaultdict(_positions)
        loose: defaultdict[str, array] = defaultdict(_positions)
        key_ids: dict[str, int] = {}
        # Many aliases repeat (a brand in several cities): normalise each once. Names are kept out of it:
        # they rarely repeat, and keeping 100,000s of them would raise the build's peak memory for nothing.
        seen: dict[str, tuple] = {}
        for account_id, name, alias in rows:
            position = positions.get(account_id)
            if position is None:
                position = positions[account_id] = len(account_names)
                account_ids.append(account_id)
                account_names.append(name)
            text = alias or name
            known = seen.get(text) if alias is not None else None
            if known is None:
                key = normalise(text)
                if not key:
                    known = (None, None, None, None)
                else:
                    distinctive = core(key)
                    latin = key.isascii()
                    spoken = None if latin else pinyin((distinctive or key).replace(" ", ""))
                    written = written_initialisms(text, key, alias=alias is not None) if latin else None
                    known = (key, distinctive, spoken, written)
                if alias is not None:
                    seen[text] = known
            key, distinctive, spoken, written = known
            if key is None:
                continue
            entry = len(entry_key)
            entry_account.append(position)
            entry_key.append(key)
            entry_core.append(distinctive)
            entry_alias.append(alias)
            found = exact.get(key)
            if found is None:
                exact[key] = entry
                key_id = len(keys)
                keys.append(key)
                flat = key.replace(" ", "")
                for gram in grams(flat):
                    postings[gram].append(key_id)
                if key.isascii():
                    key_ids[key] = key_id
                    if " " in key:
                        for word in key.split()[1:]:
                            if len(word) >= WORD_MIN:
                                words[word].append(key_id)
                    if " " in key or "&" in key:
                        for initialism, strength in initialisms(key, distinctive):
                            (strict if strength == STRICT else loose)[initialism].append(key_id)
                elif has_cjk(key):
                    for letter in chinese_letters(flat):
                        letters[letter].append(key_id)
            elif isinstance(found, int):
                if found != entry:
                    exact[key] = [found, entry]
            elif found[-1] != entry:
                found.append(entry)
            if written:
                for initialism in written:
                    loose[initialism].append(key_ids[key])
            if distinctive:
                _add(cores, distinctive, entry)
            if spoken:
                _add(pinyins, spoken, entry)
        del seen, key_ids, positions
        sorted_names = list(exact)  # the keys, and the cores that are not also keys (no set of both: memory)
        sorted_names += (name for name in cores if name not in exact)
        sorted_names.sort()
        return cls(account_ids, account_names, entry_account, entry_key, entry_core, entry_alias,
                   exact, cores, pinyins, keys, sorted_names,
                   dict(postings),
                   {word: ids for word, ids in words.items() if len(ids) <= WORD_MAX_KEYS},
                   *_initials(strict, loose),
                   letters=dict(letters))

    @property
    def size(self) -> int:
        return len(self.entry_key)

    def exact_hits(self, q: Query) -> list[int]:
        return _entries(self.exact, q.key)

    def core_hits(self, q: Query) -> list[int]:
        return _entries(self.cores, q.core)

    def pinyin_hits(self, q: Query) -> list[int]:
        if not q.pinyin:
            return []
        # A CJK query's pinyin also meets Latin names and aliases written in pinyin (华伟 → huawei).
        return _entries(self.pinyins, q.pinyin) + (_entries(self.exact, q.pinyin) if q.cjk else [])

    def prefix_hits(self, q: Query) -> list[int]:
        names = self.sorted_names
        start = bisect_left(names, q.key)
        end = bisect_left(names, q.key + "\U0010ffff", start, min(start + PREFIX_LIMIT, len(names)))
        hits = []
        for name in names[start:end]:
            hits += _entries(self.exact, name)
            hits += _entries(self.cores, name)
        return hits

    def starting_with(self, key: str) -> Iterator[int]:
        """Every entry whose key or core starts with `key`, alphabetically (no limit: for /kam find)."""
        names = self.sorted_names
        for at in range(bisect_left(names, key), len(names)):
            if not names[at].startswith(key):
                break
            yield from _entries(self.exact, names[at])
            yield from _entries(self.cores, names[at])

    def containing(self, words: list[str]) -> Iterator[int]:
        """Every entry whose key holds each of the words, spaces ignored (for /kam find)."""
        for key in self._spaceless.containing(words):
            yield from _entries(self.exact, key)

    @cached_property
    def _spaceless(self) -> Spaceless:
        return Spaceless(self.keys)

    def names_holding(self, pair: str) -> int:
        """How many distinct keys hold a pair of Chinese characters near their start (grams.py)."""
        return len(self.postings.get(pair, ()))

    def short_name_hits(self, q: Query) -> list[int]:
        """Names a Chinese query may be the exchange short name of (chinese.py: 宝实 for 宝塔实业)."""
        hits = []
        if q.cjk:
            for key_id in letter_candidates(self.letters, self.keys, q.raw):
                hits += _entries(self.exact, self.keys[key_id])
        return hits

    def word_hits(self, q: Query) -> list[int]:
        hits = []
        if " " not in q.key and len(q.key) >= WORD_MIN:
            for key_id in self.words.get(q.key, ()):
                hits += _entries(self.exact, self.keys[key_id])
        return hits

    def initial_hits(self, q: Query) -> dict[int, int]:
        """Entries whose names the query is an initialism of (acronyms.py) → STRICT, LOOSE or WEAK.
        Strict only for an account's own name (an alias's initials are loose: "Beijing Anli
        Trading" is nobody's BAT). A mixed-case query's capitals ("PwC" → pc) count only where its
        letters abbreviate the name: loosely when the name is written in camel case too, weakly
        else; the camel-case names (among the loose ones) are looked at first, CAPITALS_LIMIT at most."""
        plain, typed = query_forms(q.text, q.key, q.compact)
        capitals = capitals_of(typed) if typed else None
        hits: dict[int, int] = {}
        key_ids = self.initials.get(plain) if plain else None
        if key_ids is not None:
            strict_count = self.initials_strict.get(plain, 0)
            for at, key_id in enumerate(key_ids):
                for entry in _entries(self.exact, self.keys[key_id]):
                    if entry not in hits:
                        hits[entry] = STRICT if at < strict_count and self.entry_alias[entry] is None else LOOSE
        key_ids = self.initials.get(capitals) if capitals else None
        if key_ids is not None:
            strict_count = self.initials_strict.get(capitals, 0)
            for key_id in (key_ids[strict_count:] + key_ids[:strict_count])[:CAPITALS_LIMIT]:
                for entry in _entries(self.exact, self.keys[key_id]):
                    if entry not in hits:
                        text = self.entry_alias[entry] or self.account_names[self.entry_account[entry]]
                        if (strength := capitals_strength(typed, self.keys[key_id], text)) is not None:
                            hits[entry] = strength
        return hits

    def fuzzy_hits(self, q: Query) -> list[int]:
        wanted = grams(q.compact)
        if q.core_compact and q.core_compact != q.compact:
            wanted |= grams(q.core_compact)
        lists = sorted((p for g in wanted if (p := self.postings.get(g)) is not None), key=len)
        counts: Counter = Counter()
        spent = 0
        for posting in lists:
            if spent and spent + len(posting) > POSTINGS_BUDGET:
                break
            counts.update(posting)
            spent += len(posting)
        if not counts:
            return []
        top = nlargest(FUZZY_CANDIDATES * 5, counts.items(), key=itemgetter(1))
        size = len(wanted)
        keys = self.keys
        # Dice coefficient on gram counts, so long names sharing many grams by chance do not crowd out.
        ranked = nlargest(FUZZY_CANDIDATES, top, key=lambda item: item[1] / (size + len(keys[item[0]])))
        hits = []
        for key_id, _ in ranked:
            hits += _entries(self.exact, keys[key_id])
        return hits


def _positions() -> array:
    return array("I")


def _initials(strict: dict, loose: dict) -> tuple[dict, dict]:
    """One table for both strengths: key positions, strict ones first, and the count of those."""
    table, counts = {}, {}
    for initialism in strict.keys() | loose.keys():
        first = strict.get(initialism) or _positions()
        table[initialism] = first + loose.get(initialism, _positions())
        if first:
            counts[initialism] = len(first)
    return table, counts


_index = KeptUntilChanged(ACCOUNT_NAMES, lambda session: NameIndex.build(account_rows(session)))


def name_index(session: Session) -> NameIndex:
    """This process's index for the session's database, rebuilt only when the
    account-names change marker moved (one primary-key read per request)."""
    return _index.get(session)


def account_rows(session: Session) -> Iterator[tuple[int, str, str | None]]:
    """(account id, account name, alias or None) for every name and alias: one statement, read in batches.
    On PostgreSQL inside a transaction it is streamed from a server-side cursor (libpq would otherwise hold
    the quarter of a million rows at once, 15 MB more at the build's peak); a read-only request's session
    is in autocommit, where PostgreSQL has no such cursor, and reads it whole."""
    statement = union_all(
        select(Account.id, Account.name, null()),
        select(AccountAlias.account_id, Account.name, AccountAlias.alias)
        .join(Account, Account.id == AccountAlias.account_id))
    connection = session.connection()
    autocommit = connection.dialect.name == "postgresql" and connection.connection.dbapi_connection.autocommit
    # (yield_per would ask for the server-side cursor too)
    options = {} if autocommit else {"stream_results": True, "yield_per": ROWS_PER_FETCH}
    for batch in connection.execute(statement, execution_options=options).partitions(ROWS_PER_FETCH):
        yield from batch
