"""Every message of every template has its translation in every language, with the same placeholders,
and the compiled catalogs that ship are those of the .po files (`make i18n` refreshes all three)."""

import pytest
from babel.messages.mofile import read_mo

from templates.catalogs import domain_of, extracted, placeholders, po_path, read, templates
from templates.i18n import DEFAULT, LANGUAGES

LOCALES = [locale for language, locale in LANGUAGES.items() if language != DEFAULT]
TEMPLATES = list(templates())


def forms(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", TEMPLATES, ids=domain_of)
def test_each_message_of_the_template_is_in_its_catalog_and_translated(template, locale):
    wanted = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in extracted(template) if m.id}
    path = po_path(locale, domain_of(template))
    if not wanted:
        assert not path.exists(), f"{path} is left over: run make i18n"
        return
    assert path.exists(), f"{path} is missing: run make i18n, then translate it"
    catalog = read(path, locale)
    held = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}
    assert wanted - held == set(), "messages not in the catalog: run make i18n"
    assert held - wanted == set(), "messages no template has any more: run make i18n"
    untranslated = [m.id for m in catalog if m.id and not all(forms(m.string))]
    assert untranslated == [], f"{path}: no {locale} translation"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", TEMPLATES, ids=domain_of)
def test_translations_keep_the_placeholders_of_their_message(template, locale):
    path = po_path(locale, domain_of(template))
    if not path.exists():
        return
    for message in read(path, locale):
        if not message.id:
            continue
        expected = set().union(*(placeholders(i) for i in forms(message.id)))
        for string in forms(message.string):
            assert placeholders(string) == expected, f"{path}: {message.id!r} → {string!r}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", TEMPLATES, ids=domain_of)
def test_the_compiled_catalog_is_the_po_file(template, locale):
    path = po_path(locale, domain_of(template))
    if not path.exists():
        return
    with path.with_suffix(".mo").open("rb") as file:
        compiled = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): forms(m.string)
                    for m in read_mo(file) if m.id}
    source = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): forms(m.string)
              for m in read(path, locale) if m.id}
    assert compiled == source, f"{path.with_suffix('.mo')} is stale: run make i18n"
