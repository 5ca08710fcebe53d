"""The log-interaction modal through real HTTP: opening it, live account suggestions, inline errors,
saving once however often it is submitted, and the confirmation by DM."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.ids import ActionId, BlockId, CallbackId
from kam_core.accounts.models import Account
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import InteractionKind, Source
from kam_core.people.models import Person
from tests.factories import make_contact
from tests.handlers.conftest import REP, over_http_and_socket
from tests.handlers.test_notes import ack, button, follow_ups, interactions, text_of, valid_blocks, valid_view


def open_modal(driver, slack, text: str = "log") -> dict:
    before = slack.mark()
    assert driver.slash_command(REP, text).status == 200
    view = slack.wait_for("views.open", after=before).response["view"]
    assert view["callback_id"] == CallbackId.log_modal
    return valid_view(view)


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def today_of(local, person_id: int):
    with transaction(local.runtime.sessions) as session:
        return utcnow().astimezone(ZoneInfo(session.get(Person, person_id).timezone or "UTC")).date()


def filled(acme_id: int, **overrides) -> dict:
    values = {BlockId.account: {ActionId.account_select: str(acme_id)},
              BlockId.kind: {ActionId.kind_select: "meeting"},
              BlockId.notes: {ActionId.notes_input: "Met the CFO, budget approved"}}
    values.update(overrides)
    return values


def test_kam_log_alone_opens_the_form_and_with_a_name_preselects_the_account(driver, slack, world):
    response = driver.slash_command(REP, "log")
    assert response.status == 200 and not response.body  # nothing but the modal
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert "initial_option" not in block(view, BlockId.account)["element"]
    assert block(view, BlockId.account)["element"]["min_query_length"] == 1
    assert block(view, BlockId.notes)["element"]["max_length"] == 3000
    named = open_modal(driver, slack, "log acme corp")
    assert block(named, BlockId.account)["element"]["initial_option"] == {
        "text": {"type": "plain_text", "text": "Acme Corporation", "emoji": False}, "value": str(world["acme_id"])}


@over_http_and_socket
def test_typing_in_the_account_field_suggests_accounts(driver, slack, world):
    view = open_modal(driver, slack)
    response = driver.block_suggestion(REP, ActionId.account_select, "acm", view=view)
    assert response.status == 200
    options = response.json["options"]
    assert [o["text"]["text"] for o in options] == ["Acme Corporation", "Acme Logistics GmbH"]
    assert options[0]["value"] == str(world["acme_id"])
    assert all(len(o["text"]["text"]) <= 75 for o in options)


def test_the_card_button_opens_the_form_for_that_account_with_its_contacts(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, world["acme_id"])
        cfo = make_contact(session, account=acme, name="Carla CFO", title="CFO").id
        make_contact(session, account=acme, name="Ben Buyer")
    mark = driver.mark()
    card = ack(driver.slash_command(REP, "acme corp"))
    driver.block_action(REP, ActionId.log_interaction, message=driver.replies_since(mark, REP)[0])
    assert button(card["blocks"], ActionId.log_interaction)["value"] == str(world["acme_id"])
    view = valid_view(slack.wait_for("views.open").response["view"])
    contacts = block(view, BlockId.contacts)["element"]
    assert [o["text"]["text"] for o in contacts["options"]] == ["Ben Buyer", "Carla CFO (CFO)"]
    day = today_of(local, world["rep_id"]) - timedelta(days=2)
    assert driver.view_submission(REP, view, filled(world["acme_id"], **{
        BlockId.contacts: {ActionId.contacts_select: [str(cfo)]},
        BlockId.occurred_on: {ActionId.occurred_on_pick: day}})).status == 200
    slack.wait_for("chat.postMessage")
    [stored] = interactions(local)
    assert [c.name for c in stored.contacts] == ["Carla CFO"]
    assert (stored.kind, stored.source, stored.occurred_at.date()) == (InteractionKind.meeting, Source.modal, day)


@over_http_and_socket
def test_problems_show_inline_and_keep_the_form_open(driver, slack, local, world):
    view = open_modal(driver, slack)
    today = today_of(local, world["rep_id"])
    response = driver.view_submission(REP, view, {
        BlockId.notes: {ActionId.notes_input: "   "},
        BlockId.occurred_on: {ActionId.occurred_on_pick: today + timedelta(days=1)},
        BlockId.follow_up_on: {ActionId.follow_up_pick: today - timedelta(days=1)},
        BlockId.next_step: {ActionId.next_step_input: "Send the quote"}})
    answer = ack(response)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {BlockId.account, BlockId.notes, BlockId.occurred_on, BlockId.follow_up_on}
    assert "Pick the account" in answer["errors"][BlockId.account]
    assert slack.view(view["id"]) is not None  # still open, with what was typed
    assert interactions(local) == []
    fixed = filled(world["acme_id"], **{BlockId.follow_up_on: {ActionId.follow_up_pick: today + timedelta(days=7)},
                                        BlockId.next_step: {ActionId.next_step_input: "Send the quote"}})
    assert driver.view_submission(REP, view, fixed).status == 200
    slack.wait_for("chat.postMessage")
    [stored] = interactions(local)
    assert (stored.next_step, stored.follow_up_on) == ("Send the quote", today + timedelta(days=7))
    assert [f.title for f in follow_ups(local)] == ["Send the quote"]


def test_the_same_view_submitted_three_times_is_one_interaction_confirmed_by_dm_with_undo(driver, slack, local,
                                                                                         world):
    view = open_modal(driver, slack)
    for _ in range(3):
        assert driver.view_submission(REP, view, filled(world["acme_id"])).status == 200
    [stored] = interactions(local)
    assert stored.idempotency_key == f"view:{view['id']}"
    dm = slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == REP)
    text = text_of(valid_blocks(dm.params["blocks"]))
    assert "Meeting logged. Saved to *Acme Corporation*" in text
    assert button(dm.params["blocks"], ActionId.undo_interaction)["value"] == str(stored.id)


def test_a_slack_failure_after_the_save_leaves_the_save_in_place(driver, slack, local, world):
    view = open_modal(driver, slack)
    slack.fail_next("chat.postMessage")
    assert driver.view_submission(REP, view, filled(world["acme_id"])).status == 200
    failed = slack.wait_for("chat.postMessage")
    assert not failed.ok
    assert [i.text for i in interactions(local)] == ["Met the CFO, budget approved"]
    assert slack.view(view["id"]) is None  # the form closed: the note is saved


def test_choosing_the_account_in_the_form_lists_its_contacts_and_keeps_what_was_typed(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        make_contact(session, account=session.get(Account, world["acme_id"]), name="Carla CFO")
    view = open_modal(driver, slack)
    assert not any(b.get("block_id") == BlockId.contacts for b in view["blocks"])
    driver.block_action(REP, ActionId.account_select, str(world["acme_id"]), view=view, values={
        BlockId.notes: {ActionId.notes_input: "Half-typed note"}, BlockId.kind: {ActionId.kind_select: "call"}})
    updated = valid_view(slack.wait_for("views.update").response["view"])
    assert updated["id"] == view["id"]
    assert [o["text"]["text"] for o in block(updated, BlockId.contacts)["element"]["options"]] == ["Carla CFO"]
    assert block(updated, BlockId.notes)["element"]["initial_value"] == "Half-typed note"
    assert block(updated, BlockId.kind)["element"]["initial_option"]["value"] == "call"
    assert block(updated, BlockId.account)["element"]["initial_option"]["value"] == str(world["acme_id"])
