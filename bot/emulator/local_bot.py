"""The real bot, served over HTTP on loopback, talking to a FakeSlack: what
`kam chat` and the end-to-end tests run."""

import secrets

from pydantic import SecretStr

from bot.app import create_app
from bot.emulator.driver import SlackDriver
from bot.emulator.web_api import FakeSlack
from bot.runtime import Runtime
from bot.server import BackgroundServer
from bot.settings import Settings
from bot.web import SLACK_PATH, wsgi_app


class LocalBot:
    """`with LocalBot(settings) as local:` then `local.driver`, `local.slack`, `local.runtime`."""

    def __init__(self, settings: Settings, *, process_before_response: bool = True) -> None:
        self.slack = FakeSlack()
        self.signing_secret = secrets.token_hex(16)
        self.base_settings = settings
        self.process_before_response = process_before_response

    def __enter__(self) -> "LocalBot":
        self.slack.start()
        self.settings = self.base_settings.model_copy(update={
            "slack_api_url": self.slack.api_url,
            "slack_bot_token": SecretStr(self.slack.bot_token),
            "slack_signing_secret": SecretStr(self.signing_secret),
        })
        self.runtime = Runtime(self.settings)
        app = create_app(self.settings, runtime=self.runtime, process_before_response=self.process_before_response)
        self.server = BackgroundServer(wsgi_app(app, self.runtime)).__enter__()
        self.driver = SlackDriver(self.server.url + SLACK_PATH, self.signing_secret, self.slack)
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)
        self.slack.stop()
        self.runtime.close()
