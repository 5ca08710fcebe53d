"""The bot over Socket Mode keeps answering when Slack refreshes the connection, as Slack does every
few hours (the flows themselves run over both transports: @over_http_and_socket in the other files)."""

import pytest

from tests.handlers.conftest import REP
from tests.handlers.test_commands import ack_of, blocks_text
from tests.handlers.test_notes import text_of
from tests.handlers.test_shortcuts_and_dm import dm_reply

over_socket = pytest.mark.parametrize("local", ["socket"], indirect=True)


@over_socket
@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_after_slack_refreshes_the_connection_the_bot_answers_on_the_new_one(driver, slack, world, reason):
    assert "Acme Corporation" in blocks_text(ack_of(driver.slash_command(REP, "acme corp"))["blocks"])
    old = slack.socket.disconnect(reason)
    new = slack.socket.wait_for_link(after=old.number)
    assert new.ticket != old.ticket
    card = blocks_text(ack_of(driver.slash_command(REP, "acme corp"))["blocks"])
    assert "Acme Corporation" in card and "Key account" in card
    before = slack.mark()
    driver.message_im(REP, "acme: met the CFO")
    assert "*Account:* Acme Corporation" in text_of(dm_reply(slack, before).params["blocks"])
    assert [call.ok for call in slack.calls_to("apps.connections.open")] == [True, True]
