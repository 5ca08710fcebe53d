"""Entry point for gunicorn: `gunicorn -c deploy/gunicorn.conf.py bot.wsgi:application`.

Importing this module does nothing (gunicorn's master, tests). A worker assembles the bot once, at
its start (deploy/gunicorn.conf.py calls `start()` from post_worker_init) or else on its first request;
the bolt App is then built in the background (bot/startup.py), so every request gets an answer.
"""

import threading

from bot.assembly import runtime, slack_connection
from bot.web import wsgi_app

# At worker start, how long to wait for Slack before serving anyway: a normal start then never answers
# "connecting", and while Slack is down the worker still serves /healthz within seconds.
STARTUP_WAIT_SECONDS = 3


def start(wait_seconds: float = 0):
    global _app
    with _building:  # gunicorn's threads may take the first requests together
        if _app is None:
            slack = slack_connection(runtime())
            _app = wsgi_app(slack)
            slack.wait_ready(wait_seconds)
    return _app


def application(environ, start_response):
    return (_app or start())(environ, start_response)


_app = None
_building = threading.Lock()
