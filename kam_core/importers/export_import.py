"""`kam import export DIR`: a `kam export` folder back into a database (see kam_core/export.py).

Only into an empty database at the export's schema revision (run `kam db upgrade` first), and all
or nothing: every file is read and checked before the first row is written, and any problem names
the file, row and column. Ids are kept, so every link between records survives.
"""

import csv
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, Table, delete, insert, text
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.changes import bump_all
from kam_core.db import refresh_statistics
from kam_core.demo.writer import KEPT_TABLES, holds_data
from kam_core.errors import ImportFailed
from kam_core.export import FORMAT, MANIFEST, Manifest, file_name, has_json, revision_of, tables
from kam_core.permissions import Action, require
from kam_core.progress import advance, step, track

CHUNK_ROWS = 5_000


class RestoreReport(BaseModel):
    directory: str
    schema_revision: str
    tables: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def import_export(session: Session, *, directory: Path, actor: Actor) -> RestoreReport:
    require(actor, Action.import_data)
    directory = Path(directory)
    manifest = read_manifest(directory)
    revision = revision_of(session)
    if manifest.schema_revision != revision:
        raise ImportFailed(file=str(directory / MANIFEST), row=None, field="schema_revision",
                           problem="revision_mismatch", exported=manifest.schema_revision, current=revision)
    if holds_data(session):
        raise ImportFailed(file=str(directory), row=None, field=None, problem="database_not_empty")
    unknown = set(manifest.tables) - {t.name for t in tables()}
    if unknown:
        raise ImportFailed(file=str(directory / MANIFEST), row=None, field="tables", problem="unknown_tables",
                           tables=sorted(unknown))
    loaded = {table.name: read_table(directory, table, manifest) for table in tables()}

    advance("rows written", 0, total=manifest.total_rows)
    for table in tables():  # parents first
        if table.name in KEPT_TABLES:
            session.execute(delete(table))  # the migrations' default pipeline and lost reasons give way to the export's
        for start in range(0, len(loaded[table.name]), CHUNK_ROWS):
            chunk = loaded[table.name][start:start + CHUNK_ROWS]
            session.execute(insert(table), chunk)
            advance("rows written", len(chunk), total=manifest.total_rows)
    _continue_numbering(session)
    bump_all(session)  # every process reloads its name index and pipeline figures
    with step("statistics"):
        refresh_statistics(session)
    counts = {name: len(rows) for name, rows in loaded.items()}
    record(session, actor=actor, action="restore_export", entity="database", entity_id=None,
           changes={"directory": str(directory), "schema_revision": revision, "rows": sum(counts.values())})
    return RestoreReport(directory=str(directory), schema_revision=revision, tables=counts)


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not directory.is_dir():
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_such_folder")
    if not path.is_file():
        raise ImportFailed(file=str(path), row=None, field=None, problem="manifest_missing")
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except ValidationError as error:
        first = error.errors()[0]
        raise ImportFailed(file=str(path), row=None, field=".".join(str(part) for part in first["loc"]) or None,
                           problem="not_a_manifest", detail=first["msg"]) from None
    if manifest.format != FORMAT:
        raise ImportFailed(file=str(path), row=None, field="format", problem="format_unknown",
                           format=manifest.format, expected=FORMAT)
    return manifest


def read_table(directory: Path, table: Table, manifest: Manifest) -> list[dict]:
    entry = manifest.tables.get(table.name)
    if entry is None:
        raise ImportFailed(file=str(directory / MANIFEST), row=None, field="tables", problem="table_missing",
                           table=table.name)
    path = directory / file_name(table)
    if not path.is_file():
        raise ImportFailed(file=str(path), row=None, field=None, problem="missing_from_export")
    records = _json_records(path) if has_json(table) else _csv_records(path)
    columns = {column.name for column in table.c}
    rows = []
    for number, raw in track(records, "rows read", total=manifest.total_rows):
        missing, extra = columns - set(raw), set(raw) - columns
        if missing or extra:
            field = sorted(missing or extra)[0]
            raise ImportFailed(file=str(path), row=number, field=field,
                               problem="column_missing" if missing else "unknown_column")
        rows.append({name: _value(table.c[name], raw[name], path, number) for name in raw})
    if len(rows) != entry.rows:
        raise ImportFailed(file=str(path), row=None, field=None, problem="row_count", count=len(rows),
                           expected=entry.rows)
    return rows


def _csv_records(path: Path):
    try:
        with path.open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source, strict=True)
            header = next(reader, None) or []
            for cells in reader:
                if len(cells) != len(header):
                    raise ImportFailed(file=str(path), row=reader.line_num, field=None, problem="field_count",
                                       count=len(cells), expected=len(header))
                yield reader.line_num, dict(zip(header, cells, strict=True))
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFailed(file=str(path), row=None, field=None, problem="unreadable_csv", detail=str(error)) from None


def _json_records(path: Path):
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFailed(file=str(path), row=None, field=None, problem="not_json", detail=str(error)) from None
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise ImportFailed(file=str(path), row=None, field=None, problem="not_a_list")
    return enumerate(document, start=1)


def _value(column, raw: Any, path: Path, number: int) -> Any:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, JSON):
        return raw
    if raw is None or raw == "":
        if column.nullable or column.primary_key and column.autoincrement is True:
            return None
        if isinstance(kind, Integer | Numeric | Boolean | Date | DateTime):
            raise ImportFailed(file=str(path), row=number, field=column.name, problem="value_required")
        return ""
    raw = str(raw)
    try:
        if enum_class := getattr(kind, "enum_class", None):
            return enum_class(raw)
        if isinstance(kind, Boolean):
            return {"true": True, "false": False}[raw]
        if isinstance(kind, Integer):
            return int(raw)
        if isinstance(kind, Numeric):
            return Decimal(raw)
        if isinstance(kind, DateTime):
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                raise ValueError("no UTC offset")
            return moment
        if isinstance(kind, Date):
            return date.fromisoformat(raw)
    except (ValueError, KeyError, InvalidOperation):
        raise ImportFailed(file=str(path), row=number, field=column.name, problem="bad_value", value=raw[:80],
                           type=column.type.python_type.__name__) from None
    return raw


def _continue_numbering(session: Session) -> None:
    """PostgreSQL numbers new rows from a sequence per table: move each past the restored ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        if "id" in table.c and isinstance(table.c.id.type, Integer) and table.c.id.autoincrement in (True, "auto"):
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
