"""`kam scheduler`: every interval, send the digests and reminders due now, then wait.

Several copies may run at once (for availability): each message is a Delivery row that
one process claims with a conditional UPDATE (kam_core.delivery), so the database, not
memory, decides who sends. A tick is also what `kam remind send` does once from cron.
SIGTERM / SIGINT stop the loop after the tick in progress.
"""

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.digests import send_due_digests
from bot.dm import SlackMessenger
from bot.installation import InstallationWatch
from bot.observability.metrics import record_deliveries
from bot.runtime import Runtime
from handlers.render.reminders import reminder_message
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.people.models import Person
from kam_core.reminders.delivery import Post, send_due_reminders
from kam_core.reminders.schemas import KINDS, DueReminder, Kind, SendReport
from kam_core.scheduling import refresh_timezones
from templates import i18n

log = logging.getLogger("kam.scheduler")
TZ_REFRESH_EVERY = timedelta(hours=24)
TZ_BATCH = 50  # users.info calls per tick, so a large workspace never delays a tick by minutes


def worker_id() -> str:
    """Who claimed a delivery, for `status` and logs: host, process and a per-scheduler suffix."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SlackRefused(Exception):
    pass


def dm_poster(client: WebClient, default_language: str = "en") -> Post:
    """Render a reminder in its rep's language and DM it through the messenger the digests use (bot/dm.py:
    a 429 is waited out there). Slack's refusal is raised with its one-word reason, which the delivery records."""
    messenger = SlackMessenger(client)

    def post(reminder: DueReminder) -> tuple[str | None, str | None]:
        user = reminder.recipient.slack_user_id
        with i18n.use(reminder.recipient.language or default_language):
            message = reminder_message(reminder).as_kwargs()
        try:
            return messenger.post(user, message)
        except SlackApiError as error:
            raise SlackRefused(f"Slack answered {error.response.get('error') or error.response.status_code}"
                               f" for {user}") from None

    return post


def send_reminders(runtime: Runtime, client: WebClient | None, *, now: datetime, worker: str,
                   dry_run: bool = False, kinds: tuple[Kind, ...] = KINDS) -> SendReport:
    post = dm_poster(client, runtime.settings.default_language) if client is not None else _no_post
    return send_due_reminders(runtime.sessions, policy=runtime.policy, now=now,
                              default_timezone=runtime.settings.default_timezone, worker=worker, post=post,
                              dry_run=dry_run, kinds=kinds)


def _no_post(reminder: DueReminder) -> tuple[str, str]:
    raise RuntimeError("no Slack client: only a dry run can go without one")


def refresh_all_timezones(runtime: Runtime, client: WebClient) -> int:
    """Everyone's zone from Slack at once (for `kam remind send --refresh-timezones`)."""
    with transaction(runtime.sessions) as session:
        people = session.scalars(select(Person).where(Person.active, Person.slack_user_id.is_not(None))).all()
        return refresh_timezones(session, people=people, lookup=SlackMessenger(client).timezone_of)


@dataclass
class Tick:
    reminders: SendReport | None = None
    digests: dict | None = None
    timezones: int = 0
    errors: list[str] = field(default_factory=list)
    paused: str | None = None  # why nothing was sent: the app is uninstalled from the workspace


class Scheduler:
    def __init__(self, runtime: Runtime, client: WebClient, *, worker: str | None = None) -> None:
        self.runtime = runtime
        self.client = client
        self.worker = worker or worker_id()
        self._tz_queue: list[int] = []
        self._tz_refilled_at: datetime | None = None
        self.installation = InstallationWatch(runtime, client)

    def tick(self, now: datetime | None = None) -> Tick:
        now = now or utcnow()
        tick = Tick()
        tick.paused = self._job(tick, "installation", self.installation.paused_reason)
        if tick.paused:
            log.warning("tick worker=%s paused, nothing sent: %s", self.worker, tick.paused)
            return tick
        tick.timezones = self._job(tick, "timezones", lambda: self.refresh_timezones(now)) or 0
        tick.digests = self._job(tick, "digests", lambda: send_due_digests(self.runtime, self.client, now=now,
                                                                            worker=self.worker))
        tick.reminders = self._job(tick, "reminders", lambda: send_reminders(self.runtime, self.client, now=now,
                                                                              worker=self.worker))
        r = tick.reminders or SendReport()
        record_deliveries("reminder", {o: r.count(o) for o in ("sent", "skipped", "failed")})
        record_deliveries("digest", {k: v for k, v in (tick.digests or {}).items() if k in ("sent", "skipped", "failed")})
        log.info("tick worker=%s reminders sent=%d skipped=%d failed=%d digests=%s timezones=%d errors=%d",
                 self.worker, r.count("sent"), r.count("skipped"), r.count("failed"),
                 _counts(tick.digests), tick.timezones, len(tick.errors))
        return tick

    def run(self, *, interval: float, stop: threading.Event, once: bool = False) -> int:
        """Tick until `stop` is set (or once); returns the number of ticks."""
        ticks = 0
        while not stop.is_set():
            self.tick()
            ticks += 1
            if once:
                break
            stop.wait(interval)
        return ticks

    def refresh_timezones(self, now: datetime) -> int:
        """Each linked person's zone from Slack, once a day, a batch per tick."""
        if not self._tz_queue:
            if self._tz_refilled_at is not None and now - self._tz_refilled_at < TZ_REFRESH_EVERY:
                return 0
            with transaction(self.runtime.sessions) as session:
                self._tz_queue = list(session.scalars(select(Person.id).where(
                    Person.active, Person.slack_user_id.is_not(None)).order_by(Person.id)))
            self._tz_refilled_at = now
        batch, self._tz_queue = self._tz_queue[:TZ_BATCH], self._tz_queue[TZ_BATCH:]
        with transaction(self.runtime.sessions) as session:
            people = session.scalars(select(Person).where(Person.id.in_(batch))).all()
            return refresh_timezones(session, people=people, lookup=SlackMessenger(self.client).timezone_of)

    def _job(self, tick: Tick, name: str, work):
        """One job's failure (database down, Slack unreachable) is logged; the next tick tries again."""
        try:
            return work()
        except Exception as error:  # noqa: BLE001 - the loop must outlive any one job
            reason = str(error).splitlines()[0][:200] if str(error) else ""
            log.error("job %s failed: %s: %s", name, type(error).__name__, reason,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            tick.errors.append(name)
            return None


def _counts(digests: dict | None) -> str:
    """Digest outcomes, e.g. "sent=2,not_due=40"; "-" when the job failed."""
    if digests is None:
        return "-"
    return ",".join(f"{k}={v}" for k, v in sorted(digests.items())) or "none"
