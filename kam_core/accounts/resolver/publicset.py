"""The public evaluation set (issue 18): queries built from real, public sources, not written here.

Two sources (tests/data/README.md says where each comes from):
- ../shared/data/cn-listed-companies/companies.csv, read at run time and never copied into the
  project: 1,954 A-share listed companies. The registered name (`full_name`) is the account; the
  exchange short name (`short_name`) is the query, kind `cn_short`, with the exchange's markers a rep
  would not type taken off (ST, *ST, S, N, C, XD/XR/DR before the name; A/B, 退 and -U/-W after it).
  A quarter of the companies are also asked by their English name as listed (kind `english_name`:
  the account holds only the Chinese name, as a CRM imported from a Chinese system does). One
  company in ten is left out of the accounts: its short name must match nothing (kind `none_zh`).
- tests/data/resolution_public_en.csv: English legal names with their short forms and acronyms from
  public labelled name pairs (kinds `acronym`, `short_form`, `legal_form`), and real names that are
  not among the accounts (`none_en`); tests/data/resolution_public_en_accounts.csv: the English
  accounts (the pairs' and other SEC-registered companies). benchmarks/public_en_source.py says how
  both were derived from the SEC's company list and Wikipedia's index members.

Hold-out: "we measure on other companies than those in that file, so tune for the patterns, not for
the names". Every case is in one of two halves, `tuning` or `held_out`, chosen by a hash of the
company's code (the account's name for the English pairs), so the halves never change and one
company's queries are all in the same half. Tune on one half, check on the other: the benchmark
reports both.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cleanco import basename

from kam_core.accounts.resolver.evaluation import Case

ROOT = Path(__file__).resolve().parents[3]
LISTED_COMPANIES = ROOT.parent / "shared" / "data" / "cn-listed-companies" / "companies.csv"
ENGLISH_PAIRS = ROOT / "tests" / "data" / "resolution_public_en.csv"
ENGLISH_ACCOUNTS = ROOT / "tests" / "data" / "resolution_public_en_accounts.csv"

TUNING, HELD_OUT = "tuning", "held_out"
NONE_SHARE = 0.10      # companies left out of the accounts, asked as "must match nothing"
ENGLISH_SHARE = 0.25   # companies also asked by their English name

_CJK = r"[\u3400-\u9fff]"
# Before the name: special treatment (ST, *ST), share reform not done (S, SST, S*ST), first days
# of trading (N, C), ex-dividend / ex-rights (XD, XR, DR). After it: the share class (A, B),
# delisting (退), STAR market marks (-U not yet profitable, -W weighted voting rights, -UW, -WD).
_PREFIX = re.compile(rf"^(?:S\*ST|SST|\*ST|ST|XD|XR|DR|S|N|C)(?={_CJK})")
_SUFFIX = re.compile(rf"(?:(?<={_CJK})[AB]|退|-[UWD]{{1,2}})$")


class MissingSource(FileNotFoundError):
    pass


@dataclass(frozen=True)
class ListedCompany:
    code: str
    short_name: str  # as the exchange prints it
    full_name: str
    english_name: str

    @property
    def typed(self) -> str:
        return short_name_as_typed(self.short_name)


def short_name_as_typed(short_name: str) -> str:
    """The exchange short name without the markers a rep would not type: *ST美丽 → 美丽, 深物业A → 深物业."""
    name = short_name.strip()
    while (stripped := _PREFIX.sub("", name)) != name:
        name = stripped
    while (stripped := _SUFFIX.sub("", name)) != name:
        name = stripped
    return name


def bucket(salt: str, key: str) -> float:
    """A stable number in [0, 1) for `key` (the same on every machine and run)."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def half(key: str) -> str:
    return TUNING if bucket("half", key) < 0.5 else HELD_OUT


def read_listed_companies(path: Path | None = None) -> list[ListedCompany]:
    path = path or LISTED_COMPANIES
    if not path.exists():
        raise MissingSource(f"the listed companies file is not there: {path} "
                            "(the shared data, see tests/data/README.md)")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [ListedCompany(row["ts_code"].strip(), row["short_name"].strip(), row["full_name"].strip(),
                              (row.get("english_name") or "").strip())
                for row in csv.DictReader(handle) if row["full_name"].strip() and row["short_name"].strip()]


