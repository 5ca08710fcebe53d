"""Finding HubSpot's CSV exports in a folder and reading them as they are.

HubSpot names an export after the view and the day ("hubspot-crm-exports-all-companies-2026-11-30.csv"),
and a user may rename it, so each file is recognised by its header: a deals export has "Deal Name", a
contacts export "First Name", "Last Name" or "Email", a companies export "Company name" (checked in that
order: a contact's own "Company Name" property does not make a contacts file a companies one). Every
export has "Record ID". Column names match regardless of case and surrounding spaces; columns the importer
does not use (HubSpot exports carry every custom property) are left alone and named once in the report.
Several files of one kind are read as one export (HubSpot splits large ones), in name order.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kam_core.errors import ImportFailed
from kam_core.importers.report import ReportBuilder
from kam_core.importers.source import Row, read_text

KINDS = ("companies", "contacts", "deals")
RECORD_ID = "Record ID"
SIGNATURES = (("deals", ("Deal Name",)), ("contacts", ("First Name", "Last Name", "Email")),
              ("companies", ("Company name",)))
# Named when no file in the folder is a companies export: what HubSpot calls it.
COMPANIES_EXAMPLE = "hubspot-crm-exports-all-companies-YYYY-MM-DD.csv"


def key(column: str) -> str:
    return " ".join(column.split()).casefold()


@dataclass
class Export:
    """The files of one kind of record: their rows, and each column as the file spells it."""

    kind: str
    files: list[Path] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    spelling: dict[str, str] = field(default_factory=dict)  # key(column) -> as in the file
    used: set[str] = field(default_factory=set)  # key(column) of the columns the importer read

    def column(self, *names: str) -> str | None:
        """The first of `names` the export has, spelled as in the file (None when it has none)."""
        for name in names:
            self.used.add(key(name))
            if key(name) in self.spelling:
                return self.spelling[key(name)]
        return None

    def has_values(self, column: str | None) -> bool:
        return column is not None and any(row.text(column) for row in self.rows)

    def ignored(self) -> list[str]:
        return [spelled for k, spelled in self.spelling.items() if k not in self.used]


def read_exports(directory: Path, report: ReportBuilder) -> dict[str, Export]:
    if not directory.is_dir():
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_such_folder")
    exports = {kind: Export(kind) for kind in KINDS}
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        header, rows = _read(path)
        kind = _kind(header)
        if kind is None:
            report.note("files", "hubspot_file_not_recognised", file=path.name)
            continue
        export = exports[kind]
        for column in header:
            export.spelling.setdefault(key(column), column)
        export.files.append(path)
        export.rows.extend(rows)
        report.note("files", "hubspot_file_read", file=path.name, kind=kind, rows=len(rows))
    if not exports["companies"].files:
        raise ImportFailed(file=str(directory / COMPANIES_EXAMPLE), row=None, field=None, problem="no_such_file")
    for kind in ("contacts", "deals"):
        if not exports[kind].files:
            report.note("files", "hubspot_export_missing", kind=kind)
    return exports


def _kind(header: list[str]) -> str | None:
    columns = {key(c) for c in header}
    if key(RECORD_ID) not in columns:
        return None
    return next((kind for kind, marks in SIGNATURES if any(key(m) in columns for m in marks)), None)


def _read(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the data rows (row 2 is the first), cells keyed by the column as spelled."""
    file = str(path)
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        seen: dict[str, str] = {}
        for column in header:
            if column and key(column) in seen:
                raise ImportFailed(file=file, row=1, field=column, problem="column_twice")
            seen[key(column)] = column
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ImportFailed(file=file, row=reader.line_num, field=None, problem="field_count",
                                   count=len(cells), expected=len(header))
            rows.append(Row(file, reader.line_num, dict(zip(header, cells, strict=True))))
        return header, rows
    except csv.Error as error:
        raise ImportFailed(file=file, row=reader.line_num, field=None, problem="not_csv", detail=str(error)) from None
