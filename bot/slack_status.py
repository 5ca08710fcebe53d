"""Whether Slack accepts the bot right now (auth.test), told the way an operator needs it:
Slack's API unreachable, or the token rejected."""

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("kam.slack")
# auth.test's answers that mean the token itself is no good (a restart will not help, a new token will).
REJECTED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                      "no_permission", "missing_scope", "not_allowed_token_type"})
UNREACHABLE = "Slack API unreachable"


@dataclass(frozen=True)
class SlackStatus:
    team_id: str | None = None
    problem: str | None = None  # None: Slack answered and took the token


def check(client: WebClient) -> SlackStatus:
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if code in REJECTED:
            return SlackStatus(problem=f"token rejected by Slack ({code}): set a valid SLACK_BOT_TOKEN")
        return SlackStatus(problem=f"{UNREACHABLE} (HTTP {error.response.status_code}, {code or 'no answer'})")
    except Exception as error:  # noqa: BLE001 - connection refused, DNS, TLS, timeout: all "unreachable"
        log.debug("auth.test failed", exc_info=True)
        return SlackStatus(problem=f"{UNREACHABLE} ({type(error).__name__})")
    return SlackStatus(team_id=answer.get("team_id"))


def quick_client(settings) -> WebClient:
    """For probes: a short timeout and no retries, so /readyz answers quickly whatever Slack does."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url, timeout=3)
