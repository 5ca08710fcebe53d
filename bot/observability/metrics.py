"""Prometheus metrics. Other code records through the functions below, never the metric objects.

Label values are bounded (a request's surface and command name, a Slack method and error code, a
delivery kind and outcome, an exception class): never user ids, account names or text.

Under gunicorn (several worker processes) deploy/gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR, and
/metrics adds up every worker's values; elsewhere the process's own registry is exported.
"""

import os
import re
from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import start_http_server
from sqlalchemy import Engine, event

# Slack gives up on an answer after 3 s; the buckets around it matter most.
ACK_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
SAFE_LABEL = re.compile(r"^[A-Za-z0-9_.:/ -]{1,60}$")

REQUESTS = Counter("kam_slack_requests", "Slack requests answered, by surface, command and HTTP status.",
                   ["surface", "command", "status"])
REQUEST_SECONDS = Histogram("kam_slack_request_seconds",
                            "Time until the bot answered Slack's request (the ack the user waits for).",
                            ["surface", "command"], buckets=ACK_BUCKETS)
SLACK_API_ERRORS = Counter("kam_slack_api_errors", "Slack Web API calls that failed, by method and error.",
                           ["method", "error"])
SLACK_API_RETRIES = Counter("kam_slack_api_retries", "Slack Web API calls retried, by method and reason.",
                            ["method", "reason"])
DELIVERIES = Counter("kam_deliveries", "Digests and reminders by outcome (sent, failed, ...).", ["kind", "outcome"])
DATABASE_ERRORS = Counter("kam_database_errors", "Database errors, by exception class.", ["error"])


def label(value: object, fallback: str = "other") -> str:
    text = str(value) if value is not None else ""
    return text if SAFE_LABEL.match(text) else fallback


def record_request(*, surface: str, command: str, status: int, seconds: float) -> None:
    surface, command = label(surface, "unknown"), label(command)
    REQUESTS.labels(surface, command, str(status)).inc()
    REQUEST_SECONDS.labels(surface, command).observe(seconds)


def record_slack_api_error(method: str, error: str) -> None:
    SLACK_API_ERRORS.labels(label(method), label(error)).inc()


def record_slack_api_retry(method: str, reason: str) -> None:
    SLACK_API_RETRIES.labels(label(method), label(reason)).inc()


def record_delivery(kind: str, outcome: str, count: int = 1) -> None:
    """kind: "digest" or "reminder"; outcome: "sent", "failed", "skipped", ... (one word)."""
    if count:
        DELIVERIES.labels(label(kind), label(outcome)).inc(count)


def record_deliveries(kind: str, outcomes: Mapping[str, int]) -> None:
    """A batch's tally, e.g. record_deliveries("digest", {"sent": 3, "failed": 1})."""
    for outcome, count in outcomes.items():
        record_delivery(kind, outcome, count)


def record_database_error(error: str) -> None:
    DATABASE_ERRORS.labels(label(error)).inc()


def _on_database_error(context) -> None:
    record_database_error(type(context.original_exception).__name__)


# Every engine of the process (the bot's, the scheduler's), including failures to connect.
if not event.contains(Engine, "handle_error", _on_database_error):
    event.listen(Engine, "handle_error", _on_database_error)


def exposition() -> tuple[bytes, str]:
    """The /metrics body and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def start_metrics_server(port: int | None = None):
    """For processes without a web server (`kam scheduler`): serve /metrics on KAM_METRICS_PORT (or `port`)
    from a background thread. Returns the server (its shutdown() stops it), or None when no port is set."""
    port = port if port is not None else int(os.environ.get("KAM_METRICS_PORT") or 0) or None
    if port is None:
        return None
    server, _thread = start_http_server(port)
    return server
