"""The image built from deploy/Dockerfile (`make image-test` builds it and names it in KAM_TEST_IMAGE), run
the way production runs it: `kam db upgrade` and `kam demo` in the image on a scratch PostgreSQL database
of the local server, then the image's own command (gunicorn) and health check, answering signed Slack
requests with the emulator's fake Slack Web API as Slack. Every container is on the host network and
only 127.0.0.1 is used; roots are read-only, with a /tmp for gunicorn only, as in deploy/k8s; every
container and the database are removed at the end. A missing engine or image fails, never skips."""

import json
import os
import re
import secrets
import subprocess
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from benchmarks.harness import free_port, postgres_database
from bot.emulator import FakeSlack, SlackDriver
from bot.emulator import payloads
from bot.web import SLACK_PATH
from tests.deploy.gunicorn import get

IMAGE = os.environ.get("KAM_TEST_IMAGE", "")
DOCKER = os.environ.get("DOCKER") or "docker"
POSTGRES = os.environ.get("KAM_TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEMO_REP = "U0DEMOREP1"  # the demo rep's Slack id (README: kam demo)
USER = "10001"
SERVING_SECONDS = HEALTHY_SECONDS = CARD_SECONDS = 60


def docker(*args: str, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"`docker {' '.join(args[:2])} …` exited {result.returncode}:\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result


def kam(database: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kam ARGS` in a throwaway container of the image, as the migration Job runs it (read-only root)."""
    variables = [f"--env={k}={v}" for k, v in {"KAM_DATABASE_URL": database, **(env or {})}.items()]
    return docker("run", "--rm", "--network=host", "--read-only", *variables, IMAGE, "kam", *args)


def inspect(container: str, template: str) -> str:
    return docker("inspect", "--format", template, container).stdout.strip()


def logs(container: str) -> str:
    result = docker("logs", container, check=False)
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def image() -> dict:
    if not IMAGE:
        pytest.fail("KAM_TEST_IMAGE is not set: `make image-test` builds the image and sets it")
    try:
        engine = subprocess.run([DOCKER, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                                timeout=60)
    except FileNotFoundError:
        pytest.fail(f"no `{DOCKER}` command: `make image-test` installs and starts the engine")
    if engine.returncode != 0:
        pytest.fail(f"the container engine does not answer `docker info`:\n{engine.stderr[-2000:]}")
    found = docker("image", "inspect", IMAGE, check=False)
    if found.returncode != 0:
        pytest.fail(f"no image {IMAGE}: `make image-test` builds it from deploy/Dockerfile")
    return json.loads(found.stdout)[0]


@pytest.fixture(scope="module")
def database(image):
    """A new database on the local PostgreSQL server, dropped at the end."""
    server = create_engine(POSTGRES)
    try:
        with server.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(f"PostgreSQL at {server.url.render_as_string()} is unreachable ({error.orig}); .ci/run starts it")
    finally:
        server.dispose()
    with postgres_database(POSTGRES, f"kam_image_test_{uuid.uuid4().hex[:8]}") as url:
        yield url


@pytest.fixture(scope="module")
def demo(database) -> dict[str, str]:
    """`kam db upgrade` then `kam demo` in the image; their output and the account the demo suggests."""
    upgraded = kam(database, "db", "upgrade").stdout
    made = kam(database, "demo").stdout
    suggested = re.search(r"kam accounts show '(.+)' --as", made)
    assert suggested, made
    return {"upgrade": upgraded, "demo": made, "account": suggested.group(1)}


@dataclass
class Served:
    container: str
    base: str
    driver: SlackDriver
    slack: FakeSlack
    account: str


@pytest.fixture(scope="module")
def served(image, database, demo):
    """The image's own command (gunicorn) and HEALTHCHECK (every 2 s here, not 30 s), on a free port."""
    port, secret = free_port(), secrets.token_hex(16)
    with FakeSlack() as slack:
        settings = {
            "PORT": str(port),
            # Host network: listen on loopback only (the image's gunicorn.conf.py binds 0.0.0.0:$PORT).
            "GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{port}",
            "KAM_DATABASE_URL": database, "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": secret,
            "KAM_SLACK_API_URL": slack.api_url, "KAM_WEB_WORKERS": "2", "KAM_WEB_THREADS": "4",
        }
        container = docker(
            "run", "--detach", f"--name=kam-image-test-{uuid.uuid4().hex[:8]}", "--network=host",
            "--read-only", "--tmpfs=/tmp", "--health-interval=2s", "--health-timeout=5s", "--health-retries=3",
            "--health-start-period=60s", *(f"--env={k}={v}" for k, v in settings.items()), IMAGE,
        ).stdout.strip()
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVING_SECONDS
            while True:
                if inspect(container, "{{.State.Running}}") != "true":
                    pytest.fail(f"the container stopped:\n{logs(container)[-4000:]}")
                try:
                    if get(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"no answer on {base}/healthz within {SERVING_SECONDS} s:\n{logs(container)[-4000:]}")
                time.sleep(0.3)
            yield Served(container, base, SlackDriver(base + SLACK_PATH, secret, slack), slack, demo["account"])
        finally:
            docker("rm", "--force", container, check=False)


def test_kam_db_upgrade_and_kam_demo_run_in_the_image(demo):
    assert "Database at revision" in demo["upgrade"]
    assert "Demo data written to postgresql+psycopg://postgres@127.0.0.1:5432/kam_image_test_" in demo["demo"]
    assert f"Slack {DEMO_REP}" in demo["demo"]


def test_a_signed_kam_command_gets_the_account_card(served):
    # A worker still connecting to Slack answers "starting, send it again": send it again, as a user would.
    deadline = time.monotonic() + CARD_SECONDS
    while True:
        card = served.driver.slash_command(DEMO_REP, served.account)
        assert card.status == 200, card.body
        blocks = (card.json or {}).get("blocks", [])
        if served.account in json.dumps(blocks, ensure_ascii=False) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert served.account in json.dumps(blocks, ensure_ascii=False), card.json
    for block in blocks:
        Block.parse(block)


def test_a_forged_signature_is_refused(served):
    body = urlencode(payloads.slash_command(
        user_id=DEMO_REP, text=served.account, command="/kam", channel_id="C0GENERAL", channel_name="general",
        response_url=served.slack.response_url_for(DEMO_REP, "C0GENERAL"),
        trigger_id=served.slack.new_trigger_id(DEMO_REP)))
    assert served.driver.raw(body, signature="wrong").status == 401


def test_probes_and_metrics(served):
    assert get(served.base + "/healthz") == (200, "ok\n")
    deadline = time.monotonic() + SERVING_SECONDS
    while (ready := get(served.base + "/readyz")) != (200, "ready\n") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert ready == (200, "ready\n")
    status, metrics = get(served.base + "/metrics")
    assert status == 200 and "kam_slack_requests_total" in metrics


def test_it_runs_as_the_unprivileged_user(image, served):
    assert image["Config"]["User"] == f"{USER}:{USER}"
    assert docker("exec", served.container, "id", "-u").stdout.strip() == USER
    assert docker("exec", served.container, "id", "-g").stdout.strip() == USER
    assert inspect(served.container, "{{.Config.User}}") == f"{USER}:{USER}"


def test_the_health_check_turns_healthy(served):
    deadline = time.monotonic() + HEALTHY_SECONDS
    while (status := inspect(served.container, "{{.State.Health.Status}}")) == "starting":
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == "healthy", inspect(served.container, "{{json .State.Health}}")


def test_logs_are_json_lines_without_the_token(served):
    assert served.driver.slash_command(DEMO_REP, served.account).status == 200
    said = logs(served.container)
    lines = [json.loads(line) for line in said.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "slack_request"]
    assert any(line.get("user_id") == DEMO_REP and line.get("status") == 200 for line in requests), said[-3000:]
    assert served.slack.bot_token not in said


def test_the_scheduler_runs_a_tick_on_a_read_only_root(database, served):
    ran = kam(database, "scheduler", "--once",
              env={"SLACK_BOT_TOKEN": served.slack.bot_token, "SLACK_SIGNING_SECRET": secrets.token_hex(16),
                   "KAM_SLACK_API_URL": served.slack.api_url})
    said = ran.stdout + ran.stderr
    assert "Scheduler stopped after 1 tick" in said and "errors=0" in said, said


def test_the_image_holds_the_virtualenv_and_the_gunicorn_settings_only(image):
    listing = docker("run", "--rm", "--network=host", IMAGE, "sh", "-c",
                     "ls -A /app; ls /opt/kam/bin | grep -c '^pip' || true; ls -A /run/secrets 2>/dev/null | wc -l")
    assert listing.stdout.split() == ["gunicorn.conf.py", "0", "0"], listing.stdout
