"""The account plan's modals: create a plan, edit one part (strategy, people, period), an objective, an
action, record a review. Short labels and few inputs each, so they work on a phone. Each input's block
id is the plans service's field name (handlers.ids.PlanField): a problem shows under its input.
Structure here, words in templates/slack/plan_forms.j2."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from handlers.ids import ActionId, CallbackId, PlanField
from handlers.render.blocks import clip, context, section
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.plans.schemas import ActionView, ObjectiveView, PlanStatusView
from templates import piece

T = "slack/plan_forms.j2"
TITLE_LIMIT = 24  # a modal's title, submit and close
OPTION_TEXT_LIMIT = 75
PRIVATE_METADATA_LIMIT = 3000
# Slack's longest text input; an objective's or action's description and a unit are the columns' sizes.
TEXT_LIMIT = 3000
DESCRIPTION_LIMIT = 500
UNIT_LIMIT = 20
AMOUNT_LIMIT = 30


class Part(StrEnum):
    """The parts of a plan edited on their own, each in its modal."""

    strategy = "strategy"
    people = "people"
    period = "period"


STRATEGY = (PlanField.focus, PlanField.customer_trends, PlanField.customer_priorities, PlanField.our_impact,
            PlanField.value_proposition)


class PlanRef(BaseModel):
    """What a plan button carries: "<account id>:<plan id>[:<item>[:<version>]]" (the item: a part, an
    objective's or an action's id). The account, so the plan shown again is read as the account's."""

    account_id: int
    plan_id: int
    item: str | None = None
    version: int | None = None

    def encode(self) -> str:
        return ":".join(str(v) for v in (self.account_id, self.plan_id, self.item, self.version) if v is not None)

    def with_item(self, item: object, version: int | None = None) -> str:
        return self.model_copy(update={"item": str(item), "version": version}).encode()

    @classmethod
    def decode(cls, value: str) -> "PlanRef":
        account_id, plan_id, item, version = (value.split(":") + [None, None])[:4]
        return cls(account_id=int(account_id), plan_id=int(plan_id), item=item or None,
                   version=int(version) if version else None)


class FormMeta(BaseModel):
    """What a plan modal carries between opening and submission (its private_metadata)."""

    account_id: int
    plan_id: int | None = None
    part: Part | None = None
    item_id: int | None = None  # the objective or action edited; None when adding one
    version: int | None = None  # the action's version the user saw
    # Where the plan message is: redrawn there after the submission (replaced when it was a button's).
    response_url: str | None = None
    replace: bool = True

    def encode(self) -> str:
        raw = self.model_dump_json(exclude_none=True)
        if len(raw) > PRIVATE_METADATA_LIMIT:  # only a malformed payload's URL is this long
            raw = self.model_copy(update={"response_url": None}).model_dump_json(exclude_none=True)
        return raw

    @classmethod
    def decode(cls, raw: str) -> "FormMeta":
        return cls.model_validate_json(raw)


# ---- the modals --------------------------------------------------------------------------------

def create_modal(*, account_name: str, key: bool, period_start: date, period_end: date, meta: FormMeta) -> dict:
    """A new plan: its period (a year from today unless told), its focus, and for an account that is
    not a key account, why it should have a plan at all."""
    blocks = [section(piece(T, "create_intro", account_name=account_name, key=key)),
              _date(PlanField.period_start, period_start),
              _date(PlanField.period_end, period_end, hint=piece(T, "hint_period")),
              _text(PlanField.focus, None, multiline=True, optional=True, hint=piece(T, "hint_focus"))]
    if not key:
        blocks.append(_text(PlanField.reason, None, multiline=True, hint=piece(T, "hint_reason")))
    return _modal(CallbackId.plan_create_modal, "create_title", "create_submit", meta, blocks)


def part_modal(plan: PlanStatusView, part: Part, meta: FormMeta) -> dict:
    blocks = [context(piece(T, "part_intro", part=part.value, account_name=plan.account_name))]
    if part == Part.strategy:
        blocks += [_text(f, getattr(plan, f.value), multiline=True, optional=True, hint=piece(T, f"hint_{f.value}"))
                   for f in STRATEGY]
    elif part == Part.people:
        sponsor = person_option(plan.executive_sponsor_id, plan.executive_sponsor) \
            if plan.executive_sponsor_id and plan.executive_sponsor else None
        blocks += [_person(PlanField.executive_sponsor_id, sponsor, hint=piece(T, "hint_executive_sponsor_id")),
                   _text(PlanField.team_roles, plan.team_roles, multiline=True, optional=True,
                         hint=piece(T, "hint_team_roles"))]
    else:
        blocks += [_date(PlanField.period_start, plan.period_start), _date(PlanField.period_end, plan.period_end)]
        if plan.tier != Tier.key or plan.reason:
            blocks.append(_text(PlanField.reason, plan.reason, multiline=True, optional=plan.tier == Tier.key,
                                hint=piece(T, "hint_reason")))
    return _modal(CallbackId.plan_part_modal, f"{part.value}_title", "save", meta, blocks)