def chinese_part(companies: list[ListedCompany]) -> tuple[list[Case], list[str]]:
    """The cases and the accounts (registered names) of the listed companies."""
    cases, accounts = [], []
    for company in companies:
        part = half(company.code)
        if bucket("none", company.code) < NONE_SHARE:
            cases.append(Case(company.typed, None, "none_zh", part))
            continue
        accounts.append(company.full_name)
        cases.append(Case(company.typed, company.full_name, "cn_short", part))
        if company.english_name and bucket("english", company.code) < ENGLISH_SHARE:
            cases.append(Case(company.english_name, company.full_name, "english_name", part))
    taken = set(accounts)
    # A left-out company's short name may be another's account name exactly: then it names that one.
    cases = [c for c in cases if not (c.expected is None and c.query in taken)]
    return cases, accounts


def read_english_pairs(path: Path | None = None, accounts_path: Path | None = None
                       ) -> tuple[list[Case], list[str]]:
    """`account,query,kind,source`; an empty account is a name that must match nothing. The accounts:
    the pairs' and those of `accounts_path` (`name`)."""
    path, accounts_path = path or ENGLISH_PAIRS, accounts_path or ENGLISH_ACCOUNTS
    if not path.exists():
        return [], []
    cases, accounts = [], []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            account = (row.get("account") or "").strip() or None
            query = row["query"].strip()
            cases.append(Case(query, account, row["kind"].strip(), half(account or query)))
            if account:
                accounts.append(account)
    if accounts_path.exists():
        with open(accounts_path, newline="", encoding="utf-8-sig") as handle:
            accounts += [row["name"].strip() for row in csv.DictReader(handle) if row["name"].strip()]
    return cases, list(dict.fromkeys(accounts))


def public_set(listed: Path | None = None, english: Path | None = None, english_accounts: Path | None = None
               ) -> tuple[list[Case], list[tuple[str, list[str]]]]:
    """The cases and the accounts (`(name, aliases)`, none with aliases) of the public set. Raises
    MissingSource without the listed companies' file: the set is not the set without its Chinese part."""
    companies = read_listed_companies(listed)
    cn_cases, cn_accounts = chinese_part(companies)
    en_cases, en_accounts = read_english_pairs(english, english_accounts)
    # A listed company that also files with the SEC (CHINA PETROLEUM & CHEMICAL CORP) is one company:
    # its English account and queries go, the Chinese account stays.
    listed_english = {plain(c.english_name) for c in companies if c.english_name}
    en_accounts = [a for a in en_accounts if plain(a) not in listed_english]
    en_cases = [c for c in en_cases if plain(c.expected or c.query) not in listed_english]
    names = list(dict.fromkeys(cn_accounts + en_accounts))
    taken = set(names)
    en_cases = [c for c in en_cases if not (c.expected is None and c.query in taken)]
    return cn_cases + en_cases, [(name, []) for name in names]


def plain(name: str) -> str:
    """Lower case, without the legal form and punctuation (benchmarks/public_en_source.py compares names so too)."""
    return re.sub(r"[^0-9a-z]+", " ", basename(name.replace("/", " ")).lower()).strip()


def write(folder: Path, cases: list[Case], accounts: list[tuple[str, list[str]]]) -> tuple[Path, Path]:
    """The set as the files `kam bench resolve --queries` reads (outside the project: it holds shared data)."""
    folder.mkdir(parents=True, exist_ok=True)
    queries, accounts_file = folder / "public_eval.csv", folder / "resolution_accounts.csv"
    with open(queries, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["query", "expected", "kind", "part"])
        out.writerows([c.query, c.expected or "", c.kind, c.part] for c in cases)
    with open(accounts_file, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "aliases"])
        out.writerows([name, "|".join(aliases)] for name, aliases in accounts)
    return queries, accounts_file
