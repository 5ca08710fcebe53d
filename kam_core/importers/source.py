"""Reading import files strictly: UTF-8 (with or without BOM), known columns,
typed values. Every problem becomes an ImportFailed naming file, row and field.

Rows are numbered as a spreadsheet shows them: the CSV header is row 1, so the
first data row is row 2. In JSON files the row is the record's position (1 = first).
"""

import csv
import difflib
import io
import json
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kam_core.errors import ImportFailed, ImportProblems, InvalidInput
from kam_core.fx.service import currency_code, iso_currency_codes
from kam_core.timezones import valid_zone

# Money columns hold 16 digits, 2 after the point (kam_core.base.Money).
AMOUNT_LIMIT = 10**14
# A date outside these years is a typo (0205 for 2025, 9999 as "never"), not a deal's date.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def raise_problems(file: str, problems: list[ImportFailed]) -> None:
    """Every problem found, at once: one as itself, several as ImportProblems of `file`; none, nothing."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ImportProblems(file=file, problems=problems)


def source_zone(source: Path, name: str | None) -> ZoneInfo:
    """The zone (IANA `name`, UTC when None) a source system's date-times are read in."""
    if not valid_zone(name or "UTC"):
        raise ImportFailed(file=str(source), row=None, field=None, problem="unknown_timezone", value=name)
    return ZoneInfo(name or "UTC")


@dataclass(frozen=True)
class Row:
    file: str
    # A JSON record nested in another is numbered by its path there, e.g. "3 › Opportunities › 2".
    number: int | str
    values: dict[str, Any]
    # The fields whose date was read from a date-time (see `date`), so the importer can say so.
    datetime_seen: list[str] = dataclass_field(default_factory=list, compare=False, repr=False)
    # Field -> the file's column that feeds it, where a column map renamed it: problems name the column.
    columns: dict[str, str] = dataclass_field(default_factory=dict, compare=False, repr=False)

    def fail(self, field: str | None, problem: str, **values: Any) -> ImportFailed:
        return ImportFailed(file=self.file, row=self.number, field=self.columns.get(field, field) if field else field,
                            problem=problem, **values)

    def text(self, field: str, *, required: bool = False) -> str | None:
        # JSON records are stored under normal_key(); callers name fields as the source spells them.
        value = self.values.get(field, self.values.get(normal_key(field)))
        value = "" if value is None else str(value).strip()
        if not value and required:
            raise self.fail(field, "value_required")
        return value or None

    def date(self, field: str, *, required: bool = False, tz: ZoneInfo | None = None) -> date | None:
        """A date, YYYY-MM-DD; or an ISO 8601 date-time ("2025-06-30T21:16:01.000+0000", "...Z", "...+02:00",
        "2025-06-30 21:16:01"), read as its date in `tz` (UTC when None): a CRM writes a close "date" as
        the moment in UTC, and 23:30 UTC is already the next day in Shanghai. A date-time without an
        offset is taken as in `tz`. Each field read so is noted in `datetime_seen`."""
        value = self.text(field, required=required)
        if value is None:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = self._date_of_datetime(field, value, tz)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise self.fail(field, "implausible_date", value=value, first_year=FIRST_YEAR, last_year=LAST_YEAR)
        return day

    def _date_of_datetime(self, field: str, value: str, tz: ZoneInfo | None) -> date:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(field, "not_a_date", value=value) from None
        if moment.tzinfo is not None and FIRST_YEAR <= moment.year <= LAST_YEAR:  # else the caller refuses it
            moment = moment.astimezone(tz or ZoneInfo("UTC"))
        if field not in self.datetime_seen:
            self.datetime_seen.append(field)
        return moment.date()

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

    def currency(self, field: str) -> str | None:
        """An ISO 4217 code in any case ("eur" -> "EUR")."""
        value = self.text(field)
        if value is None:
            return None
        if currency_code(value) not in iso_currency_codes():
            raise self.fail(field, "not_a_currency", value=value)
        return currency_code(value)


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


class CsvRows(list):
    """The data rows of a CSV file; `ignored`: its columns that no field reads (only with a column map),
    as the file spells them."""

    def __init__(self, rows: list[Row], ignored: list[str]) -> None:
        super().__init__(rows)
        self.ignored = ignored


