"""Loading an account on behalf of someone: exists, and they may see it."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from kam_core.accounts.models import Account
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
    require(actor, action, allowed=may_read_account(
        actor, visibility=policy.visibility, account_owner_id=account.owner_id,
        owner_team=owner.team if owner else None, owner_manager_id=owner.manager_id if owner else None,
    ))
    return account


def search_visible(session: Session, *, actor: Actor, policy: Policy, query: str, limit: int = 5) -> SearchResult:
    """search_accounts, minus the accounts this actor may not see (KAM_VISIBILITY=team):
    their names appear neither as matches, nor as candidates, nor as suggestions."""
    result = search_accounts(session, query=query, limit=limit)
    if sees_every_account(actor, visibility=policy.visibility) or not result.candidates:
        return result
    ids = [c.account_id for c in result.candidates]
    Owner = aliased(Person)
    rows = session.execute(
        select(Account.id, Account.owner_id, Owner.team, Owner.manager_id)
        .outerjoin(Owner, Owner.id == Account.owner_id).where(Account.id.in_(ids))
    )
    visible = {r.id for r in rows if may_read_account(actor, visibility=policy.visibility, account_owner_id=r.owner_id,
                                                      owner_team=r.team, owner_manager_id=r.manager_id)}
    kept = [c for c in result.candidates if c.account_id in visible]
    if result.outcome == Outcome.match and not kept:
        return SearchResult(query=result.query, outcome=Outcome.none, candidates=[])
    outcome = result.outcome if kept else Outcome.none
    return SearchResult(query=result.query, outcome=outcome, candidates=kept)
