"""The WSGI app: Slack's requests on /slack/events; probes on /healthz (process alive), /readyz
(database reachable and migrated, Slack reachable and taking the token, app installed); Prometheus
metrics on /metrics. Probes never wait on Slack or on the bolt App being built (bot/startup.py)."""

from collections.abc import Callable, Iterable

from bot import not_ready
from bot.observability.health import not_ready as database_not_ready
from bot.observability.metrics import exposition
from bot.observability.request_log import observed
from bot.request_gate import signed_only
from bot.startup import SlackConnection

SLACK_PATH = "/slack/events"
PROBES = ("/healthz", "/readyz", "/metrics")


def wsgi_app(slack: SlackConnection) -> Callable:
    """`slack` is started here (idempotent): its App is built in the background."""
    slack.start()

    def bolt_or_not_ready(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if slack.handler is not None:
            return slack.handler(environ, start_response)
        status, headers, body = not_ready.answer(environ["wsgi.input"].read(), environ.get("CONTENT_TYPE", ""))
        start_response(status, [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]

    signed = observed(signed_only(bolt_or_not_ready, slack.signing_secret))

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == SLACK_PATH:
            return signed(environ, start_response)
        if path in PROBES and method == "GET":
            return probe(path, slack, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


def readiness(slack: SlackConnection) -> str | None:
    """None when ready, else the first thing missing (one line, nothing from the data)."""
    return database_not_ready(slack.runtime.engine) or slack.not_ready()


def probe(path: str, slack: SlackConnection, start_response: Callable) -> Iterable[bytes]:
    text = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]  # servers add to it
    if path == "/healthz":
        start_response("200 OK", text)
        return [b"ok\n"]
    if path == "/readyz":
        try:
            problem = readiness(slack)
        except Exception:  # noqa: BLE001 - e.g. the database went away between two checks
            problem = "database unreachable"
        start_response("503 Service Unavailable" if problem else "200 OK", text)
        return [f"{problem or 'ready'}\n".encode()]
    body, content_type = exposition()
    start_response("200 OK", [("Content-Type", content_type), ("Cache-Control", "no-store")])
    return [body]
