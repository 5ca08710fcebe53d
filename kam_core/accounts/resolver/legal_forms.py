"""Legal forms written out in full, as their short forms: "Volkswagen Aktiengesellschaft" is
"Volkswagen AG", "Toyota Motor Kabushiki Kaisha" is "Toyota Motor KK".

cleanco (the library whose lists normalise.py strips legal forms with) has the short forms of
every country and, spelled out, only the English words it also strips (company, incorporated,
corporation, limited, unlimited, private). The forms below are the ones it lacks: the full
names of the short forms it has, in the languages of the major company registers, written as
the registers write them (normalise.py folds case and accents the same way it folds names).
Each short form is one cleanco knows, so once a full form is turned into it the usual
stripping drops it from the key, and `raw` compares it to the name as registered ("Merck
Kommanditgesellschaft auf Aktien" is the same as typed as "Merck KGaA", not as "Merck & Co.").
The English words cleanco has are kept here too, for `raw` only ("Apple Incorporated" is
"Apple Inc." as typed). Chinese and Japanese designators (有限公司, 股份有限公司, 株式会社) are
words.CJK_DESIGNATORS: they are stripped wherever they stand.
"""

from collections.abc import Callable

# short form (as cleanco spells it once its dots are dropped) → full forms.
SPELLED_OUT: dict[str, tuple[str, ...]] = {
    # German, Austrian, Swiss
    "ag": ("Aktiengesellschaft",),
    "gmbh": ("Gesellschaft mit beschränkter Haftung", "Gesellschaft mbH"),
    "kgaa": ("Kommanditgesellschaft auf Aktien",),
    "kg": ("Kommanditgesellschaft",),
    "ohg": ("Offene Handelsgesellschaft",),
    "se": ("Societas Europaea", "Europäische Gesellschaft"),
    # French, Belgian, Luxembourg
    "sa": ("Société Anonyme", "Sociedad Anónima", "Sociedade Anónima", "Sociedade Anônima", "Spółka Akcyjna"),
    "sarl": ("Société à Responsabilité Limitée",),
    "sas": ("Société par Actions Simplifiée",),
    "sca": ("Société en Commandite par Actions",),
    # Italian, Spanish, Portuguese
    "spa": ("Società per Azioni",),
    "srl": ("Società a Responsabilità Limitata", "Sociedad de Responsabilidad Limitada"),
    "sl": ("Sociedad Limitada",),
    "ltda": ("Limitada",),
    # Dutch
    "nv": ("Naamloze Vennootschap",),
    "bv": ("Besloten Vennootschap", "Besloten Vennootschap met beperkte aansprakelijkheid"),
    # Nordic
    "ab": ("Aktiebolag", "Aktiebolaget"),
    "as": ("Aksjeselskap", "Aktieselskab"),
    "asa": ("Allmennaksjeselskap",),
    "oy": ("Osakeyhtiö",),
    "oyj": ("Julkinen osakeyhtiö",),
    # Central Europe
    "sro": ("Společnost s ručením omezeným",),
    "sp z oo": ("Spółka z ograniczoną odpowiedzialnością",),
    # English
    "plc": ("Public Limited Company", "Public Company Limited"),
    "llc": ("Limited Liability Company",),
    "llp": ("Limited Liability Partnership",),
    "lp": ("Limited Partnership",),
    "ltd": ("Limited",),
    "inc": ("Incorporated",),
    "corp": ("Corporation",),
    "co": ("Company",),
    "pvt ltd": ("Private Limited",),
    # Japanese (romanised), Malay, Indonesian
    "kk": ("Kabushiki Kaisha", "Kabushikigaisha"),
    "gk": ("Godo Kaisha", "Gōdō Kaisha"),
    "yk": ("Yugen Kaisha", "Yūgen Kaisha"),
    "sdn bhd": ("Sendirian Berhad",),
    "bhd": ("Berhad",),
    "pt": ("Perseroan Terbatas",),
}

# Forms that lead the name as often as they end it ("Kabushiki Kaisha Toshiba", "PT Astra ...").
LEADING = ("kk", "pt")


class FullForms:
    """The spelled-out forms, as token tuples folded like names, turned into their short forms."""

    def __init__(self, fold: Callable[[str], str]):
        self.by_last: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self.by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for short, forms in SPELLED_OUT.items():
            for form in forms:
                words = tuple(fold(form).split())
                pair = (words, tuple(short.split()))
                self.by_last.setdefault(words[-1], []).append(pair)
                if short in LEADING:
                    self.by_first.setdefault(words[0], []).append(pair)
        for table in (self.by_last, self.by_first):
            for pairs in table.values():
                pairs.sort(key=lambda pair: len(pair[0]), reverse=True)

    def shorten(self, tokens: list[str]) -> list[str]:
        """Tokens with a full legal form at their end (after any others) or, for the forms that
        may lead, at their start, replaced by the short form at the end ("kabushiki kaisha
        toshiba" → "toshiba kk"); a name that is nothing but a legal form stays as it is."""
        tokens = self._shorten_tail(tokens)
        if len(tokens) > 2 and (pairs := self.by_first.get(tokens[0])):
            for words, short in pairs:
                size = len(words)
                if size < len(tokens) and tuple(tokens[:size]) == words:
                    return tokens[size:] + list(short)
        return tokens

    def _shorten_tail(self, tokens: list[str]) -> list[str]:
        # Repeatedly from the end: "x gesellschaft mit beschrankter haftung & co kommanditgesellschaft".
        tail: list[str] = []
        while True:
            for words, short in self.by_last.get(tokens[-1], ()) if tokens else ():
                size = len(words)
                if size < len(tokens) and tuple(tokens[-size:]) == words:
                    tail[:0] = short
                    tokens = tokens[:-size]
                    break
            else:
                if tail and len(tokens) > 2 and tokens[-1] in ("&", "co"):
                    tail.insert(0, tokens.pop())  # "& co" between two forms
                    continue
                return tokens + tail
