"""What a name becomes before it is compared.

- `normalise`: NFKC (full-width → half-width), case folded, traditional Chinese
  and Japanese kanji folded to simplified, Latin accents dropped, punctuation
  to spaces, legal designators removed (cleanco's lists for Latin scripts, ours
  for CJK). "Acme Corp." → "acme", "華為技術有限公司" → "华为技术".
- `core`: the part that tells one company from another: leading place names
  (北京, 深圳市, 中国) and trailing trade words (科技, 技术, group, holdings) removed.
  None when nothing distinctive is left (中国银行 has no core).
- `compact`: spaces dropped ("coca cola" = "cocacola"; CJK has no spaces anyway).
- `pinyin`: the toneless pinyin of a name's CJK characters, so 腾迅 (an input-method
  homophone typo) meets 腾讯 and "tengxun" meets 腾讯.
"""

import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from cleanco import prepare_default_terms
from zhconv import zhconv

from kam_core.accounts.resolver.legal_forms import FullForms
from kam_core.accounts.resolver.words import (
    CJK_DESIGNATORS, GENERIC_CJK, GENERIC_LATIN, PLACE_ENDINGS, PLACES,
)

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_DESIGNATOR = re.compile("(" + "|".join(map(re.escape, CJK_DESIGNATORS)) + ")")
_PLACE = re.compile("^(" + "|".join(sorted(PLACES, key=len, reverse=True)) + ")(" + "|".join(PLACE_ENDINGS) + ")?")
_GENERIC_TAIL = re.compile("(" + "|".join(GENERIC_CJK) + ")$")
_PARENS = re.compile(r"\(([^()]*)\)")
_NOT_WORD = re.compile(r"[^\w&]+|_")
_PUNCTUATION = re.compile(r"[^\w\s&]|_")
_LATIN_ACCENTED = re.compile(r"[\u00c0-\u024f]")


def _terms_by_last_word() -> dict[str, list[tuple[str, ...]]]:
    """cleanco's legal terms, by their last word, longest first."""
    by_last: dict[str, list[tuple[str, ...]]] = {}
    for _size, parts in prepare_default_terms():
        by_last.setdefault(parts[-1], []).append(tuple(parts))
    return {last: sorted(set(terms), key=len, reverse=True) for last, terms in by_last.items()}


_LEGAL_TERMS = _terms_by_last_word()


def _simplified_table() -> dict[int, str]:
    zhconv.loaddict()
    return {ord(k): v for k, v in zhconv.getdict("zh-hans").items() if len(k) == 1 and len(v) == 1}


_SIMPLIFIED = _simplified_table()


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


def _fold(name: str) -> str:
    if name.isascii():
        return name.lower().replace("'", "")  # McDonald's → mcdonalds
    text = unicodedata.normalize("NFKC", name).casefold().translate(_SIMPLIFIED)
    text = text.replace("'", "").replace("\u2019", "")
    if _LATIN_ACCENTED.search(text):
        # Decompose, then drop marks that sit on Latin letters only (kana keep their dakuten).
        decomposed = unicodedata.normalize("NFKD", text)
        kept = [c for i, c in enumerate(decomposed)
                if not (unicodedata.combining(c) and i and decomposed[i - 1] < "\u0250")]
        text = unicodedata.normalize("NFC", "".join(kept)).replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    return text


# Legal forms written out ("Aktiengesellschaft") as their short forms ("ag"), folded like names.
_FULL_FORMS = FullForms(_fold)


def _drop_legal_tail(tokens: list[str]) -> list[str]:
    """Strip trailing legal terms, repeatedly ("Co., Ltd.", "AG & Co. KGaA"), keeping one token at least."""
    if len(tokens) < 2 or tokens[-1].replace(".", "").replace("-", "") not in _LEGAL_TERMS:
        return tokens  # most names: nothing to strip (quickly: every name is normalised to build the index)
    plain = [t.replace(".", "").replace(",", "").replace("-", "") for t in tokens]
    end = len(tokens)
    while end > 1:
        terms = _LEGAL_TERMS.get(plain[end - 1])
        if terms is None:
            break
        for term in terms:
            size = len(term)
            if size < end and (size == 1 or tuple(plain[end - size:end]) == term):
                end -= size
                break
        else:
            break
    return tokens[:end]


