"""FakeSlack: a local HTTP server standing in for Slack's Web API (https://slack.com/api/) and for the
response_url webhooks Slack hands to apps. Point slack_sdk's WebClient(base_url=slack.api_url) at it.

Every request is recorded as a Call; tests wait for calls with `wait_for` instead of sleeping, and can
make the next call to a method fail or be rate limited. apps.connections.open (with the app-level
token) opens Socket Mode: `slack.socket` is the WebSocket end Slack keeps (bot/emulator/socket_server.py).
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from bot.emulator.socket_server import SocketModeServer
from bot.emulator.workspace import BOT_ID, BOT_USER_ID, TEAM_ID, ResponseUrl, SlackError, Workspace

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "Call", "FakeSlack"]

RESPONSE_URL = "response_url"  # the `method` of a Call recording a POST to a response_url
CONNECTIONS_OPEN = "apps.connections.open"  # the one method that takes the app-level token
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


@dataclass(frozen=True)
class Call:
    """One request the fake received: the Web API method (or "response_url"), its parsed params
    (token removed; blocks/view parsed from JSON strings), and what the fake answered."""

    method: str
    params: dict[str, Any]
    at: datetime
    status: int
    response: Any
    headers: dict[str, str] = field(default_factory=dict)
    ts: str | None = None  # for response_url posts: the message written (Slack's answer is just "ok")

    @property
    def ok(self) -> bool:
        if self.method == RESPONSE_URL:
            return self.status == 200
        return isinstance(self.response, dict) and self.response.get("ok") is True


@dataclass(frozen=True)
class _Fault:
    status: int
    body: dict
    headers: dict[str, str]


def parse_params(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """Form or JSON body plus query string, the way slack_sdk sends them; JSON-in-form fields parsed."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if raw and "json" in content_type:
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("a JSON body must be an object")
        params.update(body)
    elif raw:
        params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str) and params[name].strip()[:1] in ("[", "{"):
            try:
                params[name] = json.loads(params[name])
            except ValueError:
                pass  # left as a string; the method answers invalid_blocks / invalid_arguments
    return params


