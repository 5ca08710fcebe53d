"""gunicorn settings for the bot: `gunicorn -c deploy/gunicorn.conf.py bot.wsgi:application`.

From the environment: PORT (3000), KAM_WEB_WORKERS (2 processes), KAM_WEB_THREADS (8 threads each),
KAM_WEB_TIMEOUT (30 s), KAM_LOG_FORMAT / KAM_LOG_LEVEL (see bot/observability/logging.py).
Slack requests are short and mostly wait on the database and Slack, so threads (gthread) carry the
concurrency and a few processes use the cores. The access log is off: the bot writes one structured
line per Slack request itself (and none for probes).
"""

import os
import shutil
import tempfile

from bot.observability.logging import configure_logging


def _int(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a positive whole number, not {value!r}.")
    return int(value)


bind = f"0.0.0.0:{_int('PORT', 3000)}"
workers = _int("KAM_WEB_WORKERS", 2)
threads = _int("KAM_WEB_THREADS", 8)
worker_class = "gthread"
timeout = _int("KAM_WEB_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Containers may have a read-only /tmp-less root; /dev/shm is always writable and in memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None
control_socket_disable = True  # gunicorn >= 25 would open a socket in $HOME; nothing here uses it
logconfig_dict = configure_logging()

# Several worker processes: each keeps its metrics in files here, and /metrics adds them up.
# Set before any worker imports prometheus_client (workers import the app after the fork).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kam-metrics-")


def on_starting(server) -> None:
    """Start with empty metrics: files left by an earlier run would be added to this one's."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker) -> None:
    """Assemble the bot as the worker starts, not on its first request; the Slack connection is made in
    the background, waited for a few seconds at most, so /healthz answers even while Slack is down
    (bot/startup.py)."""
    from bot import wsgi

    wsgi.start(wait_seconds=wsgi.STARTUP_WAIT_SECONDS)
