"""What every serving entry point sets up, in one place: logging, settings, the runtime (database
engine, with the ORM change watchers: kam_core.db), and the Slack connection with its web front.
gunicorn's bot.wsgi, `kam serve` and the local emulator all come through here."""

from bot.observability.logging import configure_once
from bot.runtime import Runtime
from bot.settings import Settings
from bot.startup import SlackConnection
from bot.web import SLACK_PATH, wsgi_app


def runtime(settings: Settings | None = None) -> Runtime:
    configure_once()
    return Runtime(settings or Settings())


def slack_connection(rt: Runtime, *, process_before_response: bool = True) -> SlackConnection:
    if rt.settings.slack_bot_token is None or rt.settings.slack_signing_secret is None:
        raise SystemExit("Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README: Configuration).")
    return SlackConnection(rt, path=SLACK_PATH, process_before_response=process_before_response)


def web_application(rt: Runtime | None = None):
    """The WSGI app; its bolt App is being built in the background when this returns."""
    return wsgi_app(slack_connection(rt or runtime()))
