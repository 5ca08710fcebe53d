"""How SlackDriver's requests reach the bot: signed HTTP POSTs to its Request URL, or Socket Mode
envelopes over FakeSlack's WebSocket. Either way the bot's answer comes back as a Response, so
callers read a slash command's ack or a view_submission's response_action the same way.
"""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from bot.emulator import payloads, signing
from bot.emulator.web_api import FakeSlack

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
Signature = Literal["valid", "wrong", "none"]


@dataclass(frozen=True)
class Response:
    """The bot's answer to one request: its HTTP response, or in Socket Mode its ack (status 200,
    the ack's payload as body and json)."""

    status: int
    headers: dict[str, str]
    body: str
    json: Any | None
    elapsed: float  # seconds until the bot answered (Slack gives up after 3)


def _parse_json(body: str) -> Any | None:
    try:
        return json.loads(body) if body[:1] in ("{", "[") else None
    except ValueError:
        return None


class HttpTransport:
    """Each request signed with the signing secret, as Slack signs what it posts to a Request URL."""

    def __init__(self, url: str, signing_secret: str, timeout: float) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.timeout = timeout

    def post(self, body: str | bytes, headers: dict[str, str] | None = None, *, content_type: str = FORM,
             signature: Signature = "valid", timestamp: int | None = None) -> Response:
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        sent = {"Content-Type": content_type}
        if signature != "none":
            secret = self.signing_secret if signature == "valid" else self.signing_secret + "-wrong"
            sent.update(signing.signed_headers(secret, data, timestamp))
        sent.update(headers or {})
        request = urllib.request.Request(self.url, data=data, headers=sent, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, answer_headers, text = answer.status, dict(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, text = error.code, dict(error.headers.items()), error.read()
        decoded = text.decode("utf-8", errors="replace")
        return Response(status, answer_headers, decoded, _parse_json(decoded), time.monotonic() - started)

    def command(self, fields: dict[str, str]) -> Response:
        return self.post(urlencode(fields))

    def interactive(self, payload: dict) -> Response:
        return self.post(payloads.interactive_form(payload))

    def event(self, envelope: dict, retry_num: int | None, retry_reason: str) -> Response:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post(json.dumps(envelope), headers, content_type=JSON)


class SocketTransport:
    """No signature here: the WebSocket itself was opened with the app-level token."""

    def __init__(self, slack: FakeSlack, timeout: float) -> None:
        self.slack = slack
        self.timeout = timeout

    def command(self, fields: dict[str, str]) -> Response:
        return self._deliver("slash_commands", fields, accepts_response_payload=True)

    def interactive(self, payload: dict) -> Response:
        return self._deliver("interactive", payload, accepts_response_payload=True)

    def event(self, envelope: dict, retry_num: int | None, retry_reason: str) -> Response:
        return self._deliver("events_api", envelope, accepts_response_payload=False, retry_attempt=retry_num or 0,
                             retry_reason=retry_reason if retry_num else "")

    def _deliver(self, kind: str, payload: dict, **envelope: Any) -> Response:
        started = time.monotonic()
        ack = self.slack.socket.deliver(kind, payload, timeout=self.timeout, **envelope)
        answer = ack.get("payload")
        body = "" if answer is None else json.dumps(answer)
        return Response(200, {}, body, answer, time.monotonic() - started)
