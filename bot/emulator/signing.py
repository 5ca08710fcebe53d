"""Slack's request signing (v0): what Slack puts on every request it sends to an app."""

import hashlib
import hmac
import time

STALE_AFTER_SECONDS = 300


def signature(signing_secret: str, timestamp: str | int, body: str | bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack computes it."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def signed_headers(signing_secret: str, body: str | bytes, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds: X-Slack-Request-Timestamp and X-Slack-Signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(signing_secret, stamp, body)}
