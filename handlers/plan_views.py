"""An account plan as one person sees it: the message with the buttons they may use, the plan a
button names, its history. Shared by /kam plan (handlers/plans.py) and the plan's modals
(handlers/plan_forms.py)."""

from handlers.errors import Reply
from handlers.render import Message
from handlers.render.plan_forms import PlanRef
from handlers.render.plans import T, history_message, no_plan_message, plan_message
from handlers.session import Kam
from kam_core.accounts.access import visible_account
from kam_core.enums import Tier
from kam_core.plans.editing import may_create_plan
from kam_core.plans.history import plan_history
from kam_core.plans.schemas import PlanStatusView
from kam_core.plans.service import plan_status
from kam_core.timezones import zone
from templates import piece

HISTORY_ENTRIES = 45  # one block each, under the header and the intro


def shown_plan(kam: Kam, plan: PlanStatusView, notice: str | None = None) -> Message:
    return plan_message(plan, today=kam.today, viewer_id=kam.person.id, notice=notice)


def plan_for(kam: Kam, account_id: int, notice: str | None = None) -> Message:
    """The account's current plan, or that it has none (with "Create plan" for whoever may write one)."""
    account = visible_account(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy)
    plan = plan_status(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)
    if plan is None:
        return no_plan_message(account.id, account.name, key_account=account.tier == Tier.key,
                               may_create=may_create_plan(kam.session, actor=kam.actor, account=account))
    return shown_plan(kam, plan, notice)


def current_plan_of(kam: Kam, ref: PlanRef) -> PlanStatusView:
    """The plan a button names, read as its account's current plan. When that is another plan now (or
    none), the answer is the account's plan as it is (a Reply) rather than a change to the wrong one."""
    plan = plan_status(kam.session, actor=kam.actor, account_id=ref.account_id, policy=kam.policy, today=kam.today)
    if plan is None or plan.plan_id != ref.plan_id:
        account = visible_account(kam.session, actor=kam.actor, account_id=ref.account_id, policy=kam.policy)
        raise Reply(plan_for(kam, ref.account_id, notice=piece(T, "not_current", account_name=account.name)))
    return plan


def history_for(kam: Kam, plan_id: int) -> Message:
    history = plan_history(kam.session, actor=kam.actor, plan_id=plan_id, policy=kam.policy, limit=HISTORY_ENTRIES)
    return history_message(history, zone=zone(kam.person.timezone, kam.default_timezone))
