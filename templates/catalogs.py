"""The gettext catalogs of the templates, with Babel: `python -m templates.catalogs` (what `make i18n` runs)
extracts each template's messages, updates its catalog in every language (new messages come in empty,
gone ones are dropped) and compiles the .mo files that ship in the wheel.

One domain per template file, so a template and its translations change together: `slack/card.j2` is
domain `slack-card`, in templates/locales/<locale>/LC_MESSAGES/slack-card.po (and .mo)."""

import io
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from templates import i18n
from templates.i18n import DEFAULT, LANGUAGES, LOCALES

ROOT = Path(__file__).parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true"}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def domain_of(template: Path) -> str:
    return i18n.domain_of(template.relative_to(ROOT).as_posix())


def templates() -> Iterator[Path]:
    yield from sorted(ROOT.rglob("*.j2"))


def extracted(template: Path) -> Catalog:
    catalog = Catalog(domain=domain_of(template), project="kam-bot", charset="utf-8")
    for line, message, comments, context in extract_from_file(
            "jinja2.ext.babel_extract", str(template), keywords=KEYWORDS, options=OPTIONS):
        catalog.add(message, locations=[(template.relative_to(ROOT).as_posix(), line)], auto_comments=comments,
                    context=context)
    return catalog


def po_path(locale: str, domain: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def updated(template: Path, locale: str) -> Catalog:
    """The template's catalog in `locale`: its translations kept, new messages empty, gone ones dropped."""
    template_catalog = extracted(template)
    path = po_path(locale, domain_of(template))
    catalog = read(path, locale) if path.exists() else Catalog(locale=locale)
    catalog.update(template_catalog, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


def mo_bytes(catalog: Catalog) -> bytes:
    # Fixed header dates: compiling unchanged catalogs again gives the same bytes (no churn in git).
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, omit_header=True, sort_output=False, include_lineno=False)
    return buffer.getvalue()


def build(only: list[str] | None = None) -> None:
    """Every template's catalogs, or `only` those templates (paths under templates/, e.g. slack/card.j2)."""
    chosen = [t for t in templates() if not only or t.relative_to(ROOT).as_posix() in only]
    for locale in (loc for lang, loc in LANGUAGES.items() if lang != DEFAULT):
        for template in chosen:
            catalog = updated(template, locale)
            path = po_path(locale, domain_of(template))
            if not len(catalog):
                path.unlink(missing_ok=True)
                path.with_suffix(".mo").unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(po_bytes(catalog))
            path.with_suffix(".mo").write_bytes(mo_bytes(read(path, locale)))
            missing = sum(1 for m in catalog if m.id and not _translated(m))
            if missing:
                print(f"{path.relative_to(ROOT.parent)}: {missing} message(s) without a translation")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


if __name__ == "__main__":
    build(sys.argv[1:])
    sys.exit(0)
