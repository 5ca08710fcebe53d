"""Character n-grams for candidate generation: trigrams of Latin keys (with
start/end marks), characters and character pairs of CJK keys (no word spaces)."""

from kam_core.accounts.resolver.normalise import has_cjk


def grams(flat: str) -> set[str]:
    if has_cjk(flat):
        return {*flat, *(flat[i:i + 2] for i in range(len(flat) - 1))}
    padded = f"^{flat}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}
