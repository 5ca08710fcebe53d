"""A local stand-in for Slack: a fake Web API server (with Socket Mode's WebSocket) and a driver that
sends Slack's requests to the bot, signed over HTTP or as envelopes over Socket Mode.

Used by the test suite and by the `kam chat` terminal. Nothing here talks to the real Slack.
"""

from bot.emulator.driver import Mark, Reply, Response, SlackDriver
from bot.emulator.web_api import BOT_ID, BOT_USER_ID, TEAM_ID, Call, FakeSlack

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "Call", "FakeSlack", "Mark", "Reply", "Response", "SlackDriver"]
