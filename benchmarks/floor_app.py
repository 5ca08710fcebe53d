"""The floor: a bolt app whose /kam handler only acks a constant, for gunicorn like the bot:

    KAM_FLOOR_PROCESS_BEFORE_RESPONSE=1 gunicorn -c deploy/gunicorn.conf.py benchmarks.floor_app:application

Bolt's default mode answers the HTTP request once the listener (run on a thread pool) has acked,
which the request thread finds by polling; with KAM_FLOOR_PROCESS_BEFORE_RESPONSE=1 the listener
runs on the request thread instead. No database, no middleware: the least any bolt app can do.
Settings as the bot's: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, KAM_SLACK_API_URL.
"""

import os
import threading

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

ANSWER = "floor"
MODE_VARIABLE = "KAM_FLOOR_PROCESS_BEFORE_RESPONSE"


def build():
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("KAM_SLACK_API_URL")),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=os.environ.get(MODE_VARIABLE) == "1",
    )

    @app.command("/kam")
    def constant(ack: Ack) -> None:
        ack(ANSWER)

    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/readyz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ready\n"]
        return slack(environ, start_response)

    return application


def application(environ, start_response):
    # Built in the worker on the first request, as bot/wsgi.py does (bolt calls auth.test when built).
    global _app
    if _app is None:
        with _building:
            if _app is None:
                _app = build()
    return _app(environ, start_response)


_app = None
_building = threading.Lock()
