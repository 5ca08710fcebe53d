"""Fixtures: a running FakeSlack, a WebClient pointed at it, and a stand-in bot endpoint.

The stand-in is a stdlib HTTP server that checks Slack's signature with slack_sdk's own
SignatureVerifier (401 when it fails), then lets the test answer; by default it echoes the parsed request.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.emulator import FakeSlack, SlackDriver

SIGNING_SECRET = "test-signing-secret"


class StandInBot:
    """Records each verified request as (headers, form or JSON) and answers with `self.answer(request)`."""

    def __init__(self) -> None:
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self.requests: list[dict[str, Any]] = []
        self.answer: Callable[[dict], tuple[int, str]] = lambda request: (200, json.dumps(request["parsed"]))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                if not bot.verifier.is_valid_request(raw, headers):
                    status, body = 401, "invalid signature"
                else:
                    text = raw.decode()
                    form = dict(parse_qsl(text, keep_blank_values=True))
                    parsed = json.loads(text) if "json" in headers.get("Content-Type", "") else form
                    if "payload" in form:
                        parsed = {"payload": json.loads(form["payload"])}
                    request = {"headers": headers, "parsed": parsed}
                    bot.requests.append(request)
                    status, body = bot.answer(request)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if body[:1] == "{" else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


@pytest.fixture
def bot():
    stand_in = StandInBot()
    stand_in.thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


@pytest.fixture
def driver(bot, slack) -> SlackDriver:
    return SlackDriver(bot.url, SIGNING_SECRET, slack)
