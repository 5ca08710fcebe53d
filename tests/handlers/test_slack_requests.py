"""Requests Slack really sends, beyond the ones a user makes: the certificate check, every subtype of
the events the manifest subscribes to, the app being uninstalled, and the same DM delivered twice."""

import json
import secrets
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.app import web_client
from bot.emulator import payloads
from bot.emulator.workspace import BOT_ID, BOT_USER_ID, TEAM_ID
from bot.emulator.local_bot import LocalBot
from bot.scheduler import Scheduler
from bot.settings import Settings
from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.installation.models import Installation
from tests.deploy.gunicorn import get
from tests.handlers.conftest import REP
from tests.handlers.test_notes import interactions

NOTE = "acme: met the CFO, budget approved, next: send quote by Friday"


def dm_replies(slack) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"].startswith("D")]


def settled(local) -> None:
    """Wait for every piece of work the bot handed on after its acks (handlers.background) to finish;
    nothing more can be handed on afterwards, so call it last."""
    local.runtime.background.shutdown(wait=True)


def test_slacks_ssl_check_gets_an_empty_200_without_a_signature_and_runs_nothing(driver, local, world):
    answer = driver.raw(urlencode({"ssl_check": "1", "token": payloads.VERIFICATION_TOKEN}), signature="none")
    assert (answer.status, answer.body) == (200, "")
    smuggled = driver.raw(urlencode({"ssl_check": "1", "command": "/kam", "text": f"log {NOTE}", "user_id": REP,
                                     "trigger_id": "1.2.3"}), signature="none")
    assert (smuggled.status, smuggled.body) == (200, "")
    assert interactions(local) == []
    assert driver.raw(urlencode({"ssl_check": "0", "command": "/kam"}), signature="none").status == 401


def im(text: str = NOTE, **fields) -> dict:
    return {**payloads.message_im(user_id=REP, text=text, channel="D0REPDM"), **fields}


SUBTYPES = {
    "message_changed": im(subtype="message_changed", hidden=True, user=None,
                          message={"type": "message", "user": REP, "text": NOTE + " (edited)", "ts": "1.000001"},
                          previous_message={"type": "message", "user": REP, "text": NOTE, "ts": "1.000001"}),
    "message_deleted": im(subtype="message_deleted", hidden=True, user=None, deleted_ts="1.000001",
                          previous_message={"type": "message", "user": REP, "text": NOTE, "ts": "1.000001"}),
    "bot_message": im(subtype="bot_message", user=None, bot_id="B0OTHERBOT", username="Zapier"),
    "our own post": im(user=BOT_USER_ID, bot_id=BOT_ID, app_id="A0KAMBOT"),
    "file_share": im(subtype="file_share", upload=False,
                     files=[{"id": "F0NOTES", "name": "notes.pdf", "mimetype": "application/pdf"}]),
    "thread_broadcast": im(subtype="thread_broadcast", thread_ts="1.000001"),
    "me_message": im(subtype="me_message"),
    "channel_join": im(subtype="channel_join", text="<@U0REP> has joined"),
}


@pytest.mark.parametrize("subtype", SUBTYPES)
def test_every_message_subtype_is_acknowledged_and_neither_saved_nor_answered(driver, slack, local, world, subtype):
    event = {k: v for k, v in SUBTYPES[subtype].items() if v is not None}
    before = slack.mark()
    assert 200 <= driver.event(event).status < 300
    settled(local)
    said = [c.method for c in slack.calls[before:] if c.method != "users.info"]  # a lookup says nothing
    assert said == [] and interactions(local) == []


def test_every_other_subscribed_event_is_acknowledged(driver, slack, local, world):
    assert driver.app_home_opened(REP, tab="messages").status == 200
    user_tokens_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0SOMEONE"], "bot": []}}
    assert driver.event(user_tokens_only).status == 200
    assert get(local.server.url + "/readyz") == (200, "ready\n")  # nothing paused


def test_the_same_dm_delivered_twice_under_two_event_ids_gets_one_preview(driver, slack, local, world):
    message = payloads.message_im(user_id=REP, text=NOTE, channel=slack.dm_channel_for(REP))
    for _ in range(2):
        assert driver.event(message, event_id=f"Ev{secrets.token_hex(5).upper()}").status == 200
    without_client_id = payloads.message_im(user_id=REP, text=NOTE.replace("CFO", "CEO"),
                                            channel=slack.dm_channel_for(REP))
    del without_client_id["client_msg_id"]
    for _ in range(2):  # older clients send no client_msg_id: channel and ts identify the message
        assert driver.event(without_client_id, event_id=f"Ev{secrets.token_hex(5).upper()}").status == 200
    settled(local)
    previews = [json.dumps(c.params["blocks"]) for c in dm_replies(slack)]
    assert len(previews) == 2
    assert ["CFO" in previews[0] + previews[1], "CEO" in previews[0] + previews[1]] == [True, True]
    assert interactions(local) == []  # a preview saves nothing until Save is tapped


UNINSTALLS = {
    "app_uninstalled": {"type": "app_uninstalled"},
    "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}},
}


@pytest.mark.parametrize("event", UNINSTALLS)
def test_uninstalling_stops_scheduled_sends_and_readyz_says_so_until_a_reinstall(local, driver, slack, world, event):
    from tests.bot.test_scheduler import MORNING, posted, seed_reps

    seed_reps(local.runtime, slack, 2)  # each owed three reminders on MORNING
    slack.revoke_bot_token()  # Slack revokes the tokens, then tells the app
    assert driver.event(UNINSTALLS[event]).status == 200

    status, body = get(local.server.url + "/readyz")
    assert status == 503 and body.startswith(f"Slack app uninstalled from workspace {TEAM_ID}")
    paused = Scheduler(local.runtime, web_client(local.settings)).tick(MORNING)
    assert paused.paused and paused.reminders is None and paused.digests is None
    assert posted(slack) == {}
    with transaction(local.runtime.sessions) as session:
        [row] = session.scalars(select(Installation)).all()
        assert (row.team_id, row.active) == (TEAM_ID, False)
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "installation")) \
            == "pause_installation"

    slack.reinstall()
    resumed = Scheduler(local.runtime, web_client(local.settings)).tick(MORNING)  # e.g. after a restart
    assert resumed.paused is None and resumed.reminders.count("sent") == 6
    assert get(local.server.url + "/readyz") == (200, "ready\n")


def test_a_restarted_web_process_with_a_working_token_resumes_the_workspace(database_url, local, driver, slack, world):
    slack.revoke_bot_token()
    assert driver.event(UNINSTALLS["app_uninstalled"]).status == 200
    assert get(local.server.url + "/readyz")[0] == 503
    slack.reinstall()
    with LocalBot(Settings(KAM_DATABASE_URL=database_url)) as restarted:
        assert get(restarted.server.url + "/readyz") == (200, "ready\n")
    with transaction(local.runtime.sessions) as session:
        assert session.scalars(select(Installation.active)).all() == [True]
