"""Which language a message is written in, and its gettext catalogs.

The words are English msgids in the templates (Jinja2's i18n extension); each other language is a set
of gettext catalogs in templates/locales/<locale>/LC_MESSAGES/, one domain per template file
(`slack/card.j2` → `slack-card`, each template reading only its own), managed with Babel (`make i18n`:
extract, update, compile). The language of what is being written is a context variable: set for a
request from its person (handlers/session.py), for a digest from its manager, for a reminder from its rep.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations
from jinja2 import pass_context

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


def _spoken(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT


def set_language(language: str | None) -> None:
    """For the rest of this context (a request's thread and the work it hands to the background pool)."""
    _language.set(_spoken(language))


@contextmanager
def use(language: str | None) -> Iterator[None]:
    token = _language.set(_spoken(language))
    try:
        yield
    finally:
        _language.reset(token)


def locale() -> str:
    return LANGUAGES[current()]


@cache  # asked at every gettext call of a template
def domain_of(template_name: str) -> str:
    """A template's gettext domain: `slack/card.j2` → `slack-card`, `cli/mine.txt.j2` → `cli-mine`."""
    stem = template_name.removesuffix(".j2").removesuffix(".txt").removesuffix(".md")
    return stem.replace("/", "-")


@cache
def translations(language: str, domain: str) -> NullTranslations:
    """The template's own catalog in the language (so two templates may translate one English word
    differently); English, or a template without a catalog, reads the msgids as they are."""
    path = LOCALES / LANGUAGES.get(language, "") / "LC_MESSAGES" / f"{domain}.mo"
    if language == DEFAULT or not path.exists():
        return NullTranslations()
    with path.open("rb") as file:
        return Translations(file, domain=domain)


def _catalog(context) -> NullTranslations:
    # A macro runs in the context of the template that defines it, so its words are that template's.
    return translations(current(), domain_of(context.name or ""))


@pass_context
def gettext(context, message: str) -> str:
    return _catalog(context).gettext(message)


@pass_context
def ngettext(context, singular: str, plural: str, n: int) -> str:
    return _catalog(context).ngettext(singular, plural, n)


@pass_context
def pgettext(context, message_context: str, message: str) -> str:
    return _catalog(context).pgettext(message_context, message)


@pass_context
def npgettext(context, message_context: str, singular: str, plural: str, n: int) -> str:
    return _catalog(context).npgettext(message_context, singular, plural, n)
