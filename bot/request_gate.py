"""The door of /slack/events: a request reaches bolt only with a valid, fresh Slack signature.

bolt verifies signatures itself, but it parses the body before checking and reads the timestamp
with int(): a body that is not UTF-8 or not JSON, or a timestamp like "abc" or "1.5", made it
answer 500. This gate answers every such request 401 (or 400 when it is signed yet unreadable),
and bolt's own check stays behind it.

One request is answered before the check, as bolt itself does: Slack's `ssl_check=1`, which it sends
unsigned to test a command URL's certificate. It gets an empty 200 and reaches nothing else.
"""

import hashlib
import hmac
import io
import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

STALE_AFTER_SECONDS = 300  # Slack: reject requests more than five minutes away from now
MAX_BODY_BYTES = 2 * 1024 * 1024  # far above anything Slack sends; read before the check, so bounded
log = logging.getLogger("kam.request_gate")
Wsgi = Callable[[dict, Callable], Iterable[bytes]]


def _answer(start_response: Callable, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _fresh(timestamp: str, now: float) -> bool:
    return timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12 and \
        abs(now - int(timestamp)) <= STALE_AFTER_SECONDS


def is_ssl_check(environ: dict, body: bytes) -> bool:
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") or b"ssl_check" not in body:
        return False
    return parse_qs(body.decode("utf-8", errors="replace")).get("ssl_check") == ["1"]


def signed_by_slack(secret: bytes, timestamp: str, signature: str, body: bytes, now: float) -> bool:
    if not _fresh(timestamp, now):
        return False
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    # WSGI header values are latin-1 strings: as bytes, any of them compares safely.
    return hmac.compare_digest(expected.encode(), signature.encode("latin-1", "replace"))


def signed_only(slack: Wsgi, signing_secret: str) -> Wsgi:
    secret = signing_secret.encode()

    def gate(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            return _answer(start_response, "413 Payload Too Large", '{"error": "request too large"}')
        body = environ["wsgi.input"].read(length) if length else b""
        if is_ssl_check(environ, body):
            return _answer(start_response, "200 OK", "")
        if not signed_by_slack(secret, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                               environ.get("HTTP_X_SLACK_SIGNATURE", ""), body, time.time()):
            return _answer(start_response, "401 Unauthorized", '{"error": "invalid request"}')
        try:
            body.decode("utf-8")
            return slack({**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))},
                         start_response)
        except Exception as error:  # noqa: BLE001 - listeners' errors never get here (bolt catches them)
            # Signed, but bolt could not build a request from it: not UTF-8, broken JSON, or fields
            # of the wrong type (bolt reads e.g. `authorizations` with len()).
            log.warning("unreadable signed request: %r", error)
            return _answer(start_response, "400 Bad Request", '{"error": "unreadable request"}')

    return gate
