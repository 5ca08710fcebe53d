"""Loading an account on behalf of someone: exists, and they may see it."""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from kam_core.accounts.models import Account
from kam_core.accounts.resolver.find import Found, found_accounts
from kam_core.accounts.resolver.index import name_index
from kam_core.accounts.resolver.resolve import Outcome, SearchResult, search_accounts
from kam_core.actors import Actor
from kam_core.errors import NotFound
from kam_core.people.models import Person
from kam_core.permissions import Action, may_read_account, require, sees_every_account
from kam_core.policy import Policy


def visible_account(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                    action: Action = Action.read_account, load: Sequence[ORMOption] = ()) -> Account:
    """`load`: loader options for what the caller will read of the account (e.g. its aliases)."""
    account = session.get(Account, account_id, options=[joinedload(Account.owner), *load])  # one statement
    if account is None:
        raise NotFound(what="account", name=str(account_id))
    owner = account.owner
    require_visible(actor, policy=policy, action=action, owner_id=account.owner_id,
                    owner_team=owner.team if owner else None, owner_manager_id=owner.manager_id if owner else None)
    return account


def require_visible(actor: Actor, *, policy: Policy, owner_id: int | None, owner_team: str | None,
                    owner_manager_id: int | None, action: Action = Action.read_account) -> None:
    """visible_account's check, for a view that read the account's owner in its own statement."""
    require(actor, action, allowed=may_read_account(
        actor, visibility=policy.visibility, account_owner_id=owner_id, owner_team=owner_team,
        owner_manager_id=owner_manager_id,
    ))


def search_visible(session: Session, *, actor: Actor, policy: Policy, query: str, limit: int = 5) -> SearchResult:
    """search_accounts, minus the accounts this actor may not see (KAM_VISIBILITY=team):
    their names appear neither as matches, nor as candidates, nor as suggestions."""
    result = search_accounts(session, query=query, limit=limit)
    if sees_every_account(actor, visibility=policy.visibility) or not result.candidates:
        return result
    visible = _visible_ids(session, actor=actor, policy=policy, ids=[c.account_id for c in result.candidates])
    kept = [c for c in result.candidates if c.account_id in visible]
    if result.outcome == Outcome.match and not kept:
        return SearchResult(query=result.query, outcome=Outcome.none, candidates=[])
    outcome = result.outcome if kept else Outcome.none
    return SearchResult(query=result.query, outcome=outcome, candidates=kept)


FIND_LIMIT = 10
# Accounts checked for visibility per statement while filling a page of /kam find: a few first,
# twice as many each time after, so a rep who sees few of many names costs a few statements.
VISIBILITY_CHUNK, VISIBILITY_CHUNK_MAX = 100, 6400


class Listing(BaseModel):
    """`/kam find`: the first accounts whose name or alias holds the words, and whether there are more."""

    query: str
    accounts: list[Found]
    more: bool


def find_visible(session: Session, *, actor: Actor, policy: Policy, query: str, limit: int = FIND_LIMIT) -> Listing:
    """The accounts this actor may see whose name or alias holds the words of `query`, best first
    (kam_core.accounts.resolver.find): a read-only listing, no guessing."""
    found = found_accounts(name_index(session), query)
    if not sees_every_account(actor, visibility=policy.visibility):
        found = _visible_only(session, actor=actor, policy=policy, found=found)
    page = list(islice(found, limit + 1))
    return Listing(query=query, accounts=page[:limit], more=len(page) > limit)


def _visible_only(session: Session, *, actor: Actor, policy: Policy, found: Iterator[Found]) -> Iterator[Found]:
    size = VISIBILITY_CHUNK
    while chunk := list(islice(found, size)):
        visible = _visible_ids(session, actor=actor, policy=policy, ids=[f.account_id for f in chunk])
        yield from (f for f in chunk if f.account_id in visible)
        size = min(2 * size, VISIBILITY_CHUNK_MAX)


def _visible_ids(session: Session, *, actor: Actor, policy: Policy, ids: Iterable[int]) -> set[int]:
    Owner = aliased(Person)
    rows = session.execute(
        select(Account.id, Account.owner_id, Owner.team, Owner.manager_id)
        .outerjoin(Owner, Owner.id == Account.owner_id).where(Account.id.in_(list(ids)))
    )
    return {r.id for r in rows if may_read_account(actor, visibility=policy.visibility, account_owner_id=r.owner_id,
                                                   owner_team=r.team, owner_manager_id=r.manager_id)}
