"""Rows of a subquery as one JSON value, on SQLite and PostgreSQL alike: how a view gathers the
rows of several tables in one statement (one round trip) instead of one statement per table.

    card = select(Account.id, Account.name,
                  json_rows(select(Contact.name, Contact.title).where(Contact.account_id == Account.id)
                            .correlate(Account).order_by(Contact.name).limit(3)).label("contacts"))
    ...
    contacts = rows_of(row.contacts)  # [{"name": ..., "title": ...}, ...] in the subquery's order

The inner statement must `.correlate(...)` the outer query's tables it refers to: it becomes a derived
table, which SQLAlchemy does not correlate by itself, and without it the outer table is joined in again
(every account's contacts for each account).

SQLite builds it with json_group_array/json_object, PostgreSQL with json_agg/json_build_object;
both keep the subquery's order. Values come back as JSON has them: numbers, strings (dates and
times as text, in each database's own format: parse them with `as_datetime` or kam_core.base.as_date),
null; enums as the value stored (kam_core.base: `Kind(value)`); money cast to text in the subquery and
read with `as_money`. An empty subquery gives [] (or None for `json_row`)."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _Object(FunctionElement):
    """json_object('key', value, ...) / json_build_object(...)"""

    type = JSON()
    inherit_cache = True
    name = "kam_json_object"


class _Array(FunctionElement):
    """json_group_array(x) / json_agg(x): an aggregate."""

    type = JSON()
    inherit_cache = True
    name = "kam_json_array"


@compiles(_Object)
def _object_sqlite(element, compiler, **kw) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(_Object, "postgresql")
def _object_postgresql(element, compiler, **kw) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"


@compiles(_Array)
def _array_sqlite(element, compiler, **kw) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(_Array, "postgresql")
def _array_postgresql(element, compiler, **kw) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


def _object_of(subquery) -> _Object:
    pairs = []
    for column in subquery.c:
        pairs += [literal_column(f"'{column.key}'"), column]
    return _Object(*pairs)


def json_rows(statement: Select) -> ColumnElement:
    """A scalar subquery: the rows of `statement` as a JSON array of objects keyed by its column labels."""
    rows = statement.subquery()
    return select(func.coalesce(_Array(_object_of(rows)), literal_column("'[]'"))).scalar_subquery()


def json_row(statement: Select) -> ColumnElement:
    """A scalar subquery: the first row of `statement` as a JSON object, or null."""
    row = statement.limit(1).subquery()
    return select(_object_of(row)).scalar_subquery()


def _loaded(value: Any) -> Any:
    # The columns' JSON type has parsed it already (numbers with a fraction as floats); text is parsed here.
    return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


def rows_of(value: Any) -> list[dict[str, Any]]:
    return _loaded(value) or []


def row_of(value: Any) -> dict[str, Any] | None:
    return _loaded(value)


def as_datetime(value: str | None) -> datetime | None:
    """A timestamp as SQLite ("2026-12-01 09:30:00.000000") or PostgreSQL ("2026-12-01T09:30:00") writes it
    in JSON, as the ORM gives it (kam_core.base.UTCDateTime: stored naive UTC, returned aware)."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


CENT = Decimal("0.01")


def as_money(value: Any) -> Decimal | None:
    """A Money column (Numeric(16, 2)) read through JSON: Decimal to the cent, as the ORM gives it. Cast it
    to text in the subquery (`cast(Opportunity.amount, String)`): as a JSON number it would be a float."""
    return None if value is None else Decimal(str(value)).quantize(CENT)
