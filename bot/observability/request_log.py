"""The WSGI wrapper around bolt's request handler: one log line and one metrics sample per Slack request.

It times what Slack waits for: from the request reaching the process to the bot's answer (signature
check, middleware, and the listener: bolt runs with process_before_response, so the answer leaves when
the listener returns). Work a listener hands on after its ack (handlers/background.py) runs on the
runtime's thread pool and is not part of this time.
"""

import os
import time
from collections.abc import Callable, Iterable

from bot.observability.context import request_scope
from bot.observability.logging import get_logger
from bot.observability.metrics import record_request

SLOW_ACK_SECONDS = 2.5  # Slack shows an error to the user after 3 s
log = get_logger("kam.request")


def observed(slack: Callable) -> Callable:
    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        answered: dict[str, int] = {}

        def start(status: str, headers: list, exc_info=None):
            answered["status"] = int(status.split(" ", 1)[0])
            return start_response(status, [*headers, ("X-Request-Id", info.correlation_id)], exc_info)

        with request_scope(environ.get("HTTP_X_REQUEST_ID")) as info:
            started = time.perf_counter()
            try:
                return slack(environ, start)
            except Exception:
                answered["status"] = 500
                raise
            finally:
                seconds = time.perf_counter() - started
                status = answered.get("status", 500)
                surface = info.surface or "unknown"
                record_request(surface=surface, command=info.command, status=status, seconds=seconds)
                level = "error" if status >= 500 else "warning" if seconds > SLOW_ACK_SECONDS else "info"
                getattr(log, level)("slack_request", surface=surface, command=info.command, user_id=info.user_id,
                                    status=status, latency_ms=round(seconds * 1000, 1), pid=os.getpid())

    return application
