"""The database goes away while the bot runs: the rep is told plainly and keeps what they typed, and the
bot works again by itself once the database is back (no restart).

PostgreSQL: the bot talks to the server through a TCP forwarder that the test cuts (open connections
drop, new ones are refused) and restores. SQLite: another process holds the database's write lock, as
a long import would; the bot gives up after its busy timeout, well inside Slack's 3 seconds."""

import sqlite3

import pytest
from sqlalchemy import make_url

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from handlers.ids import ActionId, BlockId
from kam_core.interactions.models import Interaction
from tests.conftest import POSTGRES_URL
from tests.handlers.conftest import REP
from tests.handlers.test_log_modal import filled, open_modal
from tests.handlers.test_notes import text_of
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.reliability.helpers import count
from tests.reliability.proxy import TcpProxy

UNREACHABLE = "The KAM database cannot be reached right now, so nothing was saved."


class LockedSqlite:
    """Another connection holding SQLite's write lock (every bot transaction begins IMMEDIATE)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = make_url(url).database
        self.holder: sqlite3.Connection | None = None

    def begin(self) -> None:
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    def end(self) -> None:
        self.holder.execute("ROLLBACK")
        self.holder.close()


class CutPostgres:
    def __init__(self, url: str, proxy: TcpProxy) -> None:
        server = make_url(POSTGRES_URL)
        self.url = url.replace(f"@{server.host}:{server.port}/", f"@127.0.0.1:{proxy.port}/", 1)
        assert self.url != url
        self.proxy = proxy

    def begin(self) -> None:
        self.proxy.cut()

    def end(self) -> None:
        self.proxy.restore()


@pytest.fixture
def outage(backend, database_url):
    if backend == "sqlite":
        yield LockedSqlite(database_url)
        return
    server = make_url(POSTGRES_URL)
    with TcpProxy(server.host, server.port or 5432) as proxy:
        yield CutPostgres(database_url, proxy)


@pytest.fixture
def local(outage):
    """The bot (overriding the shared fixture) on the database that the test takes away."""
    with LocalBot(Settings(KAM_DATABASE_URL=outage.url)) as bot:
        yield bot


def test_a_quick_log_while_the_database_is_down_gives_the_note_back_and_works_once_it_is_back(
        driver, local, world, outage):
    note = "log acme corp: met the CFO <finance>, budget approved"
    outage.begin()
    try:
        refused = driver.slash_command(REP, note)
    finally:
        outage.end()

    assert refused.status == 200
    text = text_of(refused.json["blocks"])
    assert UNREACHABLE in text and "Here is your note" in text
    assert "met the CFO &lt;finance&gt;, budget approved" in text  # the whole note, escaped
    assert count(local, Interaction) == 0

    saved = driver.slash_command(REP, note)  # the same bot, no restart
    assert "Saved to *Acme Corporation*" in saved.json["text"]
    assert count(local, Interaction) == 1


def test_the_log_form_stays_open_with_an_error_while_the_database_is_down_and_saves_once_it_is_back(
        driver, slack, local, world, outage):
    view = open_modal(driver, slack)
    outage.begin()
    try:
        refused = driver.view_submission(REP, view, filled(world["acme_id"]))
    finally:
        outage.end()

    assert refused.json["response_action"] == "errors"
    assert UNREACHABLE in refused.json["errors"][BlockId.notes]
    assert [v["id"] for v in slack.open_views(REP)] == [view["id"]]  # Slack keeps what was typed in it
    assert count(local, Interaction) == 0

    before = slack.mark()
    assert driver.view_submission(REP, view, filled(world["acme_id"])).status == 200
    assert slack.open_views(REP) == []
    assert "Saved to *Acme Corporation*" in slack.wait_for("chat.postMessage", after=before).params["text"]
    assert count(local, Interaction) == 1


def test_a_save_tap_while_the_database_is_down_keeps_the_preview_and_works_once_it_is_back(
        driver, slack, local, world, outage):
    before = slack.mark()
    driver.message_im(REP, "acme: quick call, all good")
    preview = dm_reply(slack, before)
    message = {**preview.response["message"], "channel": preview.response["channel"]}
    outage.begin()
    try:
        before = slack.mark()
        driver.block_action(REP, ActionId.save_draft, message=message)
        told = slack.wait_for("response_url", after=before)
    finally:
        outage.end()

    assert UNREACHABLE in told.params["text"] and told.params["replace_original"] is False
    [kept] = slack.messages_in(preview.response["channel"])
    assert "Save" in text_of(kept["blocks"])  # the preview and its Save button are still there

    before = slack.mark()
    driver.block_action(REP, ActionId.save_draft, message=message)
    slack.wait_for("chat.update", after=before)
    assert count(local, Interaction) == 1
