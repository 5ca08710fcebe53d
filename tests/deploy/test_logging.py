"""Logs: one structured line per Slack request; no token, secret or note text ever, even at DEBUG and even
when a failing statement's parameters hold the note; an unexpected error's reference is the request's id."""

import io
import json
import logging

import pytest
import structlog
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from bot.emulator.local_bot import LocalBot
from bot.observability.logging import configure_logging, get_logger, use_library_defaults
from bot.settings import Settings
from kam_core.db import make_engine
from tests.deploy.conftest import ACCOUNT, REP

NOTE = "Met the CFO, budget is 1.2M, do not tell procurement"


@pytest.fixture
def json_logs():
    """This process's logging as in production (JSON, and DEBUG to see everything), restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    stream = io.StringIO()
    configure_logging("json", "DEBUG", stream)
    yield stream
    use_library_defaults()
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_line_per_request_with_surface_command_user_latency_and_correlation_id(seeded_sqlite, json_logs):
    with LocalBot(Settings(KAM_DATABASE_URL=seeded_sqlite)) as local:
        assert local.driver.slash_command(REP, "acme").status == 200
        assert local.driver.shortcut(REP, "kam.log_shortcut").status == 200
        assert local.driver.raw("command=%2Fkam&text=acme", signature="wrong").status == 401

    requests = [line for line in lines(json_logs) if line["event"] == "slack_request"]
    assert [(r["surface"], r["command"], r["user_id"], r["status"]) for r in requests] == [
        ("command", "kam account", REP, 200), ("shortcut", "kam.log_shortcut", REP, 200),
        ("unknown", "-", "-", 401)]
    assert all(isinstance(r["latency_ms"], float) and r["level"] in ("info", "warning") for r in requests)
    assert len({r["correlation_id"] for r in requests}) == 3


def test_a_note_and_the_tokens_never_reach_the_logs_even_when_saving_it_fails(seeded_sqlite, json_logs):
    # The database refuses the note, so the failing INSERT (with the note among its parameters) is logged.
    engine = make_engine(seeded_sqlite)
    with engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON interactions "
                                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"))
    engine.dispose()
    with LocalBot(Settings(KAM_DATABASE_URL=seeded_sqlite)) as local:
        answer = local.driver.slash_command(REP, f"log {ACCOUNT}: {NOTE}")
        secrets = (local.slack.bot_token, local.signing_secret)

    assert answer.status == 200
    shown = json.dumps(answer.json)
    assert NOTE in shown  # given back to the rep, not lost
    logged = json_logs.getvalue()
    failures = [line for line in lines(json_logs) if line["level"] == "error"]
    assert failures and "refused by test trigger" in logged  # the failure itself is in the log
    request = next(line for line in lines(json_logs) if line["event"] == "slack_request")
    assert f"`{request['correlation_id']}`" in shown  # the reference the rep quotes finds the log lines
    assert all(line.get("correlation_id") == request["correlation_id"] for line in failures)
    assert NOTE not in logged and "budget is 1.2M" not in logged
    for secret in secrets:
        assert secret not in logged


def test_redaction_of_tokens_urls_statement_values_and_secret_fields(json_logs):
    log = get_logger("kam.test")
    log.info("posting with xoxb-1234-5678-abcdef and xapp-1-A0-99-ffff", token="xoxp-9-9-9",
             url="postgresql+psycopg://kam:hunter2@db:5432/kam", text=NOTE, signing_secret="8f14e45f")
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": NOTE})
    with pytest.raises(IntegrityError) as failure, engine.begin() as connection:
        connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": NOTE})
    logging.getLogger("kam.handlers").error("unexpected: %s", failure.value, exc_info=failure.value)

    logged = json_logs.getvalue()
    for secret in ("1234-5678-abcdef", "A0-99-ffff", "xoxp-9", "hunter2", NOTE, "8f14e45f"):
        assert secret not in logged
    first = lines(json_logs)[0]
    assert first["event"] == "posting with xoxb-[redacted] and xapp-[redacted]"
    assert first["url"] == "postgresql+psycopg://kam:[redacted]@db:5432/kam"
    assert "UNIQUE constraint failed" in logged and "[parameters: [redacted]" in logged


def test_development_logs_are_readable_lines(tmp_path):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("console", "INFO", stream)
        get_logger("kam.request").info("slack_request", surface="command", command="kam mine", latency_ms=12.5)
    finally:
        use_library_defaults()
        root.handlers[:], root.level = saved
    line = stream.getvalue()
    assert "slack_request" in line and "command='kam mine'" in line and not line.startswith("{")
    assert structlog.is_configured()
