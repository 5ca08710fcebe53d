"""Upgrading a database that holds data, from the first revision to the latest, keeps every row as it
was, and the upgraded rows still read through the models (SQLite and PostgreSQL).

The rows are made from the tables as revision 0001 created them (reflected), one per table with every
column filled, so the test keeps working when later revisions change those tables."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON, Boolean, Date, DateTime, Float, Integer, MetaData, Numeric, String, Table, func, insert, select,
)
from sqlalchemy.orm import Session

from kam_core import models
from kam_core.db import make_engine
from kam_core.schema import current_revision, head_revision, upgrade
from tests.conftest import drop_database, fresh_database_url

FIRST = "0001"


@pytest.fixture
def first_revision_engine(backend, tmp_path):
    url = fresh_database_url(backend, tmp_path)
    engine = make_engine(url)
    upgrade(engine, FIRST)
    yield engine
    engine.dispose()
    drop_database(url)


def value_for(table: Table, column, parents: dict[str, int], next_id: int):
    """A plausible value for one column: parents' ids for foreign keys, the models' enum values."""
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column.table.name
        return None if parent == table.name else parents[parent]
    if column.primary_key and isinstance(column.type, Integer):
        return next_id
    modelled = models.Base.metadata.tables.get(table.name)
    enum_class = getattr(modelled.c[column.name].type, "enum_class", None) \
        if modelled is not None and column.name in modelled.c else None
    if enum_class is not None:
        return list(enum_class)[-1].value
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 7
    if isinstance(kind, Float):
        return 0.25
    if isinstance(kind, Numeric):
        return Decimal("1234.56")
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 2, 3, 4, 5)
    if isinstance(kind, Date):
        return date(2026, 1, 2)
    if isinstance(kind, JSON):
        return {"kept": ["as", "it", "was"]}
    if isinstance(kind, String):
        return f"{table.name}.{column.name} ✓"[:kind.length or 200]
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def fill_every_table(engine) -> tuple[MetaData, dict[str, list[dict]]]:
    """One new row in every table of the current schema; returns the schema and each table's rows."""
    schema = MetaData()
    schema.reflect(engine)
    parents: dict[str, int] = {}
    with engine.begin() as connection:
        for table in schema.sorted_tables:
            if table.name == "alembic_version":
                continue
            next_id = (connection.scalar(select(func.max(table.c.id))) or 0) + 1 if "id" in table.c else 1
            row = {c.name: value_for(table, c, parents, next_id) for c in table.c}
            connection.execute(insert(table), [row])
            if "id" in table.c:
                parents[table.name] = row["id"]
    return schema, rows_of(engine, schema)


def rows_of(engine, schema: MetaData) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        return {table.name: sorted((dict(r._mapping) for r in connection.execute(select(table))), key=repr)
                for table in schema.sorted_tables if table.name != "alembic_version"}


def test_upgrading_from_the_first_revision_keeps_every_row(first_revision_engine):
    engine = first_revision_engine
    schema, before = fill_every_table(engine)
    assert all(before.values()), "every table of the first revision holds a row"

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    after = rows_of(engine, schema)  # the first revision's columns, read the same way
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    assert after == before
    with Session(engine) as session:  # and every model reads the upgraded rows
        for mapper in models.Base.registry.mappers:
            table = mapper.local_table.name
            if table in before:
                assert len(session.scalars(select(mapper.class_)).unique().all()) == len(before[table]), table
