"""What is known about the Slack request being served, for every log line written while serving it.

The WSGI wrapper (request_log.py) opens a scope with a correlation id; the bolt middleware fills in
surface, command and user. Listeners run on the request's thread (process_before_response), and the
work they hand on after the ack runs on the runtime's ContextExecutor (handlers/background.py), so
both see the request's scope, and an unexpected error's reference (handlers/errors.py) is the
request's correlation id, the same one its log lines carry.
"""

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass

# An id handed in by a proxy (X-Request-Id) is reused only when it looks like one.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass
class RequestInfo:
    correlation_id: str
    surface: str | None = None  # None until the middleware has named the request
    command: str = "-"
    user_id: str = "-"


_current: ContextVar[RequestInfo | None] = ContextVar("kam_request", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


def current() -> RequestInfo | None:
    return _current.get()


def correlation_id() -> str:
    """The current request's id, or a fresh one outside a request (CLI, scheduler)."""
    info = _current.get()
    return info.correlation_id if info is not None else new_correlation_id()


@contextmanager
def request_scope(incoming_id: str | None = None) -> Iterator[RequestInfo]:
    info = RequestInfo(incoming_id if incoming_id and INCOMING_ID.match(incoming_id) else new_correlation_id())
    token = _current.set(info)
    try:
        yield info
    finally:
        _current.reset(token)


def named_request() -> RequestInfo:
    """The scope the middleware fills: the open one (HTTP), or a new one (Socket Mode has no WSGI wrapper;
    a scope left from an earlier request on this thread is already named, so it is replaced)."""
    info = _current.get()
    if info is None or info.surface is not None:
        info = RequestInfo(new_correlation_id())
        _current.set(info)
    return info


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's contextvars (the request scope)."""

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(copy_context().run, fn, *args, **kwargs)
