"""`kam fx import rates.csv`: every bad row reported with its row and field, all or nothing; twice is a no-op."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.actors import Actor
from kam_core.enums import Role
from kam_core.errors import Forbidden, ImportFailed, ImportProblems
from kam_core.fx.models import FxRate
from kam_core.fx.rates_csv import import_rates_csv
from kam_core.fx.service import load_rates
from templates import error_message
from tests.factories import make_person

ADMIN = Actor.system("cli")
TODAY = date(2026, 6, 1)


def write(tmp_path, text: str):
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(session, path, actor=ADMIN):
    return import_rates_csv(session, file=path, actor=actor, reporting="USD", today=TODAY)


def test_rates_import_and_a_second_run_changes_nothing(session, tmp_path):
    path = write(tmp_path, "\ufeffCurrency,Rate,Valid_From\neur,1.02,2025-01-01\nEUR,1.08,2026-01-01\n"
                           "GBP,1.27,\nUSD,1,2026-01-01\n")
    first = run(session, path)
    assert (first.added, first.changed, first.unchanged, first.reporting_rows) == (3, 0, 0, 1)
    again = run(session, path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)

    rates = load_rates(session, reporting="USD")
    assert rates.convert(Decimal("100"), "EUR", on=date(2025, 7, 1)) == Decimal("102.00")
    assert rates.convert(Decimal("100"), "GBP", on=TODAY) == Decimal("127.00")  # no day: from today


def test_a_changed_rate_is_counted_as_changed(session, tmp_path):
    run(session, write(tmp_path, "currency,rate,valid_from\nEUR,1.08,2026-01-01\n"))
    report = run(session, write(tmp_path, "currency,rate,valid_from\nEUR,1.09,2026-01-01\nCHF,1.1,2026-01-01\n"))
    assert (report.added, report.changed, report.unchanged) == (1, 1, 0)


def test_every_bad_row_is_reported_and_nothing_is_written(session, tmp_path):
    path = write(tmp_path, "currency,rate,valid_from\n"
                           "EUR,1.08,2026-01-01\n"
                           "EURO,1.08,2026-01-01\n"
                           "CHF,zero,2026-01-01\n"
                           "JPY,0,2026-01-01\n"
                           "EUR,1.09,2026-01-01\n"
                           "GBP,1.27,next week\n"
                           "USD,1.5,2026-01-01\n")
    with pytest.raises(ImportProblems) as failed:
        run(session, path)
    lines = error_message(failed.value).splitlines()
    # The importers' shared wording of a bad currency code (errors.j2 not_a_currency) goes on after this.
    assert lines.pop(1).startswith("  row 3, field “currency”: “EURO” is not a currency code; write ")
    assert lines == [
        f"{path}: 6 problems, so nothing was imported. Correct them and import the file again:",
        "  row 4, field “rate”: “zero” is not a number",
        "  row 5, field “rate”: “0” is not a rate; it must be more than 0 (what 1 unit of the currency is worth in "
        "the reporting currency, e.g. 1.08)",
        "  row 6, field “valid_from”: “EUR 2026-01-01” appears twice (also row 2)",
        "  row 7, field “valid_from”: “next week” is not a date; write it as YYYY-MM-DD",
        "  row 8, field “currency”: USD is the reporting currency (KAM_REPORTING_CURRENCY): it needs no rate, "
        "1 USD is 1 USD",
    ]
    assert session.scalar(select(func.count()).select_from(FxRate)) == 0


def test_a_missing_rate_column_is_named(session, tmp_path):
    path = write(tmp_path, "currency,valid_from\nEUR,2026-01-01\n")
    with pytest.raises(ImportFailed) as failed:
        run(session, path)
    assert (failed.value.params["row"], failed.value.field) == (1, "rate")
    assert error_message(failed.value).startswith(f"{path}, row 1, field “rate”: ")


def test_only_an_admin_imports_rates(session, tmp_path):
    with pytest.raises(Forbidden):
        run(session, write(tmp_path, "currency,rate\nEUR,1.08\n"), actor=Actor.of(make_person(session,
                                                                                              role=Role.manager)))
