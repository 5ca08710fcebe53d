"""The bolt App of a serving process, built when the process starts and retried while Slack can't be
reached, so that the process answers from its first second whatever Slack does.

App() calls auth.test. Built on a worker's first request, as before, a Slack outage or a wrong token
left that request (even /healthz) without an HTTP answer, and liveness probes restarted healthy pods
in a loop. Now /healthz never depends on Slack, /readyz says what is missing, and Slack's requests
that arrive before the App is ready get a fast answer (bot/not_ready.py).
"""

import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import create_app, web_client
from bot.installation import InstallationWatch
from bot.runtime import Runtime
from bot.slack_status import check, quick_client

log = logging.getLogger("kam.startup")
RETRY_DELAYS = (1, 2, 5, 10, 20, 30)  # seconds between attempts; the last one repeats
STARTING = "starting: connecting to Slack"


class SlackConnection:
    """`start()` builds the App in a thread; `app` / `handler` are None until it is ready."""

    def __init__(self, runtime: Runtime, *, path: str, process_before_response: bool = True,
                 socket_mode: bool = False, delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self.runtime, self.path, self.delays = runtime, path, delays
        self.process_before_response, self.socket_mode = process_before_response, socket_mode
        self.app: App | None = None
        self.handler: SlackRequestHandler | None = None
        self.problem: str | None = STARTING
        self.installation = InstallationWatch(runtime, quick_client(runtime.settings))
        self._client = web_client(runtime.settings)
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def signing_secret(self) -> str:
        secret = self.runtime.settings.slack_signing_secret
        return secret.get_secret_value() if secret else ""

    def start(self) -> "SlackConnection":
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._connect, name="kam-slack-connect", daemon=True)
                self._thread.start()
        return self

    def wait_ready(self, timeout: float | None) -> bool:
        return self._ready.wait(timeout)

    def close(self) -> None:
        self._stop.set()

    def not_ready(self) -> str | None:
        """Why Slack's side is not ready (None when it is), for /readyz."""
        if self.app is None:
            return self.problem
        return self.installation.paused_reason()

    def _connect(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            status = check(self._client)
            if status.problem is None and self._build():
                try:
                    self.installation.resume(status.team_id)  # a working token: the app is installed again
                except Exception:  # noqa: BLE001 - the database may be down; /readyz tells that
                    log.warning("could not record the installation as active", exc_info=True)
                self._ready.set()
                log.info("connected to Slack")
                return
            self.problem = status.problem or self.problem
            delay = self.delays[min(attempt, len(self.delays) - 1)]
            log.warning("Slack not ready (%s); trying again in %s s", self.problem, delay)
            attempt += 1
            self._stop.wait(delay)

    def _build(self) -> bool:
        try:
            app = create_app(self.runtime.settings, runtime=self.runtime,
                             process_before_response=self.process_before_response, socket_mode=self.socket_mode)
        except Exception as error:  # noqa: BLE001 - Slack failing between auth.test and App(): try again
            self.problem = f"could not start the Slack app ({type(error).__name__})"
            log.warning("%s", self.problem, exc_info=True)
            return False
        self.app, self.handler = app, SlackRequestHandler(app, path=self.path)
        self.problem = None
        return True

