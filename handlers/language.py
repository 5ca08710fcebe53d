"""`/kam lang zh|en` (also `/kam 语言 中文`, `/kam language english`): the language a person reads the bot in.
`/kam lang` alone says which it is and how to change it. The answer to a change is in the new language."""

from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.render import Message
from handlers.render.common import text_message
from handlers.session import Kam
from kam_core.people.service import set_language
from templates import i18n, piece

T = "slack/language.j2"


def lang(kam: Kam, cmd: Command, asked: Asked) -> Message:
    word = cmd.text.strip()
    if not word:
        return text_message(piece(T, "current", language=i18n.current(), chosen=kam.person.language is not None))
    language = i18n.language_of(word)
    if language is None:
        return text_message(piece(T, "unknown", word=word))
    before = kam.person.language
    set_language(kam.session, actor=kam.actor, language=language)
    i18n.set_language(language)  # the rest of this request (the answer, its buttons) is in the new language
    return text_message(piece(T, "unchanged" if before == language else "changed", language=language))


COMMANDS = (Route(Verb.lang, lang),)
