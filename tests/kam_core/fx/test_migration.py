"""Migration 0007 adds the rates table to a database in use, keeping its data, on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import inspect, text

from kam_core.db import make_engine
from kam_core.schema import alembic_config, current_revision, upgrade
from tests.conftest import drop_database, fresh_database_url


@pytest.fixture
def at_0006(backend, tmp_path):
    url = fresh_database_url(backend, tmp_path)
    engine = make_engine(url)
    upgrade(engine, "0006")
    yield engine
    engine.dispose()
    drop_database(url)


def downgrade(engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_0007_adds_fx_rates_and_keeps_what_was_there(at_0006):
    with at_0006.begin() as connection:
        connection.execute(text("INSERT INTO accounts (name, status, computed_tier, created_at, updated_at) "
                                "VALUES ('Acme', 'existing', 'general', '2026-01-01', '2026-01-01')"))
    assert "fx_rates" not in inspect(at_0006).get_table_names()

    upgrade(at_0006, "0007")

    assert current_revision(at_0006) == "0007"
    with at_0006.begin() as connection:
        assert connection.execute(text("SELECT name FROM accounts")).scalars().all() == ["Acme"]
        connection.execute(text("INSERT INTO fx_rates (currency, quote, rate, valid_from, set_by, set_at) "
                                "VALUES ('EUR', 'USD', 1.08123456, '2026-01-01', 'cli', '2026-01-02 10:00:00')"))
        row = connection.execute(text("SELECT currency, rate, valid_from FROM fx_rates")).one()
    assert (row.currency, Decimal(str(row.rate)), str(row.valid_from)[:10]) == (
        "EUR", Decimal("1.08123456"), date(2026, 1, 1).isoformat())

    downgrade(at_0006, "0006")
    assert "fx_rates" not in inspect(at_0006).get_table_names()
    with at_0006.connect() as connection:
        assert connection.execute(text("SELECT name FROM accounts")).scalars().all() == ["Acme"]


def test_a_currency_has_one_rate_per_day_and_reporting_currency(at_0006):
    upgrade(at_0006, "0007")
    insert = text("INSERT INTO fx_rates (currency, quote, rate, valid_from, set_by, set_at) "
                  "VALUES ('EUR', :quote, 1.08, '2026-01-01', 'cli', '2026-01-02 10:00:00')")
    with at_0006.begin() as connection:
        connection.execute(insert, {"quote": "USD"})
        connection.execute(insert, {"quote": "CNY"})  # the same day in another reporting currency is another rate
    with pytest.raises(Exception, match="(?i)unique"), at_0006.begin() as connection:
        connection.execute(insert, {"quote": "USD"})
