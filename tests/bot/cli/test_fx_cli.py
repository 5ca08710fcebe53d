"""`kam fx set|list|import` as an admin types them, and the rates carried by `kam export` / `kam import export`."""

from typer.testing import CliRunner

from bot.cli import app


def kam(db, *args):
    return CliRunner().invoke(app, [*args, "--database", db])


def test_set_then_list_shows_the_rates_with_todays_marked(database_url):
    kept = kam(database_url, "fx", "set", "eur", "1.02", "--from", "2025-01-01")
    assert kept.exit_code == 0, kept.output
    assert kept.output.strip() == ("Kept: 1 EUR = 1.02 USD from 2025-01-01. Sums in USD now count EUR amounts at "
                                   "this rate from that day on.")
    assert kam(database_url, "fx", "set", "EUR", "1.08", "--from", "2026-01-01").exit_code == 0
    changed = kam(database_url, "fx", "set", "EUR", "1.07", "--from", "2026-01-01")
    assert changed.output.strip() == "Changed: 1 EUR = 1.07 USD from 2026-01-01 (it was 1.08)."
    same = kam(database_url, "fx", "set", "EUR", "1.07", "--from", "2026-01-01")
    assert same.output.strip() == "1 EUR = 1.07 USD from 2026-01-01 is already kept; nothing changed."

    listed = kam(database_url, "fx", "list")

    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == ("Rates into USD, the reporting currency (1 unit of the currency = the rate in USD), "
                        "newest first:")
    assert lines[1].startswith("  EUR  1.07           from 2026-01-01 · today's rate · set by cli on ")
    assert lines[2].startswith("  EUR  1.02           from 2025-01-01 · set by cli on ")


def test_an_empty_table_says_how_to_add_a_rate(database_url):
    listed = kam(database_url, "fx", "list")
    assert listed.output.strip() == (
        "No exchange rates yet: sums in USD (the reporting currency) count only USD amounts. Add one with "
        "`kam fx set EUR 1.08 --from 2026-01-01` or `kam fx import rates.csv`.")


def test_bad_values_are_refused_each_named(database_url):
    refused = kam(database_url, "fx", "set", "USD", "1")
    assert refused.exit_code == 1
    assert refused.output.strip() == ("USD is the reporting currency (KAM_REPORTING_CURRENCY): it needs no rate, "
                                      "1 USD is 1 USD")
    refused = kam(database_url, "fx", "set", "EUR", "1,08")
    assert refused.exit_code == 1 and refused.output.strip() == "“1,08” is not a number"


def test_another_reporting_currency_comes_from_the_setting(database_url, monkeypatch):
    monkeypatch.setenv("KAM_REPORTING_CURRENCY", "eur")
    kept = kam(database_url, "fx", "set", "USD", "0.92")
    assert kept.exit_code == 0, kept.output
    assert "1 USD = 0.92 EUR from " in kept.output
    monkeypatch.setenv("KAM_REPORTING_CURRENCY", "euro")
    bad = kam(database_url, "fx", "list")
    assert bad.exit_code == 2
    assert "KAM_REPORTING_CURRENCY is 'euro': it must be a 3-letter currency code such as USD." in bad.output


def test_import_reports_every_bad_row_and_writes_nothing_then_imports_the_good_file(database_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,rate,valid_from\nEUR,1.08,2026-01-01\nGBP,-1,2026-01-01\nCHF,1.1,01/02/2026\n",
                   encoding="utf-8")
    refused = kam(database_url, "fx", "import", str(bad))
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        f"{bad}: 2 problems, so nothing was imported. Correct them and import the file again:",
        "  row 3, field “rate”: “-1” is not a rate; it must be more than 0 (what 1 unit of the currency is worth "
        "in the reporting currency, e.g. 1.08)",
        "  row 4, field “valid_from”: “01/02/2026” is not a date; write it as YYYY-MM-DD",
    ]
    assert kam(database_url, "fx", "list").output.startswith("No exchange rates yet")

    good = tmp_path / "rates.csv"
    good.write_text("currency,rate,valid_from\nEUR,1.08,2026-01-01\nGBP,1.27,2026-01-01\nUSD,1,2026-01-01\n",
                    encoding="utf-8")
    tried = kam(database_url, "fx", "import", str(good), "--dry-run")
    assert tried.output.splitlines() == [
        "Dry run: nothing was written; this is what the import would do.",
        f"Rates from {good}: 2 added, 0 changed, 0 unchanged.",
        "Left out 1 row of USD at rate 1: the reporting currency needs no rate.",
    ]
    assert kam(database_url, "fx", "list").output.startswith("No exchange rates yet")
    imported = kam(database_url, "fx", "import", str(good))
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines()[0] == f"Rates from {good}: 2 added, 0 changed, 0 unchanged."
    again = kam(database_url, "fx", "import", str(good))
    assert again.output.splitlines()[0] == f"Rates from {good}: 0 added, 0 changed, 2 unchanged."


def test_export_and_restore_carry_the_rates(database_url, empty_target, tmp_path):
    assert kam(database_url, "fx", "set", "EUR", "1.08", "--from", "2026-01-01").exit_code == 0
    folder = tmp_path / "export"
    exported = kam(database_url, "export", str(folder))
    assert exported.exit_code == 0, exported.output
    assert (folder / "fx_rates.csv").is_file()

    restored = kam(empty_target, "import", "export", str(folder))

    assert restored.exit_code == 0, restored.output
    assert "  EUR  1.08           from 2026-01-01 · today's rate · set by cli on " in kam(
        empty_target, "fx", "list").output


def test_a_new_rate_ranks_values_in_that_currency_at_once_and_says_what_moved(database_url, tmp_path):
    figures = tmp_path / "figures.csv"
    figures.write_text("name,revenue,currency\nAcme,100000,USD\nGlobex,80000,USD\nNordhafen GmbH,1000000,EUR\n",
                       encoding="utf-8")
    imported = kam(database_url, "import", "accounts", str(figures))
    assert "No rate from EUR to USD: 1 account's value in EUR is left out of the ranking" in imported.output

    kept = kam(database_url, "fx", "set", "EUR", "1.08", "--from", "2025-01-01")

    assert kept.exit_code == 0, kept.output
    # 1.08M USD of 1.26M: Nordhafen alone holds more than the key and important shares together.
    assert kept.output.splitlines()[1] == ("Tiers: 3 accounts moved — key → general 1, important → general 1, "
                                           "general → key 1; largest: Nordhafen GmbH (general → key, rank 3 → 1), "
                                           "Acme (key → general, rank 1 → 2), Globex (important → general, "
                                           "rank 2 → 3).")
    again = kam(database_url, "fx", "set", "EUR", "1.08", "--from", "2025-01-01")
    assert len(again.output.splitlines()) == 1  # nothing changed, nothing moved
