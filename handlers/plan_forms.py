"""The account plan's modals: opened from the plan message's buttons (and `/kam plan Acme new|review`),
submitted to the plans service (kam_core.plans.editing), then the plan message redrawn where the button
was. A problem shows under its input (block ids are the service's field names) and the form stays open
with everything typed in it; a button the person may no longer use opens a modal saying who can."""

from datetime import date
from decimal import Decimal

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.runtime import Runtime
from handlers.background import after_ack, later
from handlers.confirm import deliver, retrying
from handlers.ids import ActionId, CallbackId, PlanField, numbered
from handlers.log_form import open_form
from handlers.plan_views import current_plan_of, shown_plan
from handlers.render import Message
from handlers.render.plan_forms import (
    STRATEGY, FormMeta, Part, PlanRef, action_modal, create_modal, objective_modal, part_modal, person_option,
    person_options, review_modal,
)
from handlers.render.plans import T
from handlers.session import Kam, as_user
from kam_core.accounts.access import visible_account
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.errors import Forbidden, Invalid, InvalidInput, NotFound
from kam_core.people.service import search_people
from kam_core.permissions import Action, require
from kam_core.plans.editing import (
    add_action, add_objective, create_plan, default_period, may_create_plan, parse_amount, record_review, update_action,
    update_objective, update_plan,
)
from kam_core.plans.schemas import ActionChanges, ObjectiveChanges, PlanChanges, PlanStatusView
from kam_core.plans.service import plan_status
from templates import piece


# ---- building the forms ----------------------------------------------------------------------

def create_form(kam: Kam, account_id: int, *, response_url: str | None, replace: bool) -> dict:
    account = visible_account(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy)
    require(kam.actor, Action.edit_plan, allowed=may_create_plan(kam.session, actor=kam.actor, account=account))
    plan = plan_status(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy, today=kam.today)
    start, end = default_period(kam.today, plan.period_end if plan else None)
    return create_modal(account_name=account.name, key=account.tier == Tier.key, period_start=start, period_end=end,
                        meta=FormMeta(account_id=account.id, response_url=response_url, replace=replace))


def review_form(kam: Kam, plan: PlanStatusView, *, response_url: str | None, replace: bool) -> dict:
    if not plan.may_review:
        raise Forbidden(action=Action.review_plan)
    meta = FormMeta(account_id=plan.account_id, plan_id=plan.plan_id, response_url=response_url, replace=replace)
    return review_modal(plan, today=kam.today, meta=meta)


def editable(kam: Kam, ref: PlanRef) -> PlanStatusView:
    plan = current_plan_of(kam, ref)
    if not plan.may_edit:
        raise Forbidden(action=Action.edit_plan)
    return plan


def _meta(ref: PlanRef, body: dict, **more) -> FormMeta:
    return FormMeta(account_id=ref.account_id, plan_id=ref.plan_id, response_url=body.get("response_url"), **more)


def part_form(kam: Kam, ref: PlanRef, body: dict) -> dict:
    part = Part(ref.item)
    return part_modal(editable(kam, ref), part, _meta(ref, body, part=part))


def objective_form(kam: Kam, ref: PlanRef, body: dict) -> dict:
    plan = editable(kam, ref)
    objective = None
    if ref.item is not None:
        objective = next((o for o in plan.objectives if o.id == int(ref.item)), None)
        if objective is None:
            raise NotFound(what="plan objective", name=ref.item)
    meta = _meta(ref, body, item_id=objective.id if objective else None)
    return objective_modal(objective, account_name=plan.account_name, meta=meta)


def action_form(kam: Kam, ref: PlanRef, body: dict) -> dict:
    plan = current_plan_of(kam, ref)
    if ref.item is None:  # a new action: its owner is the one who adds it, unless they pick another
        if not plan.may_edit:
            raise Forbidden(action=Action.edit_plan)
        owner = person_option(kam.person.id, kam.person.name)
        return action_modal(None, account_name=plan.account_name, owner=owner, may_reword=True,
                            meta=_meta(ref, body))
    action = next((a for a in plan.actions if a.id == int(ref.item)), None)
    if action is None:
        raise NotFound(what="open plan action", name=ref.item)
    if not (plan.may_edit or action.owner_id == kam.person.id):
        raise Forbidden(action=Action.complete_plan_action)
    owner = person_option(action.owner_id, action.owner_name) if action.owner_id and action.owner_name else None
    return action_modal(action, account_name=plan.account_name, owner=owner, may_reword=plan.may_edit,
                        meta=_meta(ref, body, item_id=action.id, version=ref.version))


def review_form_for(kam: Kam, ref: PlanRef, body: dict) -> dict:
    return review_form(kam, current_plan_of(kam, ref), response_url=body.get("response_url"), replace=True)


