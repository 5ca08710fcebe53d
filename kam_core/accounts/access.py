"""Loading an account on behalf of someone: exists, and they may see it."""

from sqlalchemy.orm import Session

from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.errors import NotFound
from kam_core.permissions import Action, may_read_account, require
from kam_core.policy import Policy


def visible_account(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                    action: Action = Action.read_account) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(what="account", name=str(account_id))
    owner = account.owner
    require(actor, action, allowed=may_read_account(
        actor, visibility=policy.visibility, account_owner_id=account.owner_id,
        owner_team=owner.team if owner else None, owner_manager_id=owner.manager_id if owner else None,
    ))
    return account
