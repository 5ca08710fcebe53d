"""Reading import files strictly: UTF-8 (with or without BOM), known columns,
typed values. Every problem becomes an ImportFailed naming file, row and field.

Rows are numbered as a spreadsheet shows them: the CSV header is row 1, so the
first data row is row 2. In JSON files the row is the record's position (1 = first).
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kam_core.errors import ImportFailed

# Money columns hold 16 digits, 2 after the point (kam_core.base.Money).
AMOUNT_LIMIT = 10**14
# A date outside these years is a typo (0205 for 2025, 9999 as "never"), not a deal's date.
FIRST_YEAR, LAST_YEAR = 1900, 2199


@dataclass(frozen=True)
class Row:
    file: str
    number: int
    values: dict[str, Any]

    def fail(self, field: str | None, problem: str, **values: Any) -> ImportFailed:
        return ImportFailed(file=self.file, row=self.number, field=field, problem=problem, **values)

    def text(self, field: str, *, required: bool = False) -> str | None:
        # JSON records are stored under normal_key(); callers name fields as the source spells them.
        value = self.values.get(field, self.values.get(normal_key(field)))
        value = "" if value is None else str(value).strip()
        if not value and required:
            raise self.fail(field, "value_required")
        return value or None

    def date(self, field: str, *, required: bool = False) -> date | None:
        value = self.text(field, required=required)
        if value is None:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.fail(field, "not_a_date", value=value) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise self.fail(field, "implausible_date", value=value, first_year=FIRST_YEAR, last_year=LAST_YEAR)
        return day

    def amount(self, field: str, *, negative_ok: bool = False) -> Decimal | None:
        """A number such as 125000, "87,500.50" or " 12.5 "."""
        value = self.text(field)
        if value is None:
            return None
        try:
            number = Decimal(value.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise self.fail(field, "not_a_number", value=value)
        if number < 0 and not negative_ok:
            raise self.fail(field, "negative", value=value)
        if abs(number) >= AMOUNT_LIMIT:
            raise self.fail(field, "too_large", value=value, limit=AMOUNT_LIMIT)
        return number

    def integer(self, field: str) -> int | None:
        number = self.amount(field)
        if number is not None and number != number.to_integral_value():
            raise self.fail(field, "not_whole", value=self.text(field))
        return None if number is None else int(number)


def read_text(path: Path) -> str:
    if not path.is_file():
        raise ImportFailed(file=str(path), row=None, field=None, problem="no_such_file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(file=str(path), row=line, field=_field_at(data, error.start, path), problem="not_utf8",
                           byte=data[error.start]) from None


def _field_at(data: bytes, offset: int, path: Path) -> str | None:
    """For a CSV file, the column whose cell holds the byte that is not UTF-8."""
    if path.suffix.lower() != ".csv":
        return None
    start = data.rfind(b"\n", 0, offset) + 1
    before = data[start:offset].decode("utf-8", "replace")
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])
    position = len(next(csv.reader([before]), [""])) - 1
    return header[position].strip().lower() if 0 <= position < len(header) and start > 0 else None


def read_csv(path: Path, *, required: list[str], optional: list[str] = ()) -> list[Row]:
    """The data rows of a CSV file whose header names only known columns, in any order."""
    file = str(path)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        columns = required + list(optional)
        if not any(header):
            raise ImportFailed(file=file, row=1, field=None, problem="no_header", columns=columns)
        for column in header:
            if column not in columns:
                raise ImportFailed(file=file, row=1, field=column, problem="unknown_column", columns=columns)
            if header.count(column) > 1:
                raise ImportFailed(file=file, row=1, field=column, problem="column_twice")
        for column in required:
            if column not in header:
                raise ImportFailed(file=file, row=1, field=column, problem="column_required")
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ImportFailed(file=file, row=reader.line_num, field=None, problem="field_count",
                                   count=len(cells), expected=len(header))
            rows.append(Row(file, reader.line_num, dict(zip(header, cells, strict=True))))
        return rows
    except csv.Error as error:
        raise ImportFailed(file=file, row=reader.line_num, field=None, problem="not_csv", detail=str(error)) from None


def read_json_records(path: Path) -> list[Row]:
    """The `records` of a Salesforce DX data file, keys normalised (see `normal_key`)."""
    file = str(path)
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise ImportFailed(file=file, row=None, field=None, problem="not_json", detail=error.msg, line=error.lineno,
                           column=error.colno) from None
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise ImportFailed(file=file, row=None, field="records", problem="no_records")
    rows = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ImportFailed(file=file, row=number, field=None, problem="record_not_object")
        rows.append(Row(file, number, _normalised(record)))
    return rows


def normal_key(key: str) -> str:
    """`AccountId`, `accountid`, `accountId` and `account_id` all become `accountid`."""
    return str(key).replace("_", "").lower()


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {normal_key(k): _normalised(v) for k, v in value.items()}
    return value
