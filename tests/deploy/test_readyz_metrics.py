"""/readyz tells a load balancer whether this process can serve; /metrics tells Prometheus what it did.
Neither says anything about the data: a customer's name sent through the bot appears in no probe body."""

import json
import socket

import pytest
from prometheus_client.parser import text_string_to_metric_families
from alembic.script import ScriptDirectory
from slack_sdk.errors import SlackApiError
from sqlalchemy import text

from bot.app import web_client
from bot.emulator.local_bot import LocalBot
from bot.observability.metrics import record_delivery, start_metrics_server
from bot.settings import Settings
from kam_core.db import make_engine
from kam_core.schema import alembic_config, upgrade
from tests.deploy.conftest import REP, seed
from tests.deploy.gunicorn import get

CUSTOMER = "SECRET-CUSTOMER-NAME"


def sample(body: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def customer_db(database_url):
    seed(database_url, account=CUSTOMER)
    return database_url


def test_ready_on_a_migrated_database_and_no_probe_or_metric_shows_customer_data(customer_db):
    with LocalBot(Settings(KAM_DATABASE_URL=customer_db)) as local:
        base = local.server.url
        before = get(base + "/metrics")[1]
        card = local.driver.slash_command(REP, CUSTOMER.lower())
        assert card.status == 200 and CUSTOMER in json.dumps(card.json)  # the name really went through the bot

        bodies = {path: get(base + path) for path in ("/healthz", "/readyz", "/metrics")}
        assert bodies["/healthz"] == (200, "ok\n")
        assert bodies["/readyz"] == (200, "ready\n")
        status, metrics = bodies["/metrics"]
        assert status == 200
        counted = dict(surface="command", command="kam account", status="200")
        assert sample(metrics, "kam_slack_requests_total", **counted) == sample(
            before, "kam_slack_requests_total", **counted) + 1
        for path, (_, body) in bodies.items():
            assert CUSTOMER not in body and CUSTOMER.lower() not in body, path
            assert REP not in body, path


def test_not_ready_on_a_database_without_the_schema(tmp_path):
    with LocalBot(Settings(KAM_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")) as local:
        status, body = get(local.server.url + "/readyz")
        assert (status, body) == (503, "database not migrated: run kam db upgrade\n")
        assert get(local.server.url + "/healthz")[0] == 200  # alive: restarting it would not help


def test_not_ready_while_migrations_are_pending_and_ready_on_a_newer_releases_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    engine = make_engine(url)
    first = ScriptDirectory.from_config(alembic_config(url)).get_base()
    upgrade(engine, first)
    with LocalBot(Settings(KAM_DATABASE_URL=url)) as local:
        assert get(local.server.url + "/readyz") == (503, "database migrations pending: run kam db upgrade\n")
        upgrade(engine)
        assert get(local.server.url + "/readyz") == (200, "ready\n")
        # A later release migrated first (rolling upgrade): this release keeps serving.
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_release'"))
        assert get(local.server.url + "/readyz") == (200, "ready\n")
    engine.dispose()


def test_not_ready_when_the_database_is_unreachable_and_the_error_is_counted(tmp_path):
    url = f"postgresql+psycopg://kam:pw-SECRET@127.0.0.1:{closed_port()}/kam"
    with LocalBot(Settings(KAM_DATABASE_URL=url)) as local:
        errors = sample(get(local.server.url + "/metrics")[1], "kam_database_errors_total", error="OperationalError")
        status, body = get(local.server.url + "/readyz")
        assert (status, body) == (503, "database unreachable\n")
        metrics = get(local.server.url + "/metrics")[1]
        assert sample(metrics, "kam_database_errors_total", error="OperationalError") == errors + 1
        assert "pw-SECRET" not in metrics and "127.0.0.1" not in body


def test_slack_api_errors_retries_and_deliveries_are_counted(tmp_path):
    with LocalBot(Settings(KAM_DATABASE_URL=f"sqlite:///{tmp_path / 'kam.db'}")) as local:
        metrics_url = local.server.url + "/metrics"
        before = get(metrics_url)[1]
        client = web_client(local.settings)

        local.slack.fail_next("chat.postMessage", "channel_not_found")
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C0GENERAL", text="hello")
        local.slack.rate_limit_next("chat.postMessage", retry_after=1)
        assert client.chat_postMessage(channel="C0GENERAL", text="hello")["ok"]  # waited, retried, sent
        record_delivery("digest", "sent")
        record_delivery("reminder", "failed")

        after = get(metrics_url)[1]

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("kam_slack_api_errors_total", method="chat.postMessage", error="channel_not_found") == 1
    assert grew("kam_slack_api_errors_total", method="chat.postMessage", error="ratelimited") == 1
    assert grew("kam_slack_api_retries_total", method="chat.postMessage", reason="ratelimited") == 1
    assert grew("kam_deliveries_total", kind="digest", outcome="sent") == 1
    assert grew("kam_deliveries_total", kind="reminder", outcome="failed") == 1


def test_the_scheduler_serves_its_metrics_on_its_own_port(monkeypatch):
    monkeypatch.delenv("KAM_METRICS_PORT", raising=False)
    assert start_metrics_server() is None  # not configured: nothing listens
    port = closed_port()
    server = start_metrics_server(port)
    try:
        record_delivery("reminder", "sent")
        status, body = get(f"http://127.0.0.1:{port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200 and sample(body, "kam_deliveries_total", kind="reminder", outcome="sent") >= 1