def _strip_cjk_designators(text: str) -> str:
    def parenthesised(match: re.Match) -> str:
        inner = match.group(1).strip()
        if _CJK_DESIGNATOR.fullmatch(inner) or _PLACE.fullmatch(inner) or inner in {"publ", "the"}:
            return " "
        return f" {inner} "

    if "(" in text:
        text = _PARENS.sub(parenthesised, text)
    if text.isascii() or not has_cjk(text):
        return text
    stripped = _CJK_DESIGNATOR.sub(" ", text)
    return stripped if stripped.strip() else text


def _tokens(text: str) -> list[str]:
    """Words split at spaces and commas, without the dots, commas and dashes around them."""
    return [word for part in text.replace(",", " ").split() if (word := part.strip(".,-"))]


@lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    text = _strip_cjk_designators(_fold(name))
    tokens = _tokens(text)
    if not tokens:
        return ""
    if tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    tokens = _drop_legal_tail(_FULL_FORMS.shorten(tokens))
    if "and" in tokens or "+" in tokens:
        tokens = ["&" if t in {"and", "+"} else t for t in tokens]
    joined = " ".join(tokens)
    if not _PUNCTUATION.search(joined):
        return joined
    return " ".join(_NOT_WORD.sub(" ", joined).split()) or joined


@lru_cache(maxsize=4096)
def raw(name: str) -> str:
    """The name as typed, legal form included (a full form as its short form: legal_forms.py),
    without case, width, accents or punctuation."""
    text = _fold(name)
    tokens = _tokens(text)
    if tokens and (shorter := _FULL_FORMS.shorten(tokens)) != tokens:
        text = " ".join(shorter)
    return _NOT_WORD.sub("", text).replace("&", "")


_DIGITS = re.compile(r"\d+")
_ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii".split())


@lru_cache(maxsize=4096)
def numbers(key: str) -> frozenset[str]:
    """The numbers in a key, digits or (after its first word) Roman numerals: what tells one of a
    series from the next ("gigcapital7", "texas ventures acquisition iv")."""
    found = set(_DIGITS.findall(key))
    if " " in key:
        found.update(t for t in key.split()[1:] if t in _ROMAN)
    return frozenset(found)


def compact(key: str) -> str:
    return key.replace(" ", "")


def core(key: str) -> str | None:
    """The distinctive part of a normalised key (the key itself when nothing is stripped),
    or None when only places and trade words are left."""
    if not key.isascii() and has_cjk(key):
        text = compact(key)
        text = _PLACE.sub("", text, count=1) or text
        while True:
            shorter = _GENERIC_TAIL.sub("", text)
            if shorter == text or not shorter:
                break
            text = shorter
        if _PLACE.fullmatch(text) or _GENERIC_TAIL.fullmatch(text):
            return None
        return key if text == key else text
    tokens = key.split()
    if tokens and tokens[-1] not in GENERIC_LATIN:
        return key  # most names (quickly: every name is looked at to build the index)
    while len(tokens) > 1 and tokens[-1] in GENERIC_LATIN:
        tokens.pop()
    if all(t in GENERIC_LATIN for t in tokens):
        return None
    stripped = " ".join(tokens)
    return key if stripped == key else stripped


def _pinyin_table() -> dict[str, str]:
    # pypinyin's file of single characters, read without importing pypinyin: importing it loads its
    # phrase dictionary too, 50 MB more in every server process for nothing we use.
    package = importlib.util.find_spec("pypinyin")
    readings_by_code = json.loads((Path(next(iter(package.submodule_search_locations))) / "pinyin_dict.json")
                                  .read_text(encoding="utf-8"))
    table = {}
    for code, readings in readings_by_code.items():
        code = int(code)
        first = readings.split(",")[0]
        table[chr(code)] = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    return table


_PINYIN = _pinyin_table()


def pinyin(key: str) -> str | None:
    """Toneless pinyin of a key made of Chinese characters (None when it has other letters)."""
    out = []
    for ch in key:
        syllable = _PINYIN.get(ch)
        if syllable is None:
            if ch == " ":
                continue
            return None
        out.append(syllable)
    return "".join(out) or None
