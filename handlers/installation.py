"""app_uninstalled and tokens_revoked: the workspace no longer has the bot, so nothing scheduled may
be sent there (bot/installation.py pauses it, /readyz and the logs say so, a reinstall resumes it)."""

import logging

from slack_bolt import Ack, App

from bot.runtime import Runtime
from kam_core.db import transaction
from kam_core.installation.service import pause

log = logging.getLogger("kam.installation")


def paused_by(runtime: Runtime, team_id: str | None, reason: str) -> None:
    if not team_id:
        log.warning("%s without a team id: ignored", reason)
        return
    with transaction(runtime.sessions) as session:
        if pause(session, team_id=team_id, reason=reason):
            log.warning("app paused in workspace %s: %s; scheduled messages stop until it is reinstalled",
                        team_id, reason)


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_uninstalled")
    def uninstalled(ack: Ack, body: dict) -> None:
        paused_by(runtime, body.get("team_id"), "app_uninstalled")
        ack()  # after the write: a failure answers 500 and Slack delivers the event again

    @app.event("tokens_revoked")
    def revoked(ack: Ack, body: dict, event: dict) -> None:
        tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
        if tokens.get("bot"):  # user tokens alone (the bot has none) change nothing
            paused_by(runtime, body.get("team_id"), "tokens_revoked")
        ack()
