"""Slack's end of Socket Mode, on loopback: the WebSocket whose URL apps.connections.open hands out.

The app connects with a one-time ticket and is greeted with `hello`. Each envelope goes to the app's
newest connection and waits (bounded) for the app's ack, which may come back on any connection, as
with Slack. `disconnect` asks the app to reconnect; once its new connection is up, the old one is
hung up, as Slack does every few hours.
"""

import itertools
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.emulator.workspace import APP_ID

DISCONNECT_REASONS = ("refresh_requested", "warning", "link_disabled")
HOST_NAME = "applink-fake-1"  # Slack names the server in debug_info


@dataclass
class Link:
    """One WebSocket connection from the app, numbered in the order they were made (1, 2, ...)."""

    number: int
    ticket: str
    websocket: ServerConnection = field(repr=False)
    hello: dict = field(default_factory=dict)
    retiring: bool = False  # told to disconnect: nothing more is delivered on it
    closed: bool = False


class SocketModeServer:
    """FakeSlack's `socket`; it starts listening on the first apps.connections.open."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._changed = threading.Condition(threading.RLock())
        self._tickets: set[str] = set()
        self._links: list[Link] = []
        self._acks: dict[str, dict | None] = {}  # envelope_id -> the app's ack, None while awaited
        self._numbers = itertools.count(1)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        with self._changed:
            if self._server is not None:
                return
            self._server = serve(self._serve, self._host, 0, process_request=self._check_ticket,
                                 compression=None, close_timeout=1)
            self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack-socket",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._changed:
            server, thread, self._server, self._thread = self._server, self._thread, None, None
            links = list(self._links)
        if server is None:
            return
        for link in links:
            link.websocket.close()
        server.shutdown()
        thread.join()

    def new_url(self) -> str:
        """What apps.connections.open answers: a URL with a fresh ticket, good for one connection."""
        self.start()
        with self._changed:
            ticket = secrets.token_urlsafe(16)
            self._tickets.add(ticket)
            host, port = self._server.socket.getsockname()[:2]
            return f"ws://{host}:{port}/link/?ticket={ticket}&app_id={APP_ID}"

    # ---- what a test looks at -----------------------------------------------------------------

    @property
    def links(self) -> list[Link]:
        with self._changed:
            return list(self._links)

    def wait_for_link(self, after: int = 0, timeout: float = 5.0) -> Link:
        """The first connection numbered above `after` (e.g. after=old.number for the reconnect),
        waiting for the app to make it."""
        return self._wait(lambda: next((link for link in self._links if link.number > after), None),
                          time.monotonic() + timeout, f"no Socket Mode connection after #{after} within {timeout}s")

    # ---- what Slack sends ---------------------------------------------------------------------

    def deliver(self, kind: str, payload: dict, *, accepts_response_payload: bool, timeout: float = 10.0,
                **extra: Any) -> dict:
        """Send one envelope to the app and return its ack, `{"envelope_id": ..., "payload": ...?}`.
        Raises TimeoutError when no connection is open or no ack comes within `timeout`."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": accepts_response_payload, **extra}
        deadline = time.monotonic() + timeout
        with self._changed:
            self._acks[envelope_id] = None
        try:
            while True:
                link = self._wait(self._open_link, deadline, f"no open Socket Mode connection for a {kind} envelope")
                try:
                    link.websocket.send(json.dumps(envelope))
                    break
                except ConnectionClosed:  # it closed under us: Slack sends on another connection
                    self._closed(link)
            return self._wait(lambda: self._acks[envelope_id], deadline,
                              f"no ack for the {kind} envelope {envelope_id} within {timeout}s")
        finally:
            with self._changed:
                self._acks.pop(envelope_id, None)

    def disconnect(self, reason: str = "refresh_requested") -> Link:
        """Tell the app's newest connection to go away (reason: refresh_requested, warning or
        link_disabled); the app then calls apps.connections.open and connects anew. Returns the old link."""
        if reason not in DISCONNECT_REASONS:
            raise ValueError(f"Slack's disconnect reasons are {DISCONNECT_REASONS}, not {reason!r}")
        link = self._wait(self._open_link, time.monotonic() + 5.0, "no open Socket Mode connection to disconnect")
        with self._changed:
            link.retiring = True
        link.websocket.send(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {"host": HOST_NAME}}))
        return link

    def hang_up(self) -> None:
        """Close every connection from Slack's side, as Slack does when it goes away."""
        for link in self.links:
            if not link.closed:
                link.websocket.close()

    # ---- the server side (websockets' threads) ------------------------------------------------

    def _check_ticket(self, connection: ServerConnection, request) -> Any:
        """The handshake goes through only on /link/ with a ticket issued and not used yet."""
        ticket = _ticket(request.path)
        with self._changed:
            if urlsplit(request.path).path == "/link/" and ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.protocol.reject(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")

    def _serve(self, websocket: ServerConnection) -> None:
        with self._changed:
            link = Link(next(self._numbers), _ticket(websocket.request.path), websocket)
            link.hello = {"type": "hello", "num_connections": 1 + sum(not old.closed for old in self._links),
                          "debug_info": {"host": HOST_NAME, "build_number": 1, "approximate_connection_time": 18060},
                          "connection_info": {"app_id": APP_ID}}
            retiring = [old for old in self._links if old.retiring and not old.closed]
            websocket.send(json.dumps(link.hello))
            self._links.append(link)
            self._changed.notify_all()
        for old in retiring:  # the app has its new connection: Slack hangs up the one it told to go
            threading.Thread(target=old.websocket.close, daemon=True).start()
        try:
            for message in websocket:
                self._received(message)
        except ConnectionClosed:
            pass
        finally:
            self._closed(link)

    def _received(self, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            return
        with self._changed:
            envelope_id = ack.get("envelope_id") if isinstance(ack, dict) else None
            if envelope_id in self._acks and self._acks[envelope_id] is None:  # awaited, not yet acked
                self._acks[envelope_id] = ack
                self._changed.notify_all()

    def _closed(self, link: Link) -> None:
        with self._changed:
            link.closed = True
            self._changed.notify_all()

    def _open_link(self) -> Link | None:
        """Where Slack sends the next envelope: the newest connection it has not told to go."""
        return next((link for link in reversed(self._links) if not link.closed and not link.retiring), None)

    def _wait(self, found: Callable[[], Any], deadline: float, problem: str) -> Any:
        with self._changed:
            while True:
                value = found()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(problem)
                self._changed.wait(remaining)


def _ticket(path: str) -> str:
    return parse_qs(urlsplit(path).query).get("ticket", [""])[0]
