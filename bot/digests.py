"""The digest job wired to Slack: the Slack messenger, the Block Kit renderer and the
kam_core sender. Used by `kam digest send` and by `kam scheduler` (bot/scheduler.py)."""

from collections import Counter
from datetime import datetime

from slack_sdk import WebClient

from bot.dm import SlackMessenger
from bot.runtime import Runtime
from handlers.render.digest import digest_message
from kam_core.digests.delivery import SendResult, send_digests
from kam_core.digests.schemas import DigestData
from templates import i18n


def send(runtime: Runtime, client: WebClient | None, *, now: datetime | None = None, week: str | None = None,
         manager_email: str | None = None, dry_run: bool = False, worker: str | None = None) -> list[SendResult]:
    """Send the digests due at `now` (or those of `week`); a dry run (or no client) sends nothing.
    Each digest is written in its manager's language."""

    def render(digest: DigestData) -> dict:
        with i18n.use(digest.language or runtime.settings.default_language):
            return digest_message(digest).as_kwargs()

    return send_digests(runtime.sessions, SlackMessenger(client) if client is not None and not dry_run else None,
                        policy=runtime.policy, render=render,
                        default_timezone=runtime.settings.default_timezone, now=now, week=week,
                        manager_email=manager_email, dry_run=dry_run or client is None, worker=worker)


def send_due_digests(runtime: Runtime, client: WebClient, *, now: datetime, worker: str) -> dict[str, int]:
    """For the scheduler's tick: how many digests ended in each outcome (sent, already_sent, failed, ...)."""
    return dict(Counter(r.outcome for r in send(runtime, client, now=now, worker=worker)))