def objective_modal(objective: ObjectiveView | None, *, account_name: str, meta: FormMeta) -> dict:
    """Add an objective (None) or update one: what, by which growth lever, the target, its unit, the actual."""
    blocks = [
        context(piece(T, "objective_intro", account_name=account_name)),
        _text(PlanField.description, objective.description if objective else None, limit=DESCRIPTION_LIMIT),
        _select(PlanField.lever, [(lever.value, piece(T, "lever", lever=lever)) for lever in Lever],
                objective.lever.value if objective and objective.lever else None, optional=True),
        _text(PlanField.target, _number(objective.target) if objective else None, limit=AMOUNT_LIMIT,
              hint=piece(T, "hint_target")),
        _text(PlanField.unit, objective.unit if objective else None, optional=True, limit=UNIT_LIMIT),
        _text(PlanField.actual, _number(objective.actual) if objective else None, optional=True, limit=AMOUNT_LIMIT,
              hint=piece(T, "hint_actual")),
    ]
    return _modal(CallbackId.objective_modal, "objective_title" if objective else "new_objective_title",
                  "save", meta, blocks)


def action_modal(action: ActionView | None, *, account_name: str, owner: dict | None, may_reword: bool,
                 meta: FormMeta) -> dict:
    """Add an action (None), or change one: assign, reschedule, complete (its status). The action's
    owner who may not edit the plan changes all but its wording, shown as text."""
    blocks = [context(piece(T, "action_intro", account_name=account_name))]
    if may_reword:
        blocks.append(_text(PlanField.description, action.description if action else None, limit=DESCRIPTION_LIMIT))
    else:
        blocks.append(section(piece(T, "action_text", description=action.description)))
    blocks += [_person(PlanField.owner_id, owner),
               _date(PlanField.due_date, action.due_date if action else None, optional=True)]
    if action is not None:
        blocks.append(_select(PlanField.status, [(s.value, piece(T, "status", status=s.value)) for s in ActionStatus],
                              action.status.value))
    return _modal(CallbackId.plan_action_modal, "action_title" if action else "new_action_title", "save", meta,
                  blocks)


def review_modal(plan: PlanStatusView, *, today: date, meta: FormMeta) -> dict:
    """A review: when, what was said, and the customer's own view of us when it was heard."""
    blocks = [
        context(piece(T, "review_intro", account_name=plan.account_name)),
        _date(PlanField.reviewed_on, today),
        _text(PlanField.notes, None, multiline=True, hint=piece(T, "hint_notes")),
        _text(PlanField.customer_view, None, multiline=True, optional=True, hint=piece(T, "hint_customer_view")),
    ]
    return _modal(CallbackId.review_modal, "review_title", "review_submit", meta, blocks)


def person_option(person_id: int, name: str, email: str | None = None) -> dict:
    text = f"{name} ({email})" if email else name
    return {"text": {"type": "plain_text", "text": clip(text, OPTION_TEXT_LIMIT), "emoji": False},
            "value": str(person_id)}


def person_options(people) -> list[dict]:
    """The options of a person picker, from kam_core.people.service.search_people."""
    return [person_option(p.id, p.name, p.email) for p in people]


# ---- pieces --------------------------------------------------------------------------------------

def _modal(callback_id: str, title: str, submit: str, meta: FormMeta, blocks: list[dict]) -> dict:
    return {"type": "modal", "callback_id": callback_id, "title": _plain(piece(T, title), TITLE_LIMIT),
            "submit": _plain(piece(T, submit), TITLE_LIMIT), "close": _plain(piece(T, "close"), TITLE_LIMIT),
            "private_metadata": meta.encode(), "blocks": blocks}


def _plain(text: str, limit: int = 2000) -> dict:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _input(field: PlanField, element: dict, *, optional: bool, hint: str | None) -> dict:
    block = {"type": "input", "block_id": field.value, "label": _plain(piece(T, "label", field=field.value)),
             "element": element, "optional": optional}
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text(field: PlanField, value: str | None, *, multiline: bool = False, optional: bool = False,
          limit: int = TEXT_LIMIT, hint: str | None = None) -> dict:
    element = {"type": "plain_text_input", "action_id": ActionId.plan_input, "multiline": multiline,
               "max_length": limit}
    if value:
        element["initial_value"] = value[:limit]
    return _input(field, element, optional=optional, hint=hint)


def _date(field: PlanField, value: date | None, *, optional: bool = False, hint: str | None = None) -> dict:
    element = {"type": "datepicker", "action_id": ActionId.plan_input}
    if value:
        element["initial_date"] = value.isoformat()
    return _input(field, element, optional=optional, hint=hint)


def _select(field: PlanField, choices: list[tuple[str, str]], value: str | None, *, optional: bool = False) -> dict:
    options = [{"text": _plain(text, OPTION_TEXT_LIMIT), "value": key} for key, text in choices]
    element = {"type": "static_select", "action_id": ActionId.plan_input, "options": options}
    chosen = next((o for o in options if o["value"] == value), None)
    if chosen:
        element["initial_option"] = chosen
    return _input(field, element, optional=optional, hint=None)


def _person(field: PlanField, chosen: dict | None, *, hint: str | None = None) -> dict:
    element = {"type": "external_select", "action_id": ActionId.person_select, "min_query_length": 1,
               "placeholder": _plain(piece(T, "placeholder_person"))}
    if chosen:
        element["initial_option"] = chosen
    return _input(field, element, optional=True, hint=hint)


def _number(value: Decimal) -> str:
    """A figure as typed: 1200, 45.5 (no exponent, no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
