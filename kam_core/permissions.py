"""Who may do what. Enforced in the services, so every surface gets the same rules."""

from collections.abc import Collection
from enum import StrEnum

from kam_core.actors import Actor
from kam_core.enums import Role
from kam_core.errors import Forbidden


class Action(StrEnum):
    read_account = "read_account"
    log_interaction = "log_interaction"
    move_stage = "move_stage"
    create_opportunity = "create_opportunity"
    edit_opportunity = "edit_opportunity"
    close_opportunity = "close_opportunity"
    manage_lost_reasons = "manage_lost_reasons"
    manage_fx_rates = "manage_fx_rates"
    manage_aliases = "manage_aliases"  # list and remove learned aliases; teaching one is choosing (read_account)
    set_tier = "set_tier"
    see_team_digest = "see_team_digest"
    import_data = "import_data"
    manage_users = "manage_users"
    edit_plan = "edit_plan"
    complete_plan_action = "complete_plan_action"
    review_plan = "review_plan"
    complete_follow_up = "complete_follow_up"
    snooze_follow_up = "snooze_follow_up"
    choose_a_digest_schedule = "choose_a_digest_schedule"


ADMIN_ONLY = {Action.import_data, Action.manage_users, Action.manage_lost_reasons, Action.manage_fx_rates,
              Action.manage_aliases}
MANAGERS = {Action.set_tier}


def require(actor: Actor, action: Action, *, allowed: bool = True) -> None:
    """Raise Forbidden unless the actor's role permits `action` and `allowed` holds.

    `allowed` carries the record-level rule the caller worked out (for example
    "the actor owns this opportunity"); admins pass regardless of it.
    """
    if actor.role == Role.admin:
        return
    if action in ADMIN_ONLY or (action in MANAGERS and actor.role != Role.manager) or not allowed:
        raise Forbidden(action=action.value)


def leads(actor: Actor, *, person_id: int | None, person_manager_id: int | None) -> bool:
    """A manager's team is their direct reports and themselves (as in the digest and the team pipeline)."""
    me = actor.person_id
    return actor.role == Role.manager and me is not None and person_id is not None and me in {
        person_id, person_manager_id}


def may_move_stage(actor: Actor, *, owner_id: int | None, owner_manager_id: int | None,
                   account_owner_id: int | None, account_owner_manager_id: int | None,
                   account_team_ids: Collection[int] = ()) -> bool:
    """The deal's owner, the account's owner and its account team; a manager whose team owns the
    deal or the account; admins. Editing a deal follows the same rule."""
    me = actor.person_id
    if actor.role == Role.admin:
        return True
    if me is not None and (me in {owner_id, account_owner_id} or me in account_team_ids):
        return True
    return (leads(actor, person_id=owner_id, person_manager_id=owner_manager_id)
            or leads(actor, person_id=account_owner_id, person_manager_id=account_owner_manager_id))


def may_create_opportunity(actor: Actor, *, account_owner_id: int | None, account_owner_manager_id: int | None,
                           account_team_ids: Collection[int] = ()) -> bool:
    """A deal is added to an account by its owner, its account team, the manager of its owner's team
    (leads), or an admin. Editing and closing a deal afterwards follow may_move_stage."""
    me = actor.person_id
    if actor.role == Role.admin:
        return True
    if me is not None and (me == account_owner_id or me in account_team_ids):
        return True
    return leads(actor, person_id=account_owner_id, person_manager_id=account_owner_manager_id)


def may_set_tier(actor: Actor, *, account_owner_id: int | None, account_owner_manager_id: int | None) -> bool:
    """A manager re-tiers their team's accounts (those owned by a report or by themselves); admins any.
    An account without an owner is no team's: only admins re-tier it."""
    return actor.role == Role.admin or leads(actor, person_id=account_owner_id,
                                             person_manager_id=account_owner_manager_id)


def may_see_team(actor: Actor, *, manager_id: int) -> bool:
    return actor.person_id == manager_id


def sees_every_account(actor: Actor, *, visibility: str) -> bool:
    return visibility == "all" or actor.role == Role.admin


def may_read_account(actor: Actor, *, visibility: str, account_owner_id: int | None,
                     owner_team: str | None, owner_manager_id: int | None) -> bool:
    """With visibility "all" everyone reads every account; with "team", a rep reads
    accounts owned in their own team and a manager those owned by their reports."""
    if sees_every_account(actor, visibility=visibility):
        return True
    me = actor.person_id
    if me is not None and me in {account_owner_id, owner_manager_id}:
        return True
    return actor.team is not None and actor.team == owner_team


def may_edit_plan(actor: Actor, *, account_owner_id: int | None, account_owner_manager_id: int | None,
                  executive_sponsor_id: int | None, account_team_ids: Collection[int] = ()) -> bool:
    """Create or edit a plan, its objectives and actions: the account's owner and account team, the plan's
    executive sponsor, the manager of the account owner's team, admins."""
    me = actor.person_id
    if actor.role == Role.admin:
        return True
    if me is not None and (me in {account_owner_id, executive_sponsor_id} or me in account_team_ids):
        return True
    return leads(actor, person_id=account_owner_id, person_manager_id=account_owner_manager_id)


def may_change_plan_action(actor: Actor, *, action_owner_id: int | None, account_owner_id: int | None,
                           account_owner_manager_id: int | None, executive_sponsor_id: int | None,
                           account_team_ids: Collection[int] = ()) -> bool:
    """Complete, reschedule or reassign an action: whoever may edit the plan, and the action's owner."""
    return (actor.person_id is not None and actor.person_id == action_owner_id) or may_edit_plan(
        actor, account_owner_id=account_owner_id, account_owner_manager_id=account_owner_manager_id,
        executive_sponsor_id=executive_sponsor_id, account_team_ids=account_team_ids)


def may_review_plan(actor: Actor, *, account_owner_id: int | None, account_owner_manager_id: int | None,
                    executive_sponsor_id: int | None) -> bool:
    """A review is management's look at the plan (KAM_DOMAIN.md §5): the manager of the account owner's
    team, the plan's executive sponsor, admins. The account owner does not review their own plan."""
    me = actor.person_id
    if actor.role == Role.admin:
        return True
    if me is None or me == account_owner_id:  # a manager who owns the account: their own manager reviews
        return False
    return me == executive_sponsor_id or leads(actor, person_id=account_owner_id,
                                               person_manager_id=account_owner_manager_id)


def may_change_follow_up(actor: Actor, *, owner_id: int | None, account_owner_id: int | None) -> bool:
    """A follow-up is completed or snoozed by its owner or the account's owner."""
    return actor.person_id in {owner_id, account_owner_id}


def may_choose_digest_schedule(actor: Actor, *, person_id: int, person_role: Role) -> bool:
    """A manager chooses their own digest's day and hour."""
    return actor.person_id == person_id and person_role == Role.manager
