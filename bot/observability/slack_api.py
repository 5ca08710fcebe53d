"""Slack Web API errors and retries, counted through slack_sdk's retry-handler hook.

slack_sdk asks each retry handler about every response and every failed attempt, and bolt copies the
app client's handlers into the client it makes for each request, so one observing handler in the list
sees all the Web API traffic of listeners, the scheduler and the CLI without wrapping any client.
"""

from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.observability.metrics import record_slack_api_error, record_slack_api_retry


def _method(request) -> str:
    return (request.url or "").rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "unknown"


def _reason(response, error) -> str:
    if response is not None:
        return "ratelimited" if response.status_code == 429 else f"http_{response.status_code}"
    return "connection_error" if error is not None else "unknown"


class ErrorCounter(RetryHandler):
    """Never retries; counts each failed attempt: ok=false answers (Slack's error code), HTTP errors
    and connection errors."""

    def can_retry(self, *, state, request, response=None, error=None) -> bool:
        if response is not None and response.status_code == 200:
            body = response.body or {}
            if body.get("ok") is False:
                record_slack_api_error(_method(request), body.get("error") or "unknown")
        else:
            record_slack_api_error(_method(request), _reason(response, error))
        return False


class CountedRetries(RetryHandler):
    """Another handler, with each retry it decides on counted."""

    def __init__(self, inner: RetryHandler) -> None:
        super().__init__(max_retry_count=inner.max_retry_count, interval_calculator=inner.interval_calculator)
        self.inner = inner

    def can_retry(self, *, state, request, response=None, error=None) -> bool:
        return self.inner.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        record_slack_api_retry(_method(request), _reason(response, error))
        self.inner.prepare_for_next_attempt(state=state, request=request, response=response, error=error)


def retry_handlers() -> list[RetryHandler]:
    """For WebClient(retry_handlers=...): wait out rate limits (up to 3 times), count everything."""
    return [ErrorCounter(), CountedRetries(RateLimitErrorRetryHandler(max_retry_count=3))]
