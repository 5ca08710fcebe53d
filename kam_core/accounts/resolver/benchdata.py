"""Accounts for measuring the resolver: the evaluation set's accounts (a CSV of
`name,aliases` with aliases separated by "|") and, to measure at scale,
generated distractor companies (the demo's fictional Chinese and English names
with their aliases) up to a total count."""

import csv
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias
from kam_core.changes import ACCOUNT_NAMES, bump
from kam_core.clock import utcnow
from kam_core.demo import names

CHUNK = 5_000
CHINESE_SHARE = 0.4


def read_accounts(path: Path) -> list[tuple[str, list[str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [(row["name"].strip(), [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()])
                for row in csv.DictReader(handle)]


def distractors(count: int, taken: set[str]) -> list[tuple[str, list[str]]]:
    """`count` fictional companies, about 40% Chinese, none named like a taken name."""
    out, chinese, english = [], 0, 0
    while len(out) < count:
        if chinese < CHINESE_SHARE * (len(out) + 1):
            company, chinese = names.chinese_company(chinese), chinese + 1
        else:
            company, english = names.english_company(english), english + 1
        if company.name not in taken:
            taken.add(company.name)
            out.append((company.name, [a for a in dict.fromkeys(company.aliases) if a != company.name]))
    return out


def load_accounts(session: Session, accounts: list[tuple[str, list[str]]]) -> int:
    """Insert accounts and aliases in bulk (names already present are skipped); returns how many were added."""
    existing = set(session.scalars(select(Account.name)))
    fresh = [(n, a) for n, a in dict((n, a) for n, a in accounts).items() if n not in existing]
    now = utcnow()
    for start in range(0, len(fresh), CHUNK):
        session.execute(insert(Account), [{"name": n, "created_at": now, "updated_at": now}
                                          for n, _ in fresh[start:start + CHUNK]])
    ids = {name: id_ for name, id_ in session.execute(select(Account.name, Account.id))}
    aliases = [{"account_id": ids[n], "alias": a} for n, alias_list in fresh for a in dict.fromkeys(alias_list)]
    for start in range(0, len(aliases), CHUNK):
        session.execute(insert(AccountAlias), aliases[start:start + CHUNK])
    bump(session, ACCOUNT_NAMES)  # bulk Core writes do not bump the marker themselves
    return len(fresh)
