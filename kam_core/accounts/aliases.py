"""Aliases the team teaches the bot: when a rep chooses an account among the candidates for what they
typed (or accepts the "did you mean"), that text becomes an alias of the account, for everyone.

A learned alias is an `AccountAlias` row like an imported one (source=learned, with who taught it,
when, and what they had typed), so the resolver's index holds it as it holds every alias: exact, and
confident once typed again. Adding or removing one moves the account-names change marker (the
`watch` in kam_core/models.py), so every process's index picks it up on its next request. Two
accounts claiming the same text both score as exact hits and the answer is their candidates
(kam_core.accounts.resolver.resolve.decide needs a gap to be confident).

Not learned: a text that is already the account's name or alias (compared normalised), one with fewer
than LEARNED_MIN letters or digits once normalised (nothing, a single letter or punctuation tells
nothing), or longer than LEARNED_MAX as typed (a sentence, not a name). Teaching needs only to see the account: choosing
is the act. Listing and removing learned aliases is for admins (Action.manage_aliases)."""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account, AccountAlias
from kam_core.accounts.resolver.normalise import compact, normalise
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.enums import AliasSource
from kam_core.errors import AlreadyRemoved, NotFound
from kam_core.permissions import Action, require
from kam_core.policy import Policy

# Letters or digits (any script) of the normalised text, at least; characters as typed, at most (the column
# holds 200; a longer text is a sentence, not a name).
LEARNED_MIN = 2
LEARNED_MAX = 100


class LearnedAlias(BaseModel):
    id: int
    account_id: int
    account_name: str
    alias: str
    query: str | None
    learned_by: str | None  # the person's name; None when they were removed since
    learned_at: datetime | None


class LearnedAliases(BaseModel):
    account_id: int
    account_name: str
    aliases: list[LearnedAlias]


def learnable(text: str) -> str | None:
    """The alias `text` would be stored as (spaces tidied), or None when it is too short or too long."""
    tidy = " ".join((text or "").split())
    letters = sum(char.isalnum() for char in compact(normalise(tidy))) if tidy else 0
    if len(tidy) > LEARNED_MAX or letters < LEARNED_MIN:
        return None
    return tidy


def learn_alias(session: Session, *, actor: Actor, policy: Policy, account_id: int, query: str,
                now: datetime) -> LearnedAlias | None:
    """Remember `query` (what the actor typed) as an alias of the account they chose for it; audited.
    None when there was nothing to learn (see the module's docstring). Forbidden when they may not see it."""
    alias = learnable(query)
    if alias is None:
        return None
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy,
                              load=[selectinload(Account.aliases)])
    key = normalise(alias)
    if key in {normalise(account.name), *(normalise(a.alias) for a in account.aliases)}:
        return None
    row = AccountAlias(account_id=account.id, alias=alias, source=AliasSource.learned,
                       learned_by_id=actor.person_id, learned_at=now, query=query[:200])
    try:
        with session.begin_nested():  # another rep teaching the same text a moment before: theirs stands
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    record(session, actor=actor, action="learn_alias", entity="account", entity_id=account.id,
           changes={"alias": alias, "query": query}, at=now)
    return _learned(row, account.name)


def may_manage_aliases(actor: Actor) -> None:
    """Forbidden unless the actor may list and remove learned aliases (admins): a surface asks before it looks
    the account up."""
    require(actor, Action.manage_aliases)


def learned_aliases(session: Session, *, actor: Actor, account_id: int) -> LearnedAliases:
    """The account's learned aliases, oldest first, with who taught each, when, and from what (admins)."""
    require(actor, Action.manage_aliases)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(what="account", name=str(account_id))
    rows = session.scalars(
        select(AccountAlias).options(joinedload(AccountAlias.learned_by))
        .where(AccountAlias.account_id == account_id, AccountAlias.source == AliasSource.learned)
        .order_by(AccountAlias.learned_at, AccountAlias.id))
    return LearnedAliases(account_id=account.id, account_name=account.name, aliases=[
        _learned(row, account.name) for row in rows])


def remove_learned_alias(session: Session, *, actor: Actor, account_id: int, alias: str,
                         now: datetime) -> LearnedAlias:
    """Forget a learned alias of the account (admins), by its text (compared normalised); audited.
    NotFound when the account has no learned alias of that text (an imported one is not removed here)."""
    found = learned_aliases(session, actor=actor, account_id=account_id)
    key = normalise(alias)
    match = next((a for a in found.aliases if normalise(a.alias) == key), None) if key else None
    if match is None:
        raise NotFound(what="learned alias", name=alias)
    return remove_learned_alias_by_id(session, actor=actor, alias_id=match.id, now=now)


def remove_learned_alias_by_id(session: Session, *, actor: Actor, alias_id: int, now: datetime) -> LearnedAlias:
    """The same, by the alias's id (the Remove button of `/kam aliases`); AlreadyRemoved when it is gone."""
    require(actor, Action.manage_aliases)
    row = session.get(AccountAlias, alias_id, options=[joinedload(AccountAlias.account),
                                                        joinedload(AccountAlias.learned_by)])
    if row is None or row.source != AliasSource.learned:
        raise AlreadyRemoved(what="learned alias", name=str(alias_id))
    gone = _learned(row, row.account.name)
    session.delete(row)
    session.flush()
    record(session, actor=actor, action="remove_alias", entity="account", entity_id=gone.account_id,
           changes={"alias": gone.alias, "query": gone.query, "learned_by": gone.learned_by,
                    "learned_at": gone.learned_at}, at=now)
    return gone


def _learned(row: AccountAlias, account_name: str) -> LearnedAlias:
    return LearnedAlias(id=row.id, account_id=row.account_id, account_name=account_name, alias=row.alias,
                        query=row.query, learned_by=row.learned_by.name if row.learned_by else None,
                        learned_at=row.learned_at)