class FakeSlack:
    """Stands in for Slack. Use `with FakeSlack() as slack:` or `start()` / `stop()`."""

    def __init__(self, bot_token: str = "xoxb-test-token", host: str = "127.0.0.1", port: int = 0,
                 app_token: str = "xapp-1-A0KAMAPP-1-test-app-token"):
        self.bot_token = bot_token
        self.app_token = app_token
        self.socket = SocketModeServer(host)  # listens from the first apps.connections.open on
        self.workspace = Workspace()
        self._host, self._port = host, port
        self._changed = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._holds: dict[str, list[tuple[threading.Event, float]]] = {}
        self._waiting: set[str] = set()  # methods whose held call has arrived
        self._revoked = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "FakeSlack":
        self._server = ThreadingHTTPServer((self._host, self._port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.socket.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """For WebClient(base_url=...): ends with a slash, like https://slack.com/api/."""
        return f"{self.base_url}/api/"

    # ---- seeding and identifiers handed to the driver -----------------------------------------

    def add_user(self, user_id: str, *, email: str | None = None, name: str | None = None, tz: str = "UTC",
                 real_name: str | None = None, is_bot: bool = False, deleted: bool = False,
                 locale: str = "en-US") -> dict:
        """Seed a workspace member whose profile users.info returns (`locale`, e.g. "zh-CN", when asked
        with include_locale)."""
        with self._changed:
            return self.workspace.add_user(user_id, email=email, name=name or user_id.lower(), tz=tz,
                                           real_name=real_name, is_bot=is_bot, deleted=deleted, locale=locale)

    def add_member(self, user_id: str) -> None:
        """A user who exists (can be DMed) but has no profile seeded: users.info says user_not_found."""
        with self._changed:
            self.workspace.members.add(user_id)

    def response_url_for(self, user_id: str, channel_id: str, message_ts: str | None = None) -> str:
        """A fresh response_url; `message_ts` is the message replace_original/delete_original act on."""
        with self._changed:
            return f"{self.base_url}/response/{self.workspace.new_response_token(user_id, channel_id, message_ts)}"

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger_id the bot may exchange once for views.open / views.push (that user's modal)."""
        with self._changed:
            return self.workspace.new_trigger_id(user_id)

    def dm_channel_for(self, user_id: str) -> str:
        return self.workspace.dm_channel_for(user_id)

    # ---- reading state back ------------------------------------------------------------------

    def home_of(self, user_id: str) -> dict | None:
        """The Home tab view last published for the user, or None."""
        with self._changed:
            return self.workspace.homes.get(user_id)

    def view(self, view_id: str) -> dict | None:
        """An open modal (or published Home view) by id, as views.* last returned it."""
        with self._changed:
            view = self.workspace.views.get(view_id)
            return view if view is None or view["type"] == "home" or self._is_open(view_id) else None

    def open_views(self, user_id: str) -> list[dict]:
        """The user's modal stack, bottom first (at most 3)."""
        with self._changed:
            return [self.workspace.views[v] for v in self.workspace.modal_stacks.get(user_id, [])]

    def _is_open(self, view_id: str) -> bool:
        return any(view_id in stack for stack in self.workspace.modal_stacks.values())

    def messages_in(self, channel: str) -> list[dict]:
        """The channel's messages in order, as they stand after updates and deletes."""
        with self._changed:
            stored = self.workspace.messages.get(self.workspace.resolve_channel(channel), {})
            return sorted(stored.values(), key=lambda m: m["ts"])

    def message(self, channel: str, ts: str) -> dict | None:
        with self._changed:
            found = self.workspace.messages.get(self.workspace.resolve_channel(channel), {}).get(ts)
            return found or self.workspace.ephemerals.get(ts)

    def response_target(self, token: str) -> ResponseUrl | None:
        """Whom a response_url (by its token) answers: user, channel and original message."""
        with self._changed:
            return self.workspace.response_urls.get(token)

    def owner_of_view(self, view_id: str) -> str | None:
        """The user who sees a modal or Home view."""
        with self._changed:
            return self.workspace.view_owner.get(view_id)

    def user_of_dm(self, channel: str) -> str | None:
        with self._changed:
            return self.workspace.user_of_dm(channel)

    # ---- what Slack does on a view_submission ack (used by the driver) ------------------------

    def replace_view(self, view_id: str, view: dict) -> dict:
        """response_action=update: the submitted modal shows `view` instead (same id, new hash)."""
        with self._changed:
            return self.workspace.replace_view(view_id, view)

    def push_view(self, user_id: str, view: dict) -> dict:
        """response_action=push: `view` goes on top of the user's modal stack."""
        with self._changed:
            return self.workspace.push_view(user_id, view)

    def close_views(self, user_id: str, all_of_them: bool = False) -> None:
        """A plain ack closes the submitted (top) modal; response_action=clear closes them all."""
        with self._changed:
            self.workspace.close_views(user_id, all_of_them=all_of_them)

    # ---- recorded calls ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._changed:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def mark(self) -> int:
        """How many calls so far; pass as `after=` to look only at later ones."""
        with self._changed:
            return len(self._calls)

    def wait_for(self, method: str | None, predicate: Callable[[Call], bool] | None = None,
                 timeout: float = 5.0, after: int = 0) -> Call:
        """The first call to `method` (any method when None) at index >= `after` matching `predicate`,
        waiting for it to arrive from another thread. Raises TimeoutError naming the method."""
        deadline = time.monotonic() + timeout
        index = after
        with self._changed:
            while True:
                for call in self._calls[index:]:
                    if (method is None or call.method == method) and (predicate is None or predicate(call)):
                        return call
                index = max(index, len(self._calls))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [call.method for call in self._calls[after:]] or "nothing"
                    wanted = f"{method}" + (" matching the predicate" if predicate else "")
                    raise TimeoutError(f"no call to {wanted} within {timeout}s (received since: {seen})")
                self._changed.wait(remaining)

    # ---- fault injection ---------------------------------------------------------------------

    def fail_next(self, method: str, error: str = "internal_error", status: int = 200) -> None:
        """The next call to `method` answers {"ok": false, "error": error} with that HTTP status."""
        with self._changed:
            self._faults.setdefault(method, []).append(_Fault(status, {"ok": False, "error": error}, {}))

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        """The next call to `method` answers HTTP 429 with Retry-After, as Slack's rate limiter does."""
        with self._changed:
            fault = _Fault(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            self._faults.setdefault(method, []).append(fault)

    def revoke_bot_token(self) -> None:
        """What uninstalling the app does: every call with the bot token answers token_revoked."""
        with self._changed:
            self._revoked = True

    def reinstall(self) -> None:
        """The app installed again and its token deployed (here: the same token works again)."""
        with self._changed:
            self._revoked = False

    def wait_held(self, method: str, timeout: float = 5.0) -> None:
        """Until a call held by hold_next(method) has arrived (and waits for its release)."""
        with self._changed:
            if not self._changed.wait_for(lambda: method in self._waiting, timeout):
                raise TimeoutError(f"no held call to {method} arrived within {timeout}s")

    def hold_next(self, method: str, longest: float = 10.0) -> threading.Event:
        """The next call to `method` is answered only once the returned event is set (or after
        `longest` seconds): Slack being slow. It is recorded when answered."""
        release = threading.Event()
        with self._changed:
            self._holds.setdefault(method, []).append((release, longest))
        return release

    # ---- request handling (called from server threads) ---------------------------------------

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._changed.notify_all()

    def handle_api(self, method: str, params: dict, headers: dict[str, str]) -> tuple[int, dict, dict[str, str]]:
        token = params.pop("token", None)
        auth = headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ")
        with self._changed:
            holds = self._holds.get(method)
            hold = holds.pop(0) if holds else None
        if hold is not None:
            release, longest = hold
            with self._changed:
                self._waiting.add(method)
                self._changed.notify_all()
            release.wait(longest)
            with self._changed:
                self._waiting.discard(method)
        with self._changed:
            status, body, extra = self._answer(method, params, token)
            self._record(Call(method, params, datetime.now(timezone.utc), status, body, headers))
            return status, body, extra

    def _answer(self, method: str, params: dict, token: str | None) -> tuple[int, dict, dict[str, str]]:
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            return fault.status, fault.body, fault.headers
        implementation = self._open_connection if method == CONNECTIONS_OPEN else self.workspace.method(method)
        if implementation is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        wanted, other = (self.app_token, self.bot_token) if method == CONNECTIONS_OPEN else (self.bot_token,
                                                                                           self.app_token)
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token == other:
            return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
        if token != wanted:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if self._revoked and token == self.bot_token:
            return 200, {"ok": False, "error": "token_revoked"}, {}
        try:
            return 200, implementation(params), {}
        except SlackError as error:
            return 200, error.body(), {}

    def _open_connection(self, params: dict) -> dict:
        return {"ok": True, "url": self.socket.new_url()}

    def handle_response_url(self, token: str, params: dict, headers: dict[str, str]) -> tuple[int, str]:
        with self._changed:
            faults = self._faults.get(RESPONSE_URL)
            if faults:
                fault = faults.pop(0)
                status, text, ts = fault.status, fault.body["error"], None
            else:
                status, text, ts = self.workspace.respond(token, params)
            self._record(Call(RESPONSE_URL, {**params, "response_url_token": token},
                              datetime.now(timezone.utc), status, text, headers, ts))
            return status, text


def _handler_for(slack: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _serve(self) -> None:
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            try:
                params = parse_params(raw, self.headers.get("Content-Type", ""), url.query)
            except ValueError:
                self._send(400, json.dumps({"ok": False, "error": "invalid_json"}), "application/json")
                return
            if url.path.startswith("/api/"):
                status, body, extra = slack.handle_api(url.path.removeprefix("/api/"), params, headers)
                self._send(status, json.dumps(body), "application/json; charset=utf-8", extra)
            elif url.path.startswith("/response/"):
                status, text = slack.handle_response_url(url.path.removeprefix("/response/"), params, headers)
                self._send(status, text, "text/plain; charset=utf-8")
            else:
                self._send(404, "not found", "text/plain")

        do_GET = do_POST = _serve

    return Handler
