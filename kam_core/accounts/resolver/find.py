"""`/kam find <words>`: the accounts whose name or alias contains every word typed; no guessing.

Names and words are compared as the resolver compares them (normalise: case, width, accents,
traditional characters and legal forms folded), spaces ignored ("cocacola" finds Coca-Cola).
First the names (or their cores: 腾讯 finds 深圳市腾讯计算机系统) that start with what was typed,
alphabetically, so typing the first letters of a name lists those names; then the other names
holding the words: those with a word starting with the first word typed first, shorter first,
then in the index's order.
"""

from collections import defaultdict
from collections.abc import Iterator

from pydantic import BaseModel

from kam_core.accounts.resolver.index import NameIndex
from kam_core.accounts.resolver.normalise import normalise


class Found(BaseModel):
    account_id: int
    name: str
    matched: str  # the name or alias that holds the words


def found_accounts(index: NameIndex, text: str) -> Iterator[Found]:
    """Every account whose name or alias holds the words of `text`, in the order above, each once."""
    words = normalise(text or "").split()
    if not words:
        return
    seen: set[int] = set()
    for entry in _entries(index, words):
        account = index.entry_account[entry]
        if account not in seen:
            seen.add(account)
            name = index.account_names[account]
            yield Found(account_id=index.account_ids[account], name=name, matched=index.entry_alias[entry] or name)


def _entries(index: NameIndex, words: list[str]) -> Iterator[int]:
    yield from index.starting_with(" ".join(words))
    # Only reached when the names starting with the words did not fill the page. Bucketed, not
    # sorted: two letters can be in most of 100,000s of names.
    ranked: defaultdict[tuple[bool, int], list[int]] = defaultdict(list)
    keys = index.entry_key
    for entry in index.containing(words):
        ranked[not _word_starts(keys[entry], words[0]), len(keys[entry])].append(entry)
    for rank in sorted(ranked):
        yield from ranked[rank]


def _word_starts(key: str, word: str) -> bool:
    return key.startswith(word) or f" {word}" in key
