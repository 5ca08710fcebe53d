"""What a rep typed after /kam, parsed into a command. No Slack, no database. Full-width forms (：，（）ｌｏｇ)
read as their ASCII twins (kam_core/halfwidth.py); what is kept (a note, an account name) is as typed."""

import re
from enum import StrEnum

from pydantic import BaseModel

from handlers.note_text import NEXT
from kam_core.halfwidth import half_width

TIERS = ("key", "important", "general", "auto")
# The seed's tier names, and their short forms: `/kam 层级 比亚迪 关键 战略客户`.
TIER_WORDS = {"关键客户": "key", "重要客户": "important", "一般客户": "general", "关键": "key", "重要": "important",
              "一般": "general", "自动": "auto"}


class Verb(StrEnum):
    help = "help"
    account = "account"
    find = "find"
    opps = "opps"
    plan = "plan"
    history = "history"
    log = "log"
    mine = "mine"
    team = "team"
    tier = "tier"
    digest = "digest"
    remind = "remind"
    lang = "lang"
    aliases = "aliases"


class Command(BaseModel):
    verb: Verb
    account: str = ""
    # log: the note; tier: the reason; digest, remind: their settings' words; mine, team: a page.
    text: str = ""
    tier: str | None = None


# Verbs whose words are not an account name but their own (settings, a filter).
WORDS_AFTER = (Verb.help, Verb.mine, Verb.team, Verb.digest, Verb.remind, Verb.lang)
ALIASES = {"opportunities": Verb.opps, "opp": Verb.opps, "deals": Verb.opps, "note": Verb.log, "my": Verb.mine,
           "show": Verb.account, "card": Verb.account, "?": Verb.help,
           "language": Verb.lang, "语言": Verb.lang,
           # Chinese verbs (issue #16): the seed's words where it has them (记录, 商机, 周报, 提醒).
           "记录": Verb.log, "商机": Verb.opps, "计划": Verb.plan, "我的": Verb.mine, "团队": Verb.team,
           "历史": Verb.history, "查找": Verb.find, "搜索": Verb.find, "层级": Verb.tier, "周报": Verb.digest,
           "提醒": Verb.remind, "帮助": Verb.help, "客户": Verb.account, "别名": Verb.aliases}
# A Chinese verb that is an English verb and its first word: `/kam 新商机 比亚迪` is `/kam opp new 比亚迪`.
WITH_WORD = {"新商机": (Verb.opps, "new")}


def parse(text: str) -> Command:
    # NUL: PostgreSQL cannot store it in text, and no one means to type it.
    text = " ".join((text or "").replace("\u00a0", " ").replace("\x00", "").split(" ")).strip()
    if not text:
        return Command(verb=Verb.help)
    plain = half_width(text)  # one character for one: its indexes cut `text`
    space = plain.find(" ")
    first, rest = (plain, "") if space < 0 else (plain[:space], text[space + 1:].strip())
    if first in WITH_WORD:
        verb, word = WITH_WORD[first]
        return Command(verb=verb, account=f"{word} {rest}".strip())
    verb = ALIASES.get(first.lower()) or (Verb(first.lower()) if first.lower() in Verb.__members__ else None)
    if verb is None:
        return Command(verb=Verb.account, account=text)
    if verb == Verb.log:
        return _log(rest)
    if verb == Verb.tier:
        return _tier(rest)
    if verb in WORDS_AFTER:
        return Command(verb=verb, text=rest)
    return Command(verb=verb, account=rest)


def _log(rest: str) -> Command:
    """`<account>: <note>` (or `比亚迪：…`). The colon of `next:` / `下一步：` is the note's: a note with no
    account before it is all text (the handler asks which account, and gives the note back)."""
    colon = half_width(rest).find(":")
    if colon < 0:
        return Command(verb=Verb.log, account=rest)
    if NEXT.search(" " + half_width(rest[:colon]) + ":"):
        return Command(verb=Verb.log, text=rest)
    return Command(verb=Verb.log, account=rest[:colon].strip(), text=rest[colon + 1:].strip())


def _tier(rest: str) -> Command:
    """`<account words> <key|important|general|auto|关键|重要|一般|自动> <reason words>`."""
    words = "|".join([*TIERS, *TIER_WORDS])
    match = re.search(rf"(?:^|\s)({words})(?:\s|$)", half_width(rest), flags=re.IGNORECASE)
    if not match:
        return Command(verb=Verb.tier, account=rest)
    tier = match.group(1).lower()
    return Command(verb=Verb.tier, account=rest[: match.start()].strip(), tier=TIER_WORDS.get(tier, tier),
                   text=rest[match.end():].strip())
