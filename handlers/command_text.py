"""What a rep typed after /kam, parsed into a command. No Slack, no database."""

import re
from enum import StrEnum

from pydantic import BaseModel

TIERS = ("key", "important", "general", "auto")


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


class Command(BaseModel):
    verb: Verb
    account: str = ""
    # log: the note; tier: the reason; digest, remind: their settings' words; mine, team: a page.
    text: str = ""
    tier: str | None = None


# Verbs whose words are not an account name but their own (settings, a filter).
WORDS_AFTER = (Verb.help, Verb.mine, Verb.team, Verb.digest, Verb.remind)
ALIASES = {"opportunities": Verb.opps, "opp": Verb.opps, "deals": Verb.opps, "note": Verb.log, "my": Verb.mine,
           "show": Verb.account, "card": Verb.account, "?": Verb.help}


def parse(text: str) -> Command:
    # NUL: PostgreSQL cannot store it in text, and no one means to type it.
    text = " ".join((text or "").replace("\u00a0", " ").replace("\x00", "").split(" ")).strip()
    if not text:
        return Command(verb=Verb.help)
    first, _, rest = text.partition(" ")
    verb = ALIASES.get(first.lower()) or (Verb(first.lower()) if first.lower() in Verb.__members__ else None)
    rest = rest.strip()
    if verb is None:
        return Command(verb=Verb.account, account=text)
    if verb == Verb.log:
        account, colon, note = rest.partition(":")
        return Command(verb=verb, account=account.strip(), text=note.strip() if colon else "")
    if verb == Verb.tier:
        return _tier(rest)
    if verb in WORDS_AFTER:
        return Command(verb=verb, text=rest)
    return Command(verb=verb, account=rest)


def _tier(rest: str) -> Command:
    """`<account words> <key|important|general|auto> <reason words>`."""
    match = re.search(rf"(?:^|\s)({'|'.join(TIERS)})(?:\s|$)", rest, flags=re.IGNORECASE)
    if not match:
        return Command(verb=Verb.tier, account=rest)
    return Command(verb=Verb.tier, account=rest[: match.start()].strip(), tier=match.group(1).lower(),
                   text=rest[match.end():].strip())