def read_csv(path: Path, *, required: list[str], optional: list[str] = (), columns: dict[str, str] | None = None,
             suggest_map: bool = False) -> CsvRows:
    """The data rows of a CSV file, each cell under the field it feeds.

    Without `columns` the header names only our fields (any case, any order). With `columns` (field ->
    the file's column, e.g. {"name": "Company Name"}; any case, trimmed), those columns feed those fields,
    a column named as a field it does not map (e.g. `currency`) feeds that field, and every other column is
    ignored. `suggest_map`: the importer takes a column map (`--map`), so a header it cannot read says so."""
    file = str(path)
    fields = required + list(optional)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise ImportFailed(file=file, row=1, field=None, problem="no_header", columns=fields)
        if columns:
            sources, ignored = _mapped_header(file, header, fields, columns)
            renamed = {field: header[position] for field, position in sources.items()}
        else:
            sources, ignored, renamed = _fixed_header(file, header, fields, suggest_map=suggest_map), [], {}
        for field in required:
            if field not in sources:
                raise ImportFailed(file=file, row=1, field=field, problem="column_required", suggest_map=suggest_map)
        rows, problems = [], []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(ImportFailed(file=file, row=reader.line_num, field=None, problem="field_count",
                                             count=len(cells), expected=len(header)))
                continue
            rows.append(Row(file, reader.line_num, {field: cells[position] for field, position in sources.items()},
                            columns=renamed))
    except csv.Error as error:
        raise ImportFailed(file=file, row=reader.line_num, field=None, problem="not_csv", detail=str(error)) from None
    raise_problems(file, problems)
    return CsvRows(rows, ignored)


def _fixed_header(file: str, header: list[str], fields: list[str], *, suggest_map: bool) -> dict[str, int]:
    """Field -> its column's position, for a header that names our fields only."""
    names = [h.lower() for h in header]
    unknown = [h for h, name in zip(header, names, strict=True) if name not in fields]
    if unknown:
        raise ImportFailed(file=file, row=1, field=unknown[0], problem="unknown_column", columns=fields,
                           others=len(unknown) - 1, suggest_map=suggest_map)
    for name in names:
        if names.count(name) > 1:
            raise ImportFailed(file=file, row=1, field=name, problem="column_twice")
    return {name: position for position, name in enumerate(names)}


def _mapped_header(file: str, header: list[str], fields: list[str],
                   columns: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Field -> its column's position as `columns` maps them, and the columns left out."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        positions.setdefault(name.casefold(), []).append(position)
    wanted = {}
    for field, column in columns.items():
        if field.strip().lower() not in fields:
            raise ImportFailed(file=file, row=None, field=None, problem="map_unknown_field", target=field.strip(),
                               fields=fields)
        wanted[field.strip().lower()] = column.strip()
    for field in fields:  # a column named as a field feeds it, unless the map gives that field another column
        if field not in wanted and field in positions and field not in {c.casefold() for c in wanted.values()}:
            wanted[field] = header[positions[field][0]]
    sources = {}
    for field, column in wanted.items():
        found = positions.get(column.casefold())
        if not found:
            close = difflib.get_close_matches(column.casefold(), list(positions), n=1, cutoff=0.6)
            raise ImportFailed(file=file, row=1, field=None, problem="map_no_column", target=field, column=column,
                               suggestion=header[positions[close[0]][0]] if close else None,
                               columns=[h for h in header if h])
        if len(found) > 1:
            raise ImportFailed(file=file, row=1, field=header[found[0]], problem="column_twice")
        sources[field] = found[0]
    used = set(sources.values())
    ignored = list(dict.fromkeys(h for position, h in enumerate(header) if h and position not in used))
    return sources, ignored


def parse_column_map(pairs: list[str]) -> dict[str, str]:
    """`--map FIELD=COLUMN` options as {field: column}: `name="Company Name"` -> {"name": "Company Name"}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        field, column = field.strip().lower(), column.strip().strip('"').strip()
        if not equals or not field or not column:
            raise InvalidInput(field="map", problem="map_not_pair", value=pair)
        if field in mapping:
            raise InvalidInput(field="map", problem="map_twice", target=field)
        mapping[field] = column
    return mapping


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
