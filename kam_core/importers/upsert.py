"""Writing helpers every importer shares: match, align fields, close the run."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kam_core.accounts.models import Account, AccountAlias, AccountValue
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.enums import SizeSegment
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.policy import Policy
from kam_core.progress import step
from kam_core.tiers.service import recompute_tiers


def align(obj: Any, wanted: dict[str, Any]) -> bool:
    """Set the fields that differ; True when anything changed."""
    changed = False
    for field, value in wanted.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def size_segment(employees: int | None) -> SizeSegment | None:
    """1,000+ employees is enterprise, 100-999 mid-market, fewer small."""
    if employees is None:
        return None
    if employees >= 1000:
        return SizeSegment.enterprise
    return SizeSegment.mid_market if employees >= 100 else SizeSegment.small


class AccountIndex:
    """Every account, found by name or alias regardless of case; loaded in one query."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_key: dict[str, Account] = {}
        accounts = session.scalars(select(Account).options(selectinload(Account.aliases)))
        for account in accounts:
            self._remember(account)

    def _remember(self, account: Account) -> None:
        for alias in account.aliases:
            self._by_key.setdefault(alias.alias.casefold(), account)
        self._by_key[account.name.casefold()] = account

    def find(self, name: str) -> Account | None:
        return self._by_key.get(name.casefold())

    def get_or_create(self, name: str, **fields: Any) -> tuple[Account, bool]:
        account = self.find(name)
        if account is not None:
            return account, False
        account = Account(name=name, aliases=[], **fields)
        self.session.add(account)
        self._remember(account)
        return account, True

    def add_alias(self, account: Account, alias: str) -> bool:
        """Adds the alias unless the account already has it, spelled exactly so; True when added.

        Exact, not case-insensitive: `dambase` is worth keeping for `Dambase`, as
        it is how the source system wrote the name.
        """
        alias = alias.strip()
        if not alias or alias in {account.name, *(a.alias for a in account.aliases)}:
            return False
        account.aliases.append(AccountAlias(alias=alias))
        self._by_key.setdefault(alias.casefold(), account)
        return True


def contact_key(account_id: int, email: str | None, name: str) -> tuple:
    """How an import finds a contact again: account + email, by name when there is no email."""
    return (account_id, email.casefold() if email else name.casefold())


def existing_values(session: Session, periods: set[str]) -> dict[tuple[int, str], AccountValue]:
    rows = session.scalars(select(AccountValue).where(AccountValue.period.in_(sorted(periods)))) if periods else []
    return {(row.account_id, row.period): row for row in rows}


def upsert_value(session: Session, values: dict[tuple[int, str], AccountValue], report: ReportBuilder, *,
                 account: Account, period: str, wanted: dict[str, Any]) -> None:
    """Align one account's figures for one period (fields not in `wanted` are left alone)."""
    row = values.get((account.id, period))
    if row is None:
        row = AccountValue(account_id=account.id, period=period, **wanted)
        session.add(row)
        values[(account.id, period)] = row
        report.outcome("values", (account.id, period), "created")
    else:
        report.changed("values", (account.id, period), created=False, changed=align(row, wanted))


def upsert_figures(session: Session, values: dict[tuple[int, str], AccountValue], report: ReportBuilder, *,
                   account: Account, period: str, wanted: dict[str, Any]) -> None:
    """upsert_value for figures a person gives (docs/value.md, "Revenue and profit go together"): a new
    revenue without a profit clears the stored profit, which was stated with another revenue, and a
    new profit without a revenue keeps the stored revenue; both are said in the report."""
    stored = values.get((account.id, period))
    if stored is not None and "revenue" in wanted and "profit_contribution" not in wanted:
        if stored.profit_contribution is not None and stored.revenue != wanted["revenue"]:
            wanted = {**wanted, "profit_contribution": None}
            report.note("values", "profit_cleared", example=account.name, period=period)
    elif stored is not None and "profit_contribution" in wanted and "revenue" not in wanted:
        if stored.profit_contribution != wanted["profit_contribution"]:
            report.note("values", "revenue_kept", example=account.name, period=period)
    upsert_value(session, values, report, account=account, period=period, wanted=wanted)


def finish(session: Session, report: ReportBuilder, *, actor: Actor, policy: Policy,
           now: datetime | None = None) -> ImportReport:
    """Recompute tiers so they are current, audit the run, return the report."""
    session.flush()
    with step("tiers"):
        tiers = recompute_tiers(session, policy=policy, actor=actor, now=now)
    result = report.build(tiers=tiers.counts)
    result.tier_moves = tiers
    audit_run(session, report.source, result, kind=report.kind, actor=actor)
    return result


def audit_run(session: Session, source: str, result: ImportReport, *, kind: str, actor: Actor) -> None:
    """One audit entry per import run: what it read and what it did."""
    record(session, actor=actor, action=f"import_{kind}", entity="import", entity_id=None, changes={
        "source": source,
        "counts": {name: counts.model_dump() for name, counts in result.entities.items()},
        "skipped": _by_code(result.skips),
        "fixed": _by_code(result.fixes),
    })
    session.flush()


def _by_code(issues) -> dict[str, int]:
    totals: dict[str, int] = {}
    for issue in issues:
        totals[issue.code] = totals.get(issue.code, 0) + issue.count
    return totals
