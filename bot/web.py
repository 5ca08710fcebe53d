"""The WSGI app: Slack's requests on /slack/events, probes on /healthz."""

from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

SLACK_PATH = "/slack/events"


def wsgi_app(app: App) -> Callable:
    slack = SlackRequestHandler(app, path=SLACK_PATH)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method == "GET":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == SLACK_PATH:
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application
