"""Socket Mode: the bot dials out to Slack over a WebSocket instead of serving HTTP, so it needs no
public URL. `kam run` and the emulator's LocalBot(socket=True) both connect through `connect`.
"""

import signal
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.settings import Settings


def connect(app: App, settings: Settings) -> SocketModeHandler:
    """Ask Slack for a WebSocket URL (apps.connections.open with SLACK_APP_TOKEN) and connect to it.
    The handler reconnects by itself whenever Slack says disconnect; close() it when done."""
    if settings.slack_app_token is None:
        raise SystemExit("Set SLACK_APP_TOKEN (xapp-…) for Socket Mode; see docs/setup.md.")
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    try:
        handler.connect()
    except SlackApiError as error:
        handler.close()
        raise SystemExit(f"Slack refused the Socket Mode connection ({error.response.get('error')}): "
                         "check SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write).") from None
    return handler


def run_until_stopped(handler: SocketModeHandler) -> None:
    """Block until SIGTERM (a container stopping) or Ctrl-C, then close the connection."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