# ---- reading the forms -----------------------------------------------------------------------

class FormValues:
    """A submitted plan form's inputs by field (the block ids); an input the form lacks reads as None."""

    def __init__(self, view: dict) -> None:
        self.values = view["state"]["values"]

    def has(self, field: PlanField) -> bool:
        return field.value in self.values

    def _element(self, field: PlanField) -> dict:
        block = self.values.get(field.value) or {}
        return block.get(ActionId.plan_input) or block.get(ActionId.person_select) or {}

    def text(self, field: PlanField) -> str | None:
        return (self._element(field).get("value") or "").strip() or None

    def day(self, field: PlanField) -> date | None:
        chosen = self._element(field).get("selected_date")
        return date.fromisoformat(chosen) if chosen else None

    def choice(self, field: PlanField) -> str | None:
        return (self._element(field).get("selected_option") or {}).get("value")

    def person(self, field: PlanField) -> int | None:
        chosen = self.choice(field)
        return int(chosen) if chosen else None

    def required_date(self, field: PlanField, problems: list[InvalidInput]) -> date | None:
        chosen = self.day(field)
        if chosen is None:
            problems.append(InvalidInput(field=field.value, problem="date_missing"))
        return chosen

    def amount(self, field: PlanField, problems: list[InvalidInput], *, empty: Decimal | None = None) -> Decimal:
        typed = self.text(field)
        if typed is None and empty is not None:
            return empty
        try:
            return parse_amount(typed or "", field=field.value)
        except InvalidInput as problem:
            problems.append(problem)
            return Decimal(0)


def raise_any(problems: list[InvalidInput]) -> None:
    if problems:
        raise Invalid(problems)


# ---- submitting them -------------------------------------------------------------------------

def submit_create(kam: Kam, meta: FormMeta, form: FormValues) -> PlanStatusView:
    problems: list[InvalidInput] = []
    start = form.required_date(PlanField.period_start, problems)
    end = form.required_date(PlanField.period_end, problems)
    raise_any(problems)
    return create_plan(kam.session, actor=kam.actor, account_id=meta.account_id, period_start=start, period_end=end,
                       reason=form.text(PlanField.reason), focus=form.text(PlanField.focus), now=kam.now,
                       today=kam.today, policy=kam.policy)


def submit_part(kam: Kam, meta: FormMeta, form: FormValues) -> PlanStatusView:
    if meta.part == Part.strategy:
        changes = PlanChanges(**{f.value: form.text(f) for f in STRATEGY})
    elif meta.part == Part.people:
        changes = PlanChanges(executive_sponsor_id=form.person(PlanField.executive_sponsor_id),
                              team_roles=form.text(PlanField.team_roles))
    else:
        problems: list[InvalidInput] = []
        fields = {"period_start": form.required_date(PlanField.period_start, problems),
                  "period_end": form.required_date(PlanField.period_end, problems)}
        raise_any(problems)
        if form.has(PlanField.reason):
            fields["reason"] = form.text(PlanField.reason)
        changes = PlanChanges(**fields)
    return update_plan(kam.session, actor=kam.actor, plan_id=meta.plan_id, changes=changes, now=kam.now,
                       today=kam.today, policy=kam.policy)


def submit_objective(kam: Kam, meta: FormMeta, form: FormValues) -> PlanStatusView:
    problems: list[InvalidInput] = []
    target = form.amount(PlanField.target, problems)
    actual = form.amount(PlanField.actual, problems, empty=Decimal(0))
    if form.text(PlanField.description) is None:
        problems.append(InvalidInput(field=PlanField.description.value, problem="description_missing"))
    raise_any(problems)
    lever = Lever(form.choice(PlanField.lever)) if form.choice(PlanField.lever) else None
    fields = {"description": form.text(PlanField.description), "lever": lever, "target": target,
              "unit": form.text(PlanField.unit), "actual": actual}
    if meta.item_id is None:
        return add_objective(kam.session, actor=kam.actor, plan_id=meta.plan_id, **fields, now=kam.now,
                             today=kam.today, policy=kam.policy)
    return update_objective(kam.session, actor=kam.actor, objective_id=meta.item_id,
                            changes=ObjectiveChanges(**fields), now=kam.now, today=kam.today, policy=kam.policy)


