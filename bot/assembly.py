"""What every serving entry point sets up, in one place: logging, settings, the runtime (database
engine, with the ORM change watchers: kam_core.db), and the Slack connection (with its web front, or
over Socket Mode). gunicorn's bot.wsgi, `kam serve`, `kam run` and the local emulator come through here."""

from bot.app import require_tokens
from bot.observability.logging import configure_once
from bot.runtime import Runtime
from bot.settings import Settings
from bot.startup import SlackConnection
from bot.web import SLACK_PATH, wsgi_app


def runtime(settings: Settings | None = None) -> Runtime:
    configure_once()
    return Runtime(settings or Settings())


def slack_connection(rt: Runtime, *, process_before_response: bool = True, socket_mode: bool = False
                     ) -> SlackConnection:
    """Not started: start() builds the bolt App in the background, retrying while Slack is unreachable."""
    require_tokens(rt.settings, socket_mode=socket_mode)
    return SlackConnection(rt, path=SLACK_PATH, process_before_response=process_before_response,
                           socket_mode=socket_mode)


def web_application(rt: Runtime | None = None):
    """The WSGI app; its bolt App is being built in the background when this returns."""
    return wsgi_app(slack_connection(rt or runtime()))
