"""IDs of Slack blocks, actions and views, and the values their buttons carry. Handlers match on
these, renderers emit them.

A view or message may hold the same action several times (one button per row, per candidate), and
Slack wants action ids unique within it, so renderers number them: `kam.x`, `kam.x:0`, `kam.x:1`...
`numbered(ActionId.x)` matches them all. Buttons on a record that can change carry "<id>:<version>".
"""

import re
from enum import StrEnum


class ActionId(StrEnum):
    open_account = "kam.open_account"  # value: account id
    page_accounts = "kam.page_accounts"  # /kam mine, /kam team: Next / Previous; value: "<scope>:<offset>"
    set_tier = "kam.set_tier"  # value: a tier change waiting for its account (handlers/account.TierChoice)
    log_interaction = "kam.log_interaction"  # value: account id
    show_opportunities = "kam.show_opportunities"  # value: account id
    show_plan = "kam.show_plan"  # value: account id
    show_history = "kam.show_history"  # value: account id (the card's History button)
    page_history = "kam.page_history"  # /kam history: Next / Previous; value: "<account id>:<offset>"
    open_interaction = "kam.open_interaction"  # /kam history: a note in full; value: interaction id
    new_opportunity = "kam.new_opportunity"  # value: account id (the card's New deal button)
    move_stage = "kam.move_stage"  # value: opportunity id:version
    edit_opportunity = "kam.edit_opportunity"  # value: opportunity id:version
    close_opportunity = "kam.close_opportunity"  # value: opportunity id:version
    opportunity_history = "kam.opportunity_history"  # value: opportunity id
    deal_input = "kam.deal_input"  # every input of the deal and close forms: their blocks (DealField) tell them apart
    complete_action = "kam.complete_action"  # value: action id:version
    complete_follow_up = "kam.complete_follow_up"  # value: follow-up id:version
    snooze_follow_up = "kam.snooze_follow_up"  # value: follow-up id:version
    undo_interaction = "kam.undo_interaction"  # value: interaction id
    save_draft = "kam.save_draft"  # value: a note draft (handlers/note_text.Draft), numbered :n on candidates
    account_select = "kam.account_select"  # external_select in the log modal
    stage_select = "kam.stage_select"  # static_select in the stage modal
    change_account = "kam.change_account"  # value: a note draft; opens the log modal with it
    kind_select = "kam.kind_select"  # static_select in the log modal
    occurred_on_pick = "kam.occurred_on"  # datepicker in the log modal
    contacts_select = "kam.contacts_select"  # multi_static_select in the log modal
    notes_input = "kam.notes_input"  # plain_text_input in the log modal
    next_step_input = "kam.next_step_input"  # plain_text_input in the log modal
    follow_up_pick = "kam.follow_up_on"  # datepicker in the log modal
    create_plan = "kam.create_plan"  # value: account id (the no-plan message's button)
    # The plan's buttons carry "<account id>:<plan id>[:<item>[:<version>]]" (handlers/render/plan_forms.PlanRef).
    edit_plan = "kam.edit_plan"  # numbered; item: the part (strategy, people, period)
    add_objective = "kam.add_objective"
    edit_objective = "kam.edit_objective"  # numbered; item: objective id
    add_action = "kam.add_action"
    edit_action = "kam.edit_action"  # numbered; item: action id, and its version
    record_review = "kam.record_review"
    show_plan_history = "kam.show_plan_history"
    person_select = "kam.person_select"  # external_select of people in the plan forms (sponsor, owner)
    plan_input = "kam.plan_input"  # every other input of the plan forms: their blocks (PlanField) tell them apart
    show_aliases = "kam.show_aliases"  # value: account id (a candidate of /kam aliases)
    remove_alias = "kam.remove_alias"  # /kam aliases: Remove, numbered; value: the learned alias's id


class CallbackId(StrEnum):
    log_modal = "kam.log_modal"
    stage_modal = "kam.stage_modal"
    deal_modal = "kam.deal_modal"  # a new deal or an edit: which rides in private_metadata
    close_modal = "kam.close_modal"
    log_shortcut = "kam.log_shortcut"
    log_message_shortcut = "kam.log_message"
    plan_create_modal = "kam.plan_create"
    plan_part_modal = "kam.plan_part"  # strategy, people or period: the part rides in private_metadata
    objective_modal = "kam.objective_modal"
    plan_action_modal = "kam.plan_action_modal"
    review_modal = "kam.review_modal"


