"""The WSGI app: Slack's requests on /slack/events; probes on /healthz (process alive) and /readyz
(database reachable, migrations current); Prometheus metrics on /metrics."""

from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.observability.health import not_ready
from bot.observability.metrics import exposition
from bot.observability.request_log import observed
from bot.request_gate import signed_only
from bot.runtime import Runtime

SLACK_PATH = "/slack/events"
PROBES = ("/healthz", "/readyz", "/metrics")


def wsgi_app(app: App, runtime: Runtime | None = None) -> Callable:
    """`runtime` gives /readyz its database; without one /readyz answers 503 (not configured)."""
    # bolt keeps the signing secret only as a private attribute.
    slack = observed(signed_only(SlackRequestHandler(app, path=SLACK_PATH), app._signing_secret))

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == SLACK_PATH:
            return slack(environ, start_response)
        if path in PROBES and method == "GET":
            return probe(path, runtime, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


def probe(path: str, runtime: Runtime | None, start_response: Callable) -> Iterable[bytes]:
    text = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]  # servers add to it
    if path == "/healthz":
        start_response("200 OK", text)
        return [b"ok\n"]
    if path == "/readyz":
        problem = "readiness not configured" if runtime is None else not_ready(runtime.engine)
        start_response("503 Service Unavailable" if problem else "200 OK", text)
        return [f"{problem or 'ready'}\n".encode()]
    body, content_type = exposition()
    start_response("200 OK", [("Content-Type", content_type), ("Cache-Control", "no-store")])
    return [body]
