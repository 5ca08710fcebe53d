"""`kam export DIR`: every table, so a team can always leave with its records.

One file per table, named after it: CSV (header = column names), or JSON (a list of objects) for the
tables with a JSON column. `manifest.json`, written last, holds the schema revision and each table's
row count; `kam import export DIR` (kam_core.importers.export_import) reads the folder back.

Cells: an empty cell is no value; dates and times are ISO 8601 (times in UTC, with their offset);
amounts are exact decimals; yes/no is `true`/`false`; choices are their stored value (e.g. `key`).
"""

import csv
import enum
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from pydantic import BaseModel
from sqlalchemy import JSON, Table, func, select
from sqlalchemy.orm import Session

from kam_core import models
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.errors import InvalidInput
from kam_core.permissions import Action, require
from kam_core.progress import track

FORMAT = 1
MANIFEST = "manifest.json"
BATCH_ROWS = 10_000


class TableFile(BaseModel):
    file: str
    rows: int


class Manifest(BaseModel):
    format: int = FORMAT
    schema_revision: str
    exported_at: datetime
    tables: dict[str, TableFile]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def tables() -> list[Table]:
    """Every table, parents before children (the order a restore inserts them in)."""
    return list(models.Base.metadata.sorted_tables)


def has_json(table: Table) -> bool:
    return any(isinstance(column.type, JSON) for column in table.c)


def file_name(table: Table) -> str:
    return f"{table.name}.{'json' if has_json(table) else 'csv'}"


def revision_of(session: Session) -> str | None:
    return MigrationContext.configure(session.connection()).get_current_revision()


def cell(value: Any) -> Any:
    """A stored value as the export writes it (JSON values stay as they are)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_all(session: Session, *, directory: Path, actor: Actor, now: datetime | None = None) -> Manifest:
    """Write every table to `directory` (new or empty). Reads one consistent snapshot."""
    # Moving every record out is as privileged as moving records in.
    require(actor, Action.import_data)
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InvalidInput(field="directory", problem="folder_not_empty", directory=str(directory))
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    revision = revision_of(session)
    directory.mkdir(parents=True, exist_ok=True)
    # Counted first (in the same snapshot) so the progress has a total.
    total = sum(session.scalar(select(func.count()).select_from(table)) for table in tables())
    written = {table.name: TableFile(file=file_name(table),
                                     rows=_write(session, table, directory / file_name(table), total))
               for table in tables()}
    manifest = Manifest(schema_revision=revision or "none", exported_at=now or utcnow(), tables=written)
    (directory / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _rows(session: Session, table: Table, total: int):
    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH_ROWS)
    for row in track(session.execute(query), "rows written", total=total):
        yield [cell(value) for value in row]


def _write(session: Session, table: Table, path: Path, total: int) -> int:
    names = [column.name for column in table.c]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if has_json(table):
            out.write("[")
            for values in _rows(session, table, total):
                out.write(("," if count else "") + "\n" + json.dumps(dict(zip(names, values, strict=True)),
                                                                     ensure_ascii=False))
                count += 1
            out.write("\n]\n")
            return count
        writer = csv.writer(out)
        writer.writerow(names)
        for values in _rows(session, table, total):
            writer.writerow(["" if value is None else value for value in values])
            count += 1
    return count
