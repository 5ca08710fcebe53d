"""Entry point for gunicorn: `gunicorn -c deploy/gunicorn.conf.py bot.wsgi:application`.

Importing this module does nothing (gunicorn's master, tests). A worker assembles the bot once, at
its start (deploy/gunicorn.conf.py calls `start()` from post_worker_init) or else on its first request;
the bolt App is then built in the background (bot/startup.py), so every request gets an answer.
"""

import threading

from bot.assembly import web_application


def start():
    global _app
    with _building:  # gunicorn's threads may take the first requests together
        if _app is None:
            _app = web_application()
    return _app


def application(environ, start_response):
    return (_app or start())(environ, start_response)


_app = None
_building = threading.Lock()
