"""Logging from the shortcuts (global and "Log to account" on a message) and by DM to the bot."""

from slack_sdk import WebClient

from bot.emulator import payloads
from handlers.ids import ActionId, BlockId, CallbackId
from kam_core.enums import Source
from tests.handlers.conftest import REP, STRANGER, over_http_and_socket
from tests.handlers.test_log_modal import block, filled
from tests.handlers.test_notes import button, follow_ups, interactions, text_of, valid_blocks, valid_view


@over_http_and_socket
def test_the_global_shortcut_opens_the_log_form(driver, slack, world):
    assert driver.shortcut(REP, CallbackId.log_shortcut).status == 200
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert view["callback_id"] == CallbackId.log_modal
    assert "initial_value" not in block(view, BlockId.notes)["element"]


def test_the_global_shortcut_tells_an_unlinked_user_why_there_is_no_form(driver, slack, world):
    driver.shortcut(STRANGER, CallbackId.log_shortcut)
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert "not linked" in text_of(view["blocks"]) and not view.get("submit")


def test_the_message_shortcut_prefills_the_note_and_keeps_the_permalink(driver, slack, local, world):
    said = "Acme's CFO says <budget> is approved & the quote is welcome"
    # The message must exist in the channel for Slack to give its permalink.
    posted = WebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(channel="C0SALES", text=said)
    driver.message_action(REP, CallbackId.log_message_shortcut, said, channel_id="C0SALES", ts=posted["ts"])
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert block(view, BlockId.notes)["element"]["initial_value"] == said
    link = slack.wait_for("chat.getPermalink").response["permalink"]
    assert link in view["private_metadata"]
    values = filled(world["acme_id"])
    values[BlockId.notes] = {ActionId.notes_input: said}
    assert driver.view_submission(REP, view, values).status == 200
    slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == REP)
    [stored] = interactions(local)
    assert (stored.text, stored.permalink, stored.source) == (said, link, Source.message_shortcut)


def dm_reply(slack, before: int):
    return slack.wait_for("chat.postMessage", lambda c: c.params["channel"].startswith("D"), after=before)


@over_http_and_socket
def test_a_dm_shows_what_will_be_saved_and_one_tap_saves_it_once(driver, slack, local, world):
    before = slack.mark()
    driver.message_im(REP, "acme: met the CFO, budget approved, next: send quote by Friday")
    preview = dm_reply(slack, before)
    text = text_of(valid_blocks(preview.params["blocks"]))
    assert "*Account:* Acme Corporation" in text and "met the CFO, budget approved" in text
    assert "*Next step:* send quote\n*Due:* " in text and "*Kind:* note" in text  # each on its own line
    assert interactions(local) == []  # nothing is saved before the tap
    message = {**preview.response["message"], "channel": preview.response["channel"]}
    for _ in range(2):  # a double tap on the same preview
        mark = slack.mark()
        driver.block_action(REP, ActionId.save_draft, message=message)
        slack.wait_for("chat.update", after=mark)
    [stored] = interactions(local)
    assert (stored.account.name, stored.source, stored.next_step) == (
        "Acme Corporation", Source.direct_message, "send quote")
    assert stored.idempotency_key.startswith("dm:")
    assert len(follow_ups(local)) == 1
    [shown] = slack.messages_in(preview.response["channel"])
    assert "Saved to *Acme Corporation*" in text_of(shown["blocks"])
    assert button(shown["blocks"], ActionId.undo_interaction)


def test_undo_from_the_dm_confirmation_removes_the_note(driver, slack, local, world):
    before = slack.mark()
    driver.message_im(REP, "acme corp: quick call, all good")
    preview = dm_reply(slack, before)
    driver.block_action(REP, ActionId.save_draft, message={**preview.response["message"],
                                                           "channel": preview.response["channel"]})
    saved = slack.wait_for("chat.update")
    assert len(interactions(local)) == 1
    driver.block_action(REP, ActionId.undo_interaction, message={**saved.response["message"],
                                                                 "channel": saved.response["channel"]})
    assert "Removed your note" in slack.wait_for("response_url").params["text"]
    assert interactions(local) == []


def test_change_account_opens_the_form_with_the_note(driver, slack, local, world):
    before = slack.mark()
    driver.message_im(REP, "acme: met the CFO, next: send quote by Friday")
    preview = dm_reply(slack, before)
    driver.block_action(REP, ActionId.change_account, message={**preview.response["message"],
                                                               "channel": preview.response["channel"]})
    view = valid_view(slack.wait_for("views.open").response["view"])
    assert block(view, BlockId.notes)["element"]["initial_value"] == "met the CFO, next: send quote by Friday"
    assert block(view, BlockId.next_step)["element"]["initial_value"] == "send quote"
    assert "initial_date" in block(view, BlockId.follow_up_on)["element"]
    values = filled(world["acme_id"])
    values[BlockId.notes] = {ActionId.notes_input: "met the CFO, next: send quote by Friday"}
    assert driver.view_submission(REP, view, values).status == 200
    slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == REP)
    # A Save tap on the preview afterwards stores nothing new: the form used the DM's key.
    driver.block_action(REP, ActionId.save_draft, message={**preview.response["message"],
                                                           "channel": preview.response["channel"]})
    slack.wait_for("chat.update")
    assert len(interactions(local)) == 1


@over_http_and_socket
def test_a_retried_dm_event_gets_one_preview(driver, slack, world):
    event = payloads.message_im(user_id=REP, text="acme: met the CFO", channel=slack.dm_channel_for(REP))
    before = slack.mark()
    assert driver.event(event, event_id="EvRETRY1").status == 200
    assert driver.event(event, event_id="EvRETRY1", retry_num=1).status == 200
    driver.message_im(REP, "acme: another note")  # a different message, answered after the retry was dropped
    slack.wait_for("chat.postMessage", lambda c: "another note" in text_of(c.params["blocks"]), after=before)
    slack.wait_for("chat.postMessage", lambda c: "met the CFO" in text_of(c.params["blocks"]), after=before)
    previews = [c for c in slack.calls_to("chat.postMessage")
                if "met the CFO" in text_of(c.params["blocks"])]
    assert len(previews) == 1


def test_a_dm_without_an_account_explains_how_to_write_one(driver, slack, world):
    before = slack.mark()
    driver.message_im(REP, "hello there")
    assert "acme: met the CFO" in dm_reply(slack, before).params["text"]


def test_a_dm_with_an_ambiguous_name_offers_accounts_that_save_on_tap(driver, slack, local, world):
    before = slack.mark()
    driver.message_im(REP, "acm: met the CFO")
    reply = dm_reply(slack, before)
    choices = [b for b in valid_blocks(reply.params["blocks"]) if b["type"] == "actions"][0]["elements"]
    assert [c["text"]["text"] for c in choices] == ["Acme Corporation", "Acme Logistics GmbH"]
    driver.block_action(REP, choices[0]["action_id"], message={**reply.response["message"],
                                                               "channel": reply.response["channel"]})
    slack.wait_for("chat.update")
    assert [i.account.name for i in interactions(local)] == ["Acme Corporation"]


def test_an_unlinked_user_writing_to_the_bot_is_told_so(driver, slack, world):
    before = slack.mark()
    driver.message_im(STRANGER, "acme: met the CFO")
    assert "not linked" in dm_reply(slack, before).params["text"]
