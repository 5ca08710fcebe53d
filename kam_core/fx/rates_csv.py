"""`kam fx import rates.csv`: rates kept in a spreadsheet, header `currency,rate,valid_from` (any case, any
order; valid_from may be left out or empty: today). UTF-8 with or without BOM.

- Every row is checked before anything is written; every bad row is reported with its row and field, and
  nothing is written while any is.
- A currency is an ISO 4217 code (any case); a rate as in `kam fx set` (kam_core.fx.rates); valid_from is
  YYYY-MM-DD (an ISO date-time is read as its date in UTC).
- The reporting currency needs no rate: its rows are left out when their rate is 1 (said in the report),
  refused otherwise. A currency and day may appear once.
- Importing the same file again changes nothing.
"""

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.errors import ImportFailed, InvalidInput
from kam_core.fx.rates import keep_rate, parse_day, parse_rate
from kam_core.fx.schemas import RatesImport
from kam_core.fx.service import currency_code
from kam_core.importers.source import Row, raise_problems, read_csv
from kam_core.permissions import Action, require
from kam_core.progress import track

REQUIRED = ["currency", "rate"]
OPTIONAL = ["valid_from"]


def import_rates_csv(session: Session, *, file: Path, actor: Actor, reporting: str, today: date) -> RatesImport:
    require(actor, Action.manage_fx_rates)
    file = Path(file)
    reporting = currency_code(reporting)
    rows = read_csv(file, required=REQUIRED, optional=OPTIONAL)
    lines, problems, seen = [], [], {}
    report = RatesImport(file=str(file))
    for row in rows:
        try:
            line = _line(row, reporting=reporting, today=today)
        except ImportFailed as problem:
            problems.append(problem)
            continue
        if line is None:
            report.reporting_rows += 1
            continue
        key = (line[0], line[2])
        if key in seen:
            problems.append(row.fail("valid_from", "duplicate", value=f"{line[0]} {line[2].isoformat()}",
                                     first_row=seen[key]))
            continue
        seen[key] = row.number
        lines.append(line)
    raise_problems(str(file), problems)
    for currency, rate, valid_from in track(lines, "rates"):
        change = keep_rate(session, actor=actor, reporting=reporting, currency=currency, rate=rate,
                           valid_from=valid_from, source=file.name)
        setattr(report, change.outcome, getattr(report, change.outcome) + 1)
    return report


def _line(row: Row, *, reporting: str, today: date) -> tuple[str, object, date] | None:
    """(currency, rate, valid_from), or None for the reporting currency at rate 1. Every problem of the row
    is one ImportFailed (the first found)."""
    currency = row.currency("currency")
    if currency is None:
        raise row.fail("currency", "value_required")
    try:
        rate = parse_rate(row.text("rate", required=True))
    except InvalidInput as problem:
        raise _at(row, problem) from None
    valid_from = row.date("valid_from") or parse_day(None, today=today)
    if currency == reporting:
        if rate == 1:
            return None
        raise row.fail("currency", "rate_for_reporting_currency", currency=currency)
    return currency, rate, valid_from


def _at(row: Row, problem: InvalidInput) -> ImportFailed:
    values = {k: v for k, v in problem.params.items() if k not in ("field", "problem")}
    return row.fail(problem.field, problem.problem, **values)
