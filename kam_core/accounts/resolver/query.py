"""A typed query in every form the index compares: key, compact key, core, pinyin."""

from dataclasses import dataclass

from kam_core.accounts.resolver.normalise import compact, core, has_cjk, normalise, numbers, pinyin, raw


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    raw: str  # legal form kept (see normalise.raw)
    key: str
    compact: str
    core: str | None
    core_compact: str | None
    bare: bool  # nothing was stripped to get the core: the query names only the distinctive part
    designated: bool  # a legal form was typed ("Dave Inc."): the query is a whole registered name
    cjk: bool
    pinyin: str | None
    numbers: frozenset[str]  # normalise.numbers: one of a series

    @classmethod
    def of(cls, text: str) -> "Query":
        key = normalise(text or "")
        flat = compact(key)
        distinctive = core(key) if key else None
        flat_core = compact(distinctive) if distinctive else None
        cjk = has_cjk(flat)
        if cjk:
            spoken = pinyin(flat_core or flat)
        else:
            # Latin letters only may be pinyin typed without an input method ("tengxun").
            spoken = flat if flat.isascii() and flat.isalpha() and len(flat) >= 4 else None
        written = raw(text or "")
        designated = bool(flat) and written.removeprefix("the") != flat.replace("&", "")
        return cls(text, written, key, flat, distinctive, flat_core, distinctive == key, designated, cjk, spoken,
                   numbers(key))