class BlockId(StrEnum):
    account = "account"
    kind = "kind"
    occurred_on = "occurred_on"
    contacts = "contacts"
    notes = "notes"
    next_step = "next_step"
    follow_up_on = "follow_up_on"
    stage = "stage"
    # A row's buttons in the plan-actions reminder DM, numbered `action_reminder:0`...: a Done there
    # re-draws the reminder, not the plan (handlers/plans.py).
    action_reminder = "action_reminder"


class DealField(StrEnum):
    """The deal and close forms' input blocks, each named after the field of kam_core.opportunities.editing,
    so a problem shows under its input."""

    name = "name"
    product_id = "product_id"
    lever = "lever"
    amount = "amount"
    currency = "currency"
    expected_close_date = "expected_close_date"
    stage_id = "stage_id"
    probability = "probability"
    next_step = "next_step"
    outcome = "outcome"
    lost_reason_id = "lost_reason_id"
    lost_note = "lost_note"


class PlanField(StrEnum):
    """The plan forms' input blocks, each named after the plans service's field (kam_core.plans.editing),
    so a problem shows under its input."""

    period_start = "period_start"
    period_end = "period_end"
    focus = "focus"
    customer_trends = "customer_trends"
    customer_priorities = "customer_priorities"
    our_impact = "our_impact"
    value_proposition = "value_proposition"
    team_roles = "team_roles"
    reason = "reason"
    executive_sponsor_id = "executive_sponsor_id"
    description = "description"
    lever = "lever"
    target = "target"
    unit = "unit"
    actual = "actual"
    owner_id = "owner_id"
    due_date = "due_date"
    status = "status"
    reviewed_on = "reviewed_on"
    notes = "notes"
    customer_view = "customer_view"


# A service error's `field` (kam_core.errors) names the input it is about; most are the block's id.
FIELD_BLOCKS = {"text": BlockId.notes}
# Where a form shows an error that is about no one input.
GENERAL_BLOCKS = {CallbackId.log_modal: BlockId.notes, CallbackId.stage_modal: BlockId.stage}
GENERAL_BLOCKS |= {CallbackId.deal_modal: DealField.name, CallbackId.close_modal: DealField.outcome}


def block_for_field(field: str | None) -> str | None:
    return None if field is None else FIELD_BLOCKS.get(field, field)


# The actions block of the candidates for what a rep typed (and of a "did you mean"): its block id carries
# the text and the accounts offered, "kam.teaches:<id>,<id>,...:<text>", so that choosing the n-th button
# (action id "...:n") teaches the text as an alias of the n-th account, whichever command the buttons run
# (handlers/teaching.py, from handlers.background.after_ack). In the block id, not the button's value: the
# value keeps its 2,000 characters for what the command needs (a note).
TEACHES = "kam.teaches:"
BLOCK_ID_LIMIT = 255


def teaching_block(typed: str, account_ids: list[int]) -> str | None:
    """The block id that carries `typed` for these accounts, or None when it would not fit Slack's 255 characters."""
    block_id = f"{TEACHES}{','.join(map(str, account_ids))}:{typed}"
    return block_id if len(block_id) <= BLOCK_ID_LIMIT else None


def taught(body: dict) -> tuple[int, str] | None:
    """(the account chosen, what the rep had typed), when the tapped button was one of the candidates (or the
    suggestion) for it."""
    tapped = (body.get("actions") or [{}])[0]
    if not isinstance(tapped, dict):
        return None
    block_id, action_id = tapped.get("block_id"), tapped.get("action_id")
    if not (isinstance(block_id, str) and block_id.startswith(TEACHES) and isinstance(action_id, str)):
        return None
    ids, _, typed = block_id[len(TEACHES):].partition(":")
    position = action_id.rpartition(":")[2]
    offered = [int(i) for i in ids.split(",") if i.isdigit()]
    if not typed or not position.isdigit() or int(position) >= len(offered):
        return None
    return offered[int(position)], typed


def numbered(action_id: ActionId) -> re.Pattern:
    """Matches the action id alone and numbered (`kam.x`, `kam.x:0`, ...)."""
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")


def id_and_version(value: str) -> tuple[int, int | None]:
    """A button value "<id>:<version>" (the version the user saw; None on buttons made before versions)."""
    record_id, _, version = value.partition(":")
    return int(record_id), int(version) if version else None