def submit_action(kam: Kam, meta: FormMeta, form: FormValues) -> PlanStatusView:
    owner_id, due_date = form.person(PlanField.owner_id), form.day(PlanField.due_date)
    if meta.item_id is None:
        return add_action(kam.session, actor=kam.actor, plan_id=meta.plan_id,
                          description=form.text(PlanField.description) or "", owner_id=owner_id, due_date=due_date,
                          now=kam.now, today=kam.today, policy=kam.policy)
    fields = {"owner_id": owner_id, "due_date": due_date}
    if form.has(PlanField.description):  # only whoever may edit the plan rewords an action
        fields["description"] = form.text(PlanField.description)
    status = form.choice(PlanField.status)
    if status:
        fields["status"] = ActionStatus(status)
    return update_action(kam.session, actor=kam.actor, action_id=meta.item_id, expected_version=meta.version,
                         changes=ActionChanges(**fields), now=kam.now, today=kam.today, policy=kam.policy)


def submit_review(kam: Kam, meta: FormMeta, form: FormValues) -> PlanStatusView:
    problems: list[InvalidInput] = []
    reviewed_on = form.required_date(PlanField.reviewed_on, problems)
    raise_any(problems)
    return record_review(kam.session, actor=kam.actor, plan_id=meta.plan_id, reviewed_on=reviewed_on,
                         notes=form.text(PlanField.notes) or "", customer_view=form.text(PlanField.customer_view),
                         now=kam.now, today=kam.today, policy=kam.policy)


def saved_what(callback_id: str, meta: FormMeta) -> str:
    if callback_id == CallbackId.plan_create_modal:
        return "created"
    if callback_id == CallbackId.plan_part_modal:
        return meta.part.value
    if callback_id == CallbackId.objective_modal:
        return "objective" if meta.item_id else "objective_added"
    if callback_id == CallbackId.plan_action_modal:
        return "action" if meta.item_id else "action_added"
    return "review"


SUBMIT = {CallbackId.plan_create_modal: submit_create, CallbackId.plan_part_modal: submit_part,
          CallbackId.objective_modal: submit_objective, CallbackId.plan_action_modal: submit_action,
          CallbackId.review_modal: submit_review}


def redraw(client: WebClient, user_id: str, meta: FormMeta, message: Message) -> None:
    """The plan shown again where the button was (replacing that message), or as a new ephemeral
    message under the command; by DM when neither works (the change is saved whatever happens here)."""
    ways = []
    if meta.response_url:
        ways.append(lambda: WebhookClient(meta.response_url).send(
            replace_original=meta.replace, response_type="ephemeral", **message.as_kwargs()))
    ways.append(lambda: retrying(client.chat_postMessage, channel=user_id, **message.as_kwargs()))
    deliver(*ways)


# ---- listeners ---------------------------------------------------------------------------------

def register(app: App, runtime: Runtime) -> None:
    def opener(action_id: str, build) -> None:
        @app.action(numbered(action_id))
        @after_ack(runtime)
        def open_it(body: dict, client: WebClient) -> None:
            ref_value = body["actions"][0]["value"]
            open_form(runtime, client, body["user"]["id"], body["trigger_id"], lambda kam: build(kam, ref_value, body))

    opener(ActionId.create_plan, lambda kam, value, body: create_form(
        kam, int(value), response_url=body.get("response_url"), replace=True))
    opener(ActionId.edit_plan, lambda kam, value, body: part_form(kam, PlanRef.decode(value), body))
    opener(ActionId.add_objective, lambda kam, value, body: objective_form(kam, PlanRef.decode(value), body))
    opener(ActionId.edit_objective, lambda kam, value, body: objective_form(kam, PlanRef.decode(value), body))
    opener(ActionId.add_action, lambda kam, value, body: action_form(kam, PlanRef.decode(value), body))
    opener(ActionId.edit_action, lambda kam, value, body: action_form(kam, PlanRef.decode(value), body))
    opener(ActionId.record_review, lambda kam, value, body: review_form_for(kam, PlanRef.decode(value), body))

    @app.options(ActionId.person_select)
    def suggest_people(ack: Ack, body: dict, client: WebClient) -> None:
        ack(options=as_user(runtime, body["user"]["id"], client, lambda kam: person_options(search_people(
            kam.session, query=body.get("value") or "", limit=10)), read_only=True))

    for callback_id, submit in SUBMIT.items():
        app.view(callback_id)(taker(runtime, submit))


def taker(runtime: Runtime, submit):
    """The listener of one plan form: the service called before the ack, so its problems show on the
    form; the plan redrawn after it."""

    def submitted(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        user_id = body["user"]["id"]
        meta = FormMeta.decode(view["private_metadata"])
        form = FormValues(view)

        def save(kam: Kam) -> Message:
            plan = submit(kam, meta, form)
            return shown_plan(kam, plan, piece(T, "saved", what=saved_what(view["callback_id"], meta)))

        message = as_user(runtime, user_id, client, save)
        ack()
        later(runtime, body, client, lambda: redraw(client, user_id, meta, message))

    return submitted
