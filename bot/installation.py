"""The app's installation in its workspace, as every process sees it: app_uninstalled or a revoked
bot token pauses what the bot sends (the scheduler's digests and reminders) and makes /readyz say so;
a token that works for the workspace again (a reinstall) resumes it, here, without a restart."""

import logging
import threading
import time
from datetime import datetime

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack_status import check
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.installation.service import paused, resume
from templates import piece

log = logging.getLogger("kam.installation")
RECHECK_SECONDS = 30  # while paused, the token is tried again at most this often per process


class InstallationWatch:
    def __init__(self, runtime: Runtime, client: WebClient) -> None:
        self.runtime, self.client = runtime, client
        self._checked = (float("-inf"), datetime.min)  # monotonic and UTC time of the last auth.test
        self._token_team: str | None = None  # the workspace the token worked for then
        self._lock = threading.Lock()

    def paused_reason(self) -> str | None:
        """None when the bot may send (one small read when nothing is paused), else why not."""
        with transaction(self.runtime.read_sessions) as session:
            stopped = {row.team_id: (row.reason, row.changed_at) for row in paused(session)}
        if not stopped:
            return None
        with self._lock:
            checked_at, checked_utc = self._checked
            if time.monotonic() - checked_at >= RECHECK_SECONDS or \
                    any(changed >= checked_utc for _, changed in stopped.values()):
                self._recheck(stopped)
            if self._token_team is not None and self._token_team not in stopped:
                return None  # the token works for a workspace that is not paused
        team_id, (reason, _) = next(iter(stopped.items()))
        return piece("ops.j2", "paused", team_id=team_id, reason=reason)

    def _recheck(self, stopped: dict) -> None:
        self._checked = (time.monotonic(), utcnow())
        status = check(self.client)
        self._token_team = status.team_id if status.problem is None else None
        if self._token_team in stopped:
            self.resume(self._token_team)
            del stopped[self._token_team]

    def resume(self, team_id: str | None) -> None:
        if not team_id:
            return
        with transaction(self.runtime.sessions) as session:
            if resume(session, team_id=team_id):
                log.warning("installation resumed in workspace %s: sending again", team_id)
