"""An account plan as one person sees it: the message with the buttons they may use, the plan a
button names, its history. Shared by /kam plan (handlers/plans.py) and the plan's modals
(handlers/plan_forms.py)."""

from handlers.errors import Reply
from handlers.render import Message
from handlers.render.plan_forms import PlanRef
from handlers.render.plans import T, history_message, no_plan_message, plan_message
from handlers.session import Kam
from kam_core.enums import Tier
from kam_core.plans.history import plan_history
from kam_core.plans.schemas import AccountPlanView, PlanStatusView
from kam_core.plans.service import account_plan
from kam_core.timezones import zone
from templates import piece

HISTORY_ENTRIES = 45  # one block each, under the header and the intro


def shown_plan(kam: Kam, plan: PlanStatusView, notice: str | None = None) -> Message:
    return plan_message(plan, today=kam.today, viewer_id=kam.person.id, notice=notice)


def plan_for(kam: Kam, account_id: int, notice: str | None = None) -> Message:
    """The account's current plan, or that it has none (with "Create plan" for whoever may write one)."""
    return _plan_message(kam, _account_plan(kam, account_id), notice)


def _account_plan(kam: Kam, account_id: int) -> AccountPlanView:
    return account_plan(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)


def _plan_message(kam: Kam, shown: AccountPlanView, notice: str | None = None) -> Message:
    if shown.plan is None:
        return no_plan_message(shown.account_id, shown.account_name, key_account=shown.tier == Tier.key,
                               may_create=shown.may_create)
    return shown_plan(kam, shown.plan, notice)


def current_plan_of(kam: Kam, ref: PlanRef) -> PlanStatusView:
    """The plan a button names, read as its account's current plan. When that is another plan now (or
    none), the answer is the account's plan as it is (a Reply) rather than a change to the wrong one."""
    shown = _account_plan(kam, ref.account_id)
    if shown.plan is None or shown.plan.plan_id != ref.plan_id:
        raise Reply(_plan_message(kam, shown, notice=piece(T, "not_current", account_name=shown.account_name)))
    return shown.plan


def history_for(kam: Kam, plan_id: int) -> Message:
    history = plan_history(kam.session, actor=kam.actor, plan_id=plan_id, policy=kam.policy, limit=HISTORY_ENTRIES)
    return history_message(history, zone=zone(kam.person.timezone, kam.default_timezone))
