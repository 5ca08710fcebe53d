"""The in-process index over every account name and alias.

Built once per process and database, rebuilt only when the account-names change
marker moves (kam_core.changes): one primary-key read per request otherwise.
Lookups: exact (compact key), core, pinyin, prefix (bisect over sorted keys and
cores) and an n-gram inverted index that yields a few dozen fuzzy candidates
out of 100,000s of names without scoring them all.
"""

import threading
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from heapq import nlargest
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias
from kam_core.accounts.resolver.grams import grams
from kam_core.accounts.resolver.normalise import compact, core, has_cjk, normalise, pinyin
from kam_core.accounts.resolver.query import Query
from kam_core.changes import ACCOUNT_NAMES, version

# Prefix hits looked at when a short query prefixes thousands of names.
PREFIX_LIMIT = 200
# Posting lists summed for the fuzzy candidates: the rarest grams first, until
# this many entries were counted (a gram every name has tells nothing).
POSTINGS_BUDGET = 40_000
FUZZY_CANDIDATES = 40


def _add(table: dict, key: str, entry: int) -> None:
    found = table.get(key)
    if found is None:
        table[key] = entry
    elif isinstance(found, int):
        if found != entry:
            table[key] = [found, entry]
    elif found[-1] != entry:
        found.append(entry)


def _entries(table: dict, key: str | None) -> list[int]:
    found = table.get(key) if key else None
    if found is None:
        return []
    return [found] if isinstance(found, int) else found


@dataclass
class NameIndex:
    version: int
    account_ids: array
    account_names: list[str]
    entry_account: array  # entry → position in account_ids
    entry_key: list[str]  # normalised key
    entry_core: list[str | None]  # compact core
    entry_alias: list[str | None]  # the alias text, None when the entry is the account's name
    exact: dict
    cores: dict
    pinyins: dict
    sorted_keys: list[str]  # compact keys and cores, sorted, for prefix hits
    sorted_entries: array
    postings: dict

    @classmethod
    def build(cls, rows, version: int = 0) -> "NameIndex":
        """rows: (account id, account name, alias text or None)."""
        positions: dict[int, int] = {}
        account_ids, account_names = array("q"), []
        entry_account, entry_key, entry_core, entry_alias = array("I"), [], [], []
        exact, cores, pinyins, postings = {}, {}, {}, {}
        prefixable = []
        for account_id, name, alias in rows:
            position = positions.get(account_id)
            if position is None:
                position = positions[account_id] = len(account_names)
                account_ids.append(account_id)
                account_names.append(name)
            key = normalise(alias or name)
            if not key:
                continue
            entry = len(entry_key)
            flat = compact(key)
            distinctive = core(key)
            flat_core = compact(distinctive) if distinctive else None
            entry_account.append(position)
            entry_key.append(key)
            entry_core.append(flat_core)
            entry_alias.append(alias)
            _add(exact, flat, entry)
            prefixable.append((flat, entry))
            if flat_core:
                _add(cores, flat_core, entry)
                if flat_core != flat:
                    prefixable.append((flat_core, entry))
            if has_cjk(flat):
                for spoken in {pinyin(flat), pinyin(flat_core) if flat_core else None}:
                    if spoken:
                        _add(pinyins, spoken, entry)
            for gram in grams(flat):
                posting = postings.get(gram)
                if posting is None:
                    postings[gram] = posting = array("I")
                posting.append(entry)
        prefixable.sort()
        return cls(version, account_ids, account_names, entry_account, entry_key, entry_core, entry_alias,
                   exact, cores, pinyins, [p[0] for p in prefixable], array("I", (p[1] for p in prefixable)),
                   postings)

    @property
    def size(self) -> int:
        return len(self.entry_key)

    def exact_hits(self, q: Query) -> list[int]:
        return _entries(self.exact, q.compact)

    def core_hits(self, q: Query) -> list[int]:
        return _entries(self.cores, q.core)

    def pinyin_hits(self, q: Query) -> list[int]:
        if not q.pinyin:
            return []
        # A CJK query's pinyin also meets Latin names and aliases written in pinyin (华伟 → huawei).
        return _entries(self.pinyins, q.pinyin) + (_entries(self.exact, q.pinyin) if q.cjk else [])

    def prefix_hits(self, q: Query) -> list[int]:
        start = bisect_left(self.sorted_keys, q.compact)
        end = bisect_left(self.sorted_keys, q.compact + "\U0010ffff", start,
                          min(start + PREFIX_LIMIT, len(self.sorted_keys)))
        return list(self.sorted_entries[start:end])

    def fuzzy_hits(self, q: Query) -> list[int]:
        wanted = grams(q.compact)
        if q.core and q.core != q.compact:
            wanted |= grams(q.core)
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
        key_len = self.entry_key
        # Dice coefficient on gram counts, so long names sharing many grams by chance do not crowd out.
        ranked = nlargest(FUZZY_CANDIDATES, top, key=lambda item: item[1] / (size + len(key_len[item[0]])))
        return [entry for entry, _ in ranked]


_indexes: dict[str, NameIndex] = {}
_lock = threading.Lock()


def name_index(session: Session) -> NameIndex:
    """This process's index for the session's database, rebuilt only when the
    account-names change marker moved (one primary-key read per request)."""
    current = version(session, ACCOUNT_NAMES)
    url = str(session.get_bind().engine.url)
    index = _indexes.get(url)
    if index is None or index.version != current:
        with _lock:
            index = _indexes.get(url)
            if index is None or index.version != current:
                index = _indexes[url] = NameIndex.build(account_rows(session), current)
    return index


def account_rows(session: Session):
    """(account id, account name, alias or None) for every name and alias."""
    yield from ((id_, name, None) for id_, name in session.execute(select(Account.id, Account.name)))
    yield from ((id_, name, alias) for id_, name, alias in session.execute(
        select(AccountAlias.account_id, Account.name, AccountAlias.alias).join(
            Account, AccountAlias.account_id == Account.id)))
