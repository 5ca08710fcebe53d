"""Which language a message is written in, and its gettext catalogs.

The words are English msgids in the templates (Jinja2's i18n extension); each other language is a set
of gettext catalogs in templates/locales/<locale>/LC_MESSAGES/, one domain per template file
(`slack/card.j2` → `slack-card`), managed with Babel (`make i18n`: extract, update, compile). The language
of what is being written is a context variable: set for a request from its person
(handlers/session.py), for a digest from its manager, for a reminder from its rep.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
# Language code → the Babel/gettext locale its catalogs and formats use.
LANGUAGES = {"en": "en", "zh": "zh_CN"}
DEFAULT = "en"
# What people type or Slack sends for a language (`/kam lang 中文`, a Slack locale "zh-CN").
_NAMES = {
    "en": "en", "english": "en", "英文": "en", "英语": "en",
    "zh": "zh", "cn": "zh", "chinese": "zh", "中文": "zh", "简体中文": "zh", "汉语": "zh", "普通话": "zh",
}

_language: ContextVar[str] = ContextVar("kam_language", default=DEFAULT)


def language_of(text: str | None) -> str | None:
    """The language code a word or a locale names ("zh-CN", "zh_TW", "中文", "English"), else None."""
    word = (text or "").strip().lower().replace("_", "-")
    if not word:
        return None
    return _NAMES.get(word) or _NAMES.get(word.split("-")[0])


def current() -> str:
    return _language.get()


def set_language(language: str | None) -> None:
    """For the rest of this context (a request's thread and the work it hands to the background pool)."""
    _language.set(language if language in LANGUAGES else DEFAULT)


@contextmanager
def use(language: str | None) -> Iterator[None]:
    token = _language.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _language.reset(token)


def locale() -> str:
    return LANGUAGES[current()]


@cache
def translations(language: str) -> NullTranslations:
    """Every domain's catalog for the language merged into one; English reads the msgids as they are."""
    folder = LOCALES / LANGUAGES.get(language, "") / "LC_MESSAGES"
    merged = Translations()
    for catalog in sorted(folder.glob("*.mo")) if language != DEFAULT else ():
        with catalog.open("rb") as file:
            merged.merge(Translations(file, domain=catalog.stem))
    return merged


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current()).npgettext(context, singular, plural, n)
