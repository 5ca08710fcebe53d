"""Nothing is stored twice: Slack's retries, double taps on Submit or Save, replayed requests. Each goes
end to end through the real bot over HTTP, on SQLite and PostgreSQL, the copies sent at the same time."""

from urllib.parse import urlencode

from bot.emulator import payloads
from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from handlers.ids import ActionId, BlockId, CallbackId
from kam_core.audit.models import AuditEntry
from kam_core.events import ProcessedEvent
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.opportunities.models import StageChange
from tests.handlers.conftest import REP
from tests.handlers.test_log_modal import filled, open_modal
from tests.handlers.test_notes import text_of
from tests.handlers.test_opportunities import add_deals, open_stage_modal, show_opps, stage_id, stage_of
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.reliability.helpers import all_at_once, count, wait_for_calls


def test_the_same_view_submitted_three_times_at_once_is_one_interaction(driver, slack, local, world):
    view = open_modal(driver, slack)
    body = payloads.interactive_form(payloads.view_submission(
        user_id=REP, view=view, state=payloads.state_values(view, filled(world["acme_id"])),
        trigger_id=slack.new_trigger_id(REP)))
    before = slack.mark()

    answers = all_at_once(*[lambda: driver.raw(body)] * 3)

    assert [a.status for a in answers] == [200, 200, 200]
    assert all(not a.json for a in answers)  # each copy closes the form: none is told off
    assert count(local, Interaction) == 1
    dms = wait_for_calls(slack, "chat.postMessage", 3, lambda c: c.params["channel"] == REP, after=before)
    said = [text_of(c.params["blocks"]) for c in dms]
    assert sum("already saved before" not in text for text in said) == 1  # one "Saved", two "already saved"


def test_a_dm_event_delivered_three_times_to_two_processes_gets_one_preview_and_saves_once(
        driver, slack, local, world, database_url):
    event = payloads.message_im(user_id=REP, text="acme: met the CFO, next: send quote by Friday",
                                channel=slack.dm_channel_for(REP))
    with LocalBot(Settings(KAM_DATABASE_URL=database_url)) as other:  # a second server process
        before = slack.mark()
        assert driver.event(event, event_id="EvTWICE").status == 200
        assert driver.event(event, event_id="EvTWICE", retry_num=1).status == 200
        assert other.driver.event(event, event_id="EvTWICE", retry_num=2, retry_reason="http_error").status == 200
        # Later messages get their previews; by then a preview of a dropped copy would have come too.
        driver.message_im(REP, "acme: a later note")
        other.driver.message_im(REP, "acme: a note to the other process")
        slack.wait_for("chat.postMessage", lambda c: "a later note" in text_of(c.params["blocks"]), after=before)
        other.slack.wait_for("chat.postMessage", lambda c: "other process" in text_of(c.params["blocks"]))
        preview = dm_reply(slack, before)
        previews = [c for c in slack.calls_to("chat.postMessage") + other.slack.calls_to("chat.postMessage")
                    if "met the CFO" in text_of(c.params["blocks"])]
        assert previews == [preview]
    assert count(local, ProcessedEvent, ProcessedEvent.event_key == "slack-event:EvTWICE") == 1

    message = {**preview.response["message"], "channel": preview.response["channel"]}
    before = slack.mark()
    all_at_once(*[lambda: driver.block_action(REP, ActionId.save_draft, message=message)] * 3)  # a triple tap
    wait_for_calls(slack, "chat.update", 3, after=before)
    assert count(local, Interaction) == 1
    assert count(local, FollowUp) == 1


def test_a_replayed_slash_command_logs_once(driver, slack, local, world):
    fields = payloads.slash_command(
        user_id=REP, text="log acme corp: replayed call, all good", command="/kam", channel_id="C0GENERAL",
        channel_name="general", response_url=slack.response_url_for(REP, "C0GENERAL"),
        trigger_id=slack.new_trigger_id(REP))
    body = urlencode(fields)

    answers = all_at_once(*[lambda: driver.raw(body)] * 3)

    said = sorted(a.json["text"] for a in answers)
    assert sum("already saved before" in text for text in said) == 2
    assert all("Saved to *Acme Corporation*" in text for text in said)
    assert count(local, Interaction) == 1


def test_a_replayed_stage_change_is_stored_once(driver, slack, local, world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting"})
    _, shown = show_opps(driver, REP, "opps acme corp")
    view = open_stage_modal(driver, slack, REP, shown)
    body = payloads.interactive_form(payloads.view_submission(
        user_id=REP, view=view, state=payloads.state_values(view, {"stage": {
            "kam.stage_select": stage_id(local, "Negotiation/Review")}}),
        trigger_id=slack.new_trigger_id(REP)))

    answers = all_at_once(*[lambda: driver.raw(body)] * 3)

    assert [(a.status, a.json) for a in answers] == [(200, None)] * 3  # no copy is refused as a conflict
    assert stage_of(local, deal) == "Negotiation/Review"
    assert count(local, StageChange, StageChange.opportunity_id == deal) == 1
    assert count(local, AuditEntry, AuditEntry.action == "move_stage", AuditEntry.entity_id == deal) == 1


def test_a_replayed_message_shortcut_opens_one_form_and_logs_once(driver, slack, local, world):
    shortcut = payloads.message_shortcut(
        user_id=REP, callback_id=CallbackId.log_message_shortcut, trigger_id=slack.new_trigger_id(REP),
        channel={"id": "C0SALES", "name": "sales"},
        message={"type": "message", "user": REP, "text": "Acme signed the renewal", "ts": "1700000000.000100"},
        response_url=slack.response_url_for(REP, "C0SALES"))
    body = payloads.interactive_form(shortcut)
    before = slack.mark()

    all_at_once(*[lambda: driver.raw(body)] * 3)

    opened = wait_for_calls(slack, "views.open", 3, after=before)
    assert [c.ok for c in opened].count(True) == 1  # Slack takes a trigger once: one form
    [view] = slack.open_views(REP)
    values = filled(world["acme_id"])
    values[BlockId.notes] = {ActionId.notes_input: "Acme signed the renewal"}
    for _ in range(2):
        driver.view_submission(REP, view, values)
    assert count(local, Interaction) == 1


def test_undo_tapped_three_times_at_once_removes_the_note_once_and_says_so_to_the_other_taps(
        driver, slack, local, world):
    mark = driver.mark()
    driver.slash_command(REP, "log acme corp: Met the CFO, next: send quote by Friday")
    saved = driver.replies_since(mark, REP)[0]
    before = slack.mark()

    all_at_once(*[lambda: driver.block_action(REP, ActionId.undo_interaction, message=saved)] * 3)

    answers = [c.params for c in wait_for_calls(slack, "response_url", 3, after=before)]
    removed = [a for a in answers if a.get("replace_original") is True]
    told = [a for a in answers if a.get("replace_original") is False]
    assert len(removed) == 1 and "Removed your note from *Acme Corporation*" in removed[0]["text"]
    assert [a["text"] for a in told] == ["That note was already removed; nothing else changed."] * 2
    assert count(local, Interaction) == 0 and count(local, FollowUp) == 0
    assert count(local, AuditEntry, AuditEntry.action == "undo_interaction") == 1
