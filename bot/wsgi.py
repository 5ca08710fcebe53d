"""Entry point for gunicorn: `gunicorn 'bot.wsgi:application'` (settings from the environment)."""

import threading

from bot.app import create_app
from bot.observability.logging import configure_once
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web import wsgi_app


def build():
    configure_once()
    settings = Settings()
    runtime = Runtime(settings)
    return wsgi_app(create_app(settings, runtime=runtime), runtime)


def application(environ, start_response):
    # Built on the first request of each worker, so importing this module
    # (gunicorn's master, tests) never calls Slack.
    global _app
    if _app is None:
        with _building:  # gunicorn's threads may take the first requests together
            if _app is None:
                _app = build()
    return _app(environ, start_response)


_app = None
_building = threading.Lock()
