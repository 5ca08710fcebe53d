"""bot.socket_mode.connect: what `kam run` and LocalBot(socket=True) share, refusing clearly when Slack does."""

import pytest

from bot.app import create_app
from bot.emulator import FakeSlack
from bot.emulator.local_bot import close_at_once
from bot.settings import Settings
from bot.socket_mode import connect


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def settings_for(slack: FakeSlack, app_token: str | None) -> Settings:
    return Settings(KAM_DATABASE_URL="sqlite://", KAM_SLACK_API_URL=slack.api_url, SLACK_BOT_TOKEN=slack.bot_token,
                    SLACK_SIGNING_SECRET="unused", SLACK_APP_TOKEN=app_token)


def test_without_an_app_token_it_says_which_variable_to_set(slack):
    settings = settings_for(slack, None)
    with pytest.raises(SystemExit, match="Set SLACK_APP_TOKEN"):
        connect(create_app(settings), settings)
    assert slack.calls_to("apps.connections.open") == []


@pytest.mark.parametrize("token, error", [("xapp-1-A0KAMAPP-1-revoked", "invalid_auth"),
                                          ("xoxb-test-token", "not_allowed_token_type")])
def test_a_token_slack_refuses_stops_with_slacks_reason_and_no_connection(slack, token, error):
    settings = settings_for(slack, token)
    with pytest.raises(SystemExit, match=f"refused the Socket Mode connection \\({error}\\)"):
        connect(create_app(settings), settings)
    assert slack.socket.links == []


def test_with_the_app_token_it_is_connected(slack):
    settings = settings_for(slack, slack.app_token)
    handler = connect(create_app(settings), settings)
    try:
        assert handler.client.is_connected()
        assert slack.socket.wait_for_link().hello["connection_info"]["app_id"] == "A0KAMAPP"
    finally:
        close_at_once(handler.client, slack)
