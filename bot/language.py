"""Each request starts in the default language; handlers/session.py switches to the person's once it
knows who they are. Set here, so a request never inherits the language of the one before it on a thread."""

from collections.abc import Callable

from bot.settings import Settings
from templates import i18n


def default_language(settings: Settings) -> Callable:
    def middleware(next: Callable) -> None:  # noqa: A002 - bolt passes it by this name
        i18n.set_language(settings.default_language)
        next()

    return middleware
