"""The real bot, served over HTTP on loopback or connected over Socket Mode, talking to a FakeSlack:
what `kam chat` and the end-to-end tests run."""

import secrets

from pydantic import SecretStr
from slack_sdk.socket_mode.builtin import SocketModeClient

from bot import socket_mode
from bot.assembly import slack_connection
from bot.emulator.driver import SlackDriver
from bot.emulator.web_api import FakeSlack
from bot.runtime import Runtime
from bot.server import BackgroundServer
from bot.settings import Settings
from bot.web import SLACK_PATH, wsgi_app

READY_SECONDS = 30


class LocalBot:
    """`with LocalBot(settings) as local:` then `local.driver`, `local.slack`, `local.runtime`.
    socket=True connects the bot over Socket Mode, as `kam run` does, instead of serving HTTP."""

    def __init__(self, settings: Settings, *, process_before_response: bool = True, socket: bool = False) -> None:
        self.slack = FakeSlack()
        self.signing_secret = secrets.token_hex(16)
        self.base_settings = settings
        self.process_before_response = process_before_response
        self.socket = socket
        self.server = self.connection = self.handler = None

    def __enter__(self) -> "LocalBot":
        self.slack.start()
        self.settings = self.base_settings.model_copy(update={
            "slack_api_url": self.slack.api_url,
            "slack_bot_token": SecretStr(self.slack.bot_token),
            "slack_signing_secret": SecretStr(self.signing_secret),
            "slack_app_token": SecretStr(self.slack.app_token),
        })
        self.runtime = Runtime(self.settings)
        if self.socket:
            self._connect_socket()
        else:
            self._serve_http()
        return self

    def _connect_socket(self) -> None:
        self._connected(socket_mode=True)
        self.handler = socket_mode.connect(self.connection.app, self.settings)
        self.driver = SlackDriver.over_socket(self.slack)

    def _serve_http(self) -> None:
        self.server = BackgroundServer(wsgi_app(self._connected(socket_mode=False))).__enter__()
        self.driver = SlackDriver(self.server.url + SLACK_PATH, self.signing_secret, self.slack)

    def _connected(self, *, socket_mode: bool):
        """The same assembly as `kam run` / gunicorn, its bolt App built before the first request."""
        self.connection = slack_connection(self.runtime, process_before_response=self.process_before_response,
                                           socket_mode=socket_mode).start()
        if not self.connection.wait_ready(READY_SECONDS):
            raise RuntimeError(f"the bot did not connect to the fake Slack: {self.connection.problem}")
        return self.connection

    def __exit__(self, *exc) -> None:
        if self.handler is not None:
            close_at_once(self.handler.client, self.slack)
        if self.server is not None:
            self.server.__exit__(*exc)
        if self.connection is not None:
            self.connection.close()
        self.slack.stop()
        self.runtime.close()


def close_at_once(client: SocketModeClient, slack: FakeSlack) -> None:
    """Close slack_sdk's builtin Socket Mode client without its waits: close() blocks on the client's
    socket read (up to 3 s) and on its message loop's queue poll (1 s). Slack hanging up first ends the
    read; a None message, which the client skips, wakes the loop once it is told to stop."""
    client.auto_reconnect_enabled = False
    slack.socket.hang_up()
    client.closed = True  # what close() sets first
    client.message_queue.put(None)
    client.close()
