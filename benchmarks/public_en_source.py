"""How tests/data/resolution_public_en.csv and resolution_public_en_accounts.csv were derived (run once; the
files are kept as data). See tests/data/README.md, "The public evaluation set".

    python benchmarks/public_en_source.py EDGARTOOLS_WHEEL PYTICKERSYMBOLS_WHEEL

Sources, both MIT-licensed packages on PyPI, read from their wheels (`pip download --no-deps`):
- edgartools 5.62.1, `edgar/reference/data/company_tickers.parquet`: the SEC's list of companies that file
  with it (CIK, ticker, exchange, name as registered with the SEC: "INTERNATIONAL BUSINESS MACHINES CORP").
  Reading it needs pyarrow (not a project dependency: this script is not part of the tests).
- pytickersymbols 1.17.10, `pytickersymbols/indices_data.py`: the members of 20 stock indices as Wikipedia
  lists them, with the name Wikipedia uses ("IBM", "ADP", "O'Reilly Auto Parts") and the legal form
  Wikipedia gives ("Aktiengesellschaft", "Societas Europaea", "Public ( K.K )").

Rows (`account,query,kind,source`):
- acronym: the SEC name is the account, the query is (a) Wikipedia's name for the same ticker when it is one
  word of capitals that is not a word of the SEC name ("ADP" for AUTOMATIC DATA PROCESSING INC), or (b) the
  ticker itself when it spells the initials of the SEC name's words, its legal form left out ("IBM",
  "AMD" for ADVANCED MICRO DEVICES INC).
- short_form: Wikipedia's name for the ticker when it differs from the SEC name by more than the legal
  form, case and punctuation ("Amazon" for AMAZON COM INC, "O'Reilly Auto Parts" for O REILLY AUTOMOTIVE INC).
  A pair is left out when the two names share nothing (`related`: a ticker of one exchange is another
  company's on another), or when Wikipedia's name is another SEC company's name.
- legal_form: a European or Japanese index member with the legal form Wikipedia gives (and not also in the
  SEC's list, where it would be a second account for the same company), one of the two
  names with the form abbreviated, the other with it written out ("Volkswagen AG" / "Volkswagen
  Aktiengesellschaft"); which one is the account is chosen by a hash of the name. The abbreviations are
  the usual ones (LEGAL_FORMS below).
- none_en: SEC names of companies that are not among the accounts (one in ten of those not used above,
  by a hash of the CIK), none of them equal to an account once the legal form and case are left out.
The accounts file holds every account of the rows and, as the English part of the bench world, one in
two of the other SEC companies (by a hash of the CIK).
"""

import csv
import re
import sys
import zipfile
from pathlib import Path

from cleanco import basename

from kam_core.accounts.resolver.publicset import bucket, plain

OUT = Path(__file__).resolve().parent.parent / "tests" / "data"

# Wikipedia's legal form (as it appears in the infobox's "type") → (written out, abbreviated).
LEGAL_FORMS = [
    (r"kommanditgesellschaft auf aktien|kgaa", "Kommanditgesellschaft auf Aktien", "KGaA"),
    (r"societas europaea|\bSE\b", "Societas Europaea", "SE"),
    (r"aktiengesellschaft|\bAG\b", "Aktiengesellschaft", "AG"),
    (r"public limited company|\bplc\b", "Public Limited Company", "plc"),
    (r"soci[eé]t[eé] anonyme", "Société Anonyme", "S.A."),
    (r"sociedad an[oó]nima", "Sociedad Anónima", "S.A."),
    (r"societ[aà] per azioni|s\.p\.a\.", "Società per Azioni", "S.p.A."),
    (r"naamloze vennootschap|\bN\.V\.", "Naamloze Vennootschap", "N.V."),
    (r"julkinen osakeyhti[oö]", "Julkinen osakeyhtiö", "Oyj"),
    (r"aktiebolag", "Aktiebolag", "AB"),
    (r"kabushiki gaisha|\bK\.?K\.?\b", "Kabushiki Kaisha", "K.K."),
]
ABBREVIATIONS = r"(?:,?\s+&?\s*(?:AG|SE|plc|PLC|S\.A\.?|SA|S\.p\.A\.?|N\.V\.?|NV|Oyj|AB|K\.K\.?|KGaA|& Co\.? KGaA))+$"


def words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9A-Za-z]+", basename(name.replace("/", " "))) if w]


def initials(name: str) -> str:
    return "".join(w[0] for w in words(name) if w.lower() != "the").upper()


def sec_companies(wheel: Path) -> list[dict]:
    import io

    import pyarrow.parquet as pq

    with zipfile.ZipFile(wheel) as archive:
        table = pq.read_table(io.BytesIO(archive.read("edgar/reference/data/company_tickers.parquet")))
    listed = table.to_pylist()
    tickers: dict[str, list[str]] = {}
    for row in listed:
        tickers.setdefault(row["cik"], []).append(row["ticker"])
    seen, out = set(), []
    for row in listed:  # the SEC lists one row per ticker; a company's first ticker is its main one
        # The SEC's own marks are not part of the name: its state of incorporation or a note ("/DE", "/NEW").
        name = re.sub(r"(?:\s*/\s*[A-Z][A-Za-z]{0,5}\.?/?)+$|/$", "", (row["name"] or "").strip()).strip()
        if name and row["cik"] not in seen:
            seen.add(row["cik"])
            out.append({"cik": row["cik"], "ticker": row["ticker"], "name": name, "tickers": tickers[row["cik"]]})
    return out


