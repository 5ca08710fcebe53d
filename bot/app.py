"""Builds the bolt App. Never at import time: App() calls auth.test."""

import logging

from slack_bolt import App
from slack_sdk import WebClient

import handlers
from bot.observability import slack_api
from bot.observability.context import ContextExecutor
from bot.language import default_language
from bot.observability.middleware import observe_requests
from bot.runtime import Runtime
from bot.settings import Settings


def web_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url,
                     retry_handlers=slack_api.retry_handlers())  # waits out rate limits, counts errors


def require_tokens(settings: Settings, *, socket_mode: bool) -> None:
    if settings.slack_bot_token is None:
        raise SystemExit("Set SLACK_BOT_TOKEN (see README: Configuration).")
    if socket_mode and settings.slack_app_token is None:
        raise SystemExit("Set SLACK_APP_TOKEN (xapp-…) for Socket Mode; see docs/setup.md.")
    if not socket_mode and settings.slack_signing_secret is None:
        raise SystemExit("Set SLACK_SIGNING_SECRET to serve Slack over HTTP (see README: Configuration).")


def create_app(settings: Settings, *, runtime: Runtime | None = None, process_before_response: bool = True,
               socket_mode: bool = False) -> App:
    """process_before_response: Slack's answer leaves when the listener returns (no polling for the ack);
    listeners hand slower work to handlers.background. False only to compare (benchmarks).
    socket_mode: requests come over Slack's WebSocket, unsigned, so no signing secret is needed."""
    require_tokens(settings, socket_mode=socket_mode)
    runtime = runtime or Runtime(settings)
    client = web_client(settings)
    app = App(
        client=client,
        signing_secret=None if socket_mode else settings.slack_signing_secret.get_secret_value(),
        request_verification_enabled=not socket_mode,
        process_before_response=process_before_response,
        logger=logging.getLogger("kam.bolt"),
        # Runs listeners only without process_before_response (a benchmark comparison): in the request scope too.
        listener_executor=ContextExecutor(max_workers=5),
    )
    app.use(observe_requests)
    app.use(default_language(settings))
    handlers.register(app, runtime)
    return app
