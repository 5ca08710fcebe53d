"""Character n-grams for candidate generation: trigrams of Latin keys (with
start/end marks), character pairs of CJK keys (no word spaces). Only the start
of a long name is indexed: typed names are mostly its first words, and it keeps
the index small."""

from kam_core.accounts.resolver.normalise import has_cjk

LATIN_SPAN = 12
CJK_SPAN = 8


def _slices(n: int, width: int) -> list[slice]:
    return [slice(i, i + width) for i in range(max(1, n - width + 1))]


_TRIGRAMS = [_slices(n, 3) for n in range(LATIN_SPAN + 3)]
_BIGRAMS = [_slices(n, 2) for n in range(CJK_SPAN + 1)]


def grams(flat: str) -> set[str]:
    if not flat.isascii() and has_cjk(flat):
        head = flat[:CJK_SPAN]
        return set(map(head.__getitem__, _BIGRAMS[len(head)]))
    padded = f"^{flat}$" if len(flat) <= LATIN_SPAN else f"^{flat[:LATIN_SPAN]}"
    return set(map(padded.__getitem__, _TRIGRAMS[len(padded)]))
