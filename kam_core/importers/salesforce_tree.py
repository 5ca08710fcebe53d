"""Reading a Salesforce DX sObject tree export into records by object (Account, Contact, Opportunity).

`sf data export tree` writes `{"records": [...]}` files, each record with `attributes.type` (its
sObject) and `attributes.referenceId` (e.g. "AccountRef1"); a child points at its parent with "@"
and the parent's reference ("AccountId": "@AccountRef1"). Three layouts, all read here:
- with `--plan`: a `…-plan.json` (`[{"sobject": "Account", "files": ["Account.json"], ...}, ...]`)
  naming the files, relative to the plan. The CLI names them `Account.json`, `Contact.json`,
  `Opportunity.json` (sf v2) or `Accounts.json`, `Opportunitys.json` (the legacy command), after an
  optional `--prefix X-`;
- without a plan: the folder's `*.json` files, e.g. the sample data's `Accounts.json`, `Contacts.json`,
  `Opportunities.json`;
- a query with child relationships without a plan writes one file (`Account-Contact-Opportunity.json`)
  whose Accounts carry their children inside: `"Opportunities": {"records": [...]}`. Such a child
  belongs to the record it sits in.
A record's object is its `attributes.type`; without one, its file's name (Accounts.json) or its
relationship's (Opportunities) tells. Nothing is written here; every problem is collected.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kam_core.errors import ImportFailed
from kam_core.importers.source import Row, normal_key, read_text

IMPORTED = ("Account", "Contact", "Opportunity")


@dataclass(frozen=True)
class Record:
    row: Row
    sobject: str | None
    parent: "Record | None" = None


@dataclass
class Export:
    records: dict[str, list[Record]] = field(default_factory=lambda: {s: [] for s in IMPORTED})
    # Records of objects kam does not import (Case, Lead...), by object.
    other: Counter[str] = field(default_factory=Counter)
    # JSON files in the folder that are no sObject tree (a project's config, say): left alone.
    not_tree: list[str] = field(default_factory=list)
    problems: list[ImportFailed] = field(default_factory=list)


def sobject_named(name: str) -> str | None:
    """The object a name means: Account, Accounts, accounts, Opportunitys and Opportunities say
    which; None for anything else."""
    word = name.strip().casefold()
    for candidate in (word, word.removesuffix("s"), word.removesuffix("ies") + "y" if word.endswith("ies") else ""):
        for sobject in IMPORTED:
            if candidate == sobject.casefold():
                return sobject
    return None


def _file_sobject(stem: str) -> str | None:
    """What a file's name says it holds: `Accounts`, `demo-Account` say Account; the file of a
    relationship query, `Account-Contact-Opportunity`, holds Accounts with their children: its
    records must say what they are."""
    parts = stem.split("-")
    if len(parts) > 1 and all(sobject_named(part) for part in parts[:-1]):
        return None
    return sobject_named(parts[-1])


def read_export(directory: Path) -> Export:
    if not directory.is_dir():
        raise ImportFailed(file=str(directory), row=None, field=None, problem="no_such_folder")
    export = Export()
    files = sorted((p for p in directory.iterdir() if p.is_file() and p.suffix.casefold() == ".json"),
                   key=lambda p: p.name.casefold())
    plans = [p for p in files if p.name.casefold().endswith("-plan.json") or p.name.casefold() == "plan.json"]
    if plans:
        for file, sobject in _planned(plans, export):
            _read_file(file, export, sobject=sobject, listed=True)
    else:
        for file in files:
            _read_file(file, export, sobject=_file_sobject(file.stem), listed=False)
    return export


def _planned(plans: list[Path], export: Export) -> list[tuple[Path, str | None]]:
    """The files the plans name, each once, with the object their plan says they hold."""
    found: dict[Path, str | None] = {}
    for plan in plans:
        document = _json(plan, export)
        if document is None:
            continue
        if not isinstance(document, list):
            export.problems.append(ImportFailed(file=str(plan), row=None, field=None, problem="not_a_plan"))
            continue
        for number, part in enumerate(document, start=1):
            files = part.get("files") if isinstance(part, dict) else None
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                export.problems.append(ImportFailed(file=str(plan), row=number, field="files",
                                                    problem="not_a_plan"))
                continue
            sobject = part.get("sobject")
            for name in files:
                found.setdefault((plan.parent / name).resolve(), str(sobject) if sobject else None)
    return list(found.items())


def _json(path: Path, export: Export) -> Any:
    import json

    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        export.problems.append(ImportFailed(file=str(path), row=None, field=None, problem="not_json",
                                            detail=error.msg, line=error.lineno, column=error.colno))
    except ImportFailed as problem:
        export.problems.append(problem)
    return None


def _read_file(path: Path, export: Export, *, sobject: str | None, listed: bool) -> None:
    document = _json(path, export)
    if document is None:
        return
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        if listed:
            export.problems.append(ImportFailed(file=str(path), row=None, field="records", problem="no_records"))
        else:
            export.not_tree.append(path.name)
        return
    _read_records(records, export, file=str(path), sobject=sobject, parent=None)


def _read_records(records: list, export: Export, *, file: str, sobject: str | None, parent: Record | None,
                  prefix: str = "") -> None:
    for number, raw in enumerate(records, start=1):
        place: int | str = f"{prefix}{number}" if prefix else number
        if not isinstance(raw, dict):
            export.problems.append(ImportFailed(file=file, row=place, field=None, problem="record_not_object"))
            continue
        values, children = {}, []
        for key, value in raw.items():
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                children.append((key, value["records"]))
            else:
                values[normal_key(key)] = _normalised(value)
        kind = str((values.get("attributes") or {}).get("type") or "").strip()
        record = Record(Row(file, place, values), sobject_named(kind) if kind else sobject, parent)
        if record.sobject in IMPORTED:
            export.records[record.sobject].append(record)
        elif kind or record.sobject:
            export.other[kind or str(record.sobject)] += 1
        else:
            export.problems.append(record.row.fail("attributes", "record_type_unknown"))
        for relationship, child_records in children:
            _read_records(child_records, export, file=file, sobject=sobject_named(relationship), parent=record,
                          prefix=f"{place} › {relationship} › ")


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {normal_key(k): _normalised(v) for k, v in value.items()}
    return value