def index_members(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("pytickersymbols/indices_data.py").decode("utf-8")
    scope: dict = {}
    exec(compile(source, "indices_data.py", "exec"), scope)  # a module of one literal dict, INDICES
    members = {}
    for index_name, index in scope["INDICES"].items():
        for company in index["companies"]:
            members.setdefault(company["name"], {**company, "indices": set()})["indices"].add(index_name)
    return list(members.values())


US_INDICES = {"S&P 100", "S&P 500", "S&P 600", "NASDAQ 100", "DOW JONES"}


def related(wiki: str, legal: str) -> bool:
    """A check against a wrong join (a ticker of one exchange is another company's elsewhere): the two
    names share a word of three letters or more, one holding the other's ("MicroStrategy", Strategy Inc),
    or the short one's letters are the long one's initial and then some of its letters, in order
    ("FICO", FAIR ISAAC CORP)."""
    a, b = {w.lower() for w in words(wiki) if len(w) >= 3}, {w.lower() for w in words(legal) if len(w) >= 3}
    joined_a, joined_b = "".join(words(wiki)).lower(), "".join(words(legal)).lower()
    if a & b or any(w in joined_b for w in a) or any(w in joined_a for w in b):
        return True
    letters = iter(joined_b)
    return bool(joined_a) and joined_a[0] == joined_b[:1] and all(ch in letters for ch in joined_a)


def main(edgar_wheel: Path, tickers_wheel: Path) -> None:
    sec = sec_companies(edgar_wheel)
    by_ticker = {t: c for c in sec for t in c["tickers"]}
    members = index_members(tickers_wheel)
    sec_plain = {plain(c["name"]): c["cik"] for c in sec}
    sec_words = [f" {p} " for p in sec_plain]
    rows, used = [], set()

    def add(account, query, kind, source):
        if (account, query) not in {(r[0], r[1]) for r in rows}:
            rows.append((account, query, kind, source))

    for member in members:
        company = by_ticker.get(member.get("symbol") or "") if member["indices"] & US_INDICES else None
        if company is None:
            continue
        wiki = re.sub(r"\s*\([^)]*\)$", "", member["name"]).strip()  # Wikipedia's "(company)", "(Ohio)"
        legal = company["name"]
        if plain(wiki) == plain(legal) or not plain(wiki) or not related(wiki, legal):
            continue
        if plain(wiki) in sec_plain and sec_plain[plain(wiki)] != company["cik"]:
            continue  # Wikipedia's name is another SEC company's: a wrong label, or one no name could tell
        capitals = re.fullmatch(r"[A-Z][A-Za-z0-9&]{1,5}", wiki) and sum(ch.isupper() for ch in wiki) >= 2
        if capitals and wiki.lower() not in {w.lower() for w in words(legal)}:
            add(legal, wiki, "acronym", "wikipedia-name")
        else:
            add(legal, wiki, "short_form", "wikipedia-name")
        used.add(company["cik"])
    for company in sec:
        ticker = company["ticker"]
        if (re.fullmatch(r"[A-Z]{3,5}", ticker) and len(words(company["name"])) >= 2
                and initials(company["name"]) == ticker):
            add(company["name"], ticker, "acronym", "sec-ticker-initials")
            used.add(company["cik"])
    for member in members:
        kind = (member.get("metadata") or {}).get("company_type") or ""
        form = next(((full, abbr) for pattern, full, abbr in LEGAL_FORMS if re.search(pattern, kind, re.I)), None)
        if form is None or (member.get("country") or "") == "United States":
            continue
        stem = re.sub(ABBREVIATIONS, "", re.sub(r"\s*\([^)]*\)", "", member["name"]).strip()).strip(" ,&")
        if form[1] == "K.K.":  # 株式会社 is what "Corporation" and "Co., Ltd." translate: not both
            stem = re.sub(r",?\s+(?:Corporation|Company|Co\.,? Ltd\.?|Co\.|Limited|Inc\.?)$", "", stem)
        if any(f" {plain(stem)} " in names for names in sec_words):
            continue  # also filed with the SEC (an ADR: L AIR LIQUIDE SA, TOYOTA MOTOR CORP): one company, one account
        short, long = f"{stem} {form[1]}", f"{stem} {form[0]}"
        account, query = (long, short) if bucket("legal-form", stem) < 0.5 else (short, long)
        add(account, query, "legal_form", "wikipedia-type")

    accounts = list(dict.fromkeys(r[0] for r in rows))
    taken = {plain(a) for a in accounts}
    rest = [c for c in sec if c["cik"] not in used and c["name"] not in accounts]
    background = [c["name"] for c in rest if bucket("background", c["cik"]) < 0.5]
    taken |= {plain(n) for n in background}
    for company in rest:
        if bucket("background", company["cik"]) >= 0.5 and bucket("none", company["cik"]) < 0.1 \
                and plain(company["name"]) not in taken:
            rows.append(("", company["name"], "none_en", "sec-name"))
    OUT.mkdir(exist_ok=True)
    with open(OUT / "resolution_public_en.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["account", "query", "kind", "source"])
        out.writerows(rows)
    with open(OUT / "resolution_public_en_accounts.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["name"])
        out.writerows([n] for n in dict.fromkeys(accounts + background))
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row[2]] = kinds.get(row[2], 0) + 1
    print(kinds, len(accounts) + len(background), "accounts")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
