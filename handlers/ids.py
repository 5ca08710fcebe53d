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
    new_opportunity = "kam.new_opportunity"  # value: account id (the card's New deal button)
    move_stage = "kam.move_stage"  # value: opportunity id:version
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


class CallbackId(StrEnum):
    log_modal = "kam.log_modal"
    stage_modal = "kam.stage_modal"
    log_shortcut = "kam.log_shortcut"
    log_message_shortcut = "kam.log_message"


class BlockId(StrEnum):
    account = "account"
    kind = "kind"
    occurred_on = "occurred_on"
    contacts = "contacts"
    notes = "notes"
    next_step = "next_step"
    follow_up_on = "follow_up_on"
    stage = "stage"


# A service error's `field` (kam_core.errors) names the input it is about; most are the block's id.
FIELD_BLOCKS = {"text": BlockId.notes}
# Where a form shows an error that is about no one input.
GENERAL_BLOCKS = {CallbackId.log_modal: BlockId.notes, CallbackId.stage_modal: BlockId.stage}


def block_for_field(field: str | None) -> str | None:
    return None if field is None else FIELD_BLOCKS.get(field, field)


def numbered(action_id: ActionId) -> re.Pattern:
    """Matches the action id alone and numbered (`kam.x`, `kam.x:0`, ...)."""
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")


def id_and_version(value: str) -> tuple[int, int | None]:
    """A button value "<id>:<version>" (the version the user saw; None on buttons made before versions)."""
    record_id, _, version = value.partition(":")
    return int(record_id), int(version) if version else None
