"""Structured logs: JSON lines in production (KAM_LOG_FORMAT=json), readable lines in development.

Every record, ours or a library's (bolt, slack_sdk, SQLAlchemy, gunicorn), goes through one
formatter that adds the request's correlation id and then redacts: Slack tokens anywhere in the
text, database URL passwords, the values SQLAlchemy and PostgreSQL quote in error messages (the
parameters of a failed statement can be a note a rep typed or a customer's name), and the values
of fields named like secrets or user text. Slack's and SQLAlchemy's own debug logs print request
bodies and statement parameters, so they are kept at INFO / WARNING even when KAM_LOG_LEVEL=DEBUG.
"""

import logging
import logging.config
import os
import re
import sys
from typing import Any, TextIO

import structlog

from bot.observability.context import current

FORMATS = ("json", "console")
REDACTED = "[redacted]"
SECRET_FIELDS = frozenset({
    "token", "bot_token", "app_token", "slack_bot_token", "slack_app_token", "signing_secret",
    "slack_signing_secret", "client_secret", "secret", "password", "authorization", "x-slack-signature",
    "text", "note", "notes", "next_step", "body", "payload",
})
TOKEN = re.compile(r"\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")
URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
STATEMENT_VALUES = re.compile(r"^(\[parameters:|DETAIL:).*$", re.MULTILINE)
# Minimum levels for loggers that print request bodies or statement parameters when more verbose.
QUIET_LOGGERS = {"slack_bolt": logging.INFO, "slack_sdk": logging.INFO, "kam.bolt": logging.INFO,
                 "sqlalchemy": logging.WARNING, "urllib3": logging.INFO,
                 "alembic.runtime": logging.WARNING}  # its per-connection chatter on every /readyz


def redact_text(text: str) -> str:
    text = TOKEN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)
    text = URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
    return STATEMENT_VALUES.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: REDACTED if str(k).lower() in SECRET_FIELDS and v else _redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v) for v in value]
    return value


def redact(_logger, _name, event_dict: dict) -> dict:
    """structlog processor: no token, password, statement value or user text leaves the process."""
    return _redact(event_dict)


def add_correlation_id(_logger, _name, event_dict: dict) -> dict:
    info = current()
    if info is not None:
        event_dict.setdefault("correlation_id", info.correlation_id)
    return event_dict


SHARED = [add_correlation_id, structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name,
          structlog.processors.TimeStamper(fmt="iso", utc=True)]


def chosen_format(fmt: str | None = None) -> str:
    fmt = (fmt or os.environ.get("KAM_LOG_FORMAT") or "console").strip().lower()
    if fmt not in FORMATS:
        raise SystemExit(f"KAM_LOG_FORMAT must be json or console, not {fmt!r}.")
    return fmt


def chosen_level(level: str | None = None) -> int:
    name = (level or os.environ.get("KAM_LOG_LEVEL") or "INFO").strip().upper()
    if not isinstance(logging.getLevelName(name), int):
        raise SystemExit(f"KAM_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {name!r}.")
    return logging.getLevelName(name)


def _renderer(fmt: str, stream: TextIO | str):
    if fmt == "json":
        return structlog.processors.JSONRenderer()
    colors = not isinstance(stream, str) and hasattr(stream, "isatty") and stream.isatty()
    return structlog.dev.ConsoleRenderer(colors=colors, exception_formatter=structlog.dev.plain_traceback)


def logging_config(fmt: str | None = None, level: str | None = None,
                   stream: TextIO | str = "ext://sys.stderr") -> dict:
    """A logging.config.dictConfig dict (also gunicorn's logconfig_dict): one handler on the root logger,
    gunicorn's error log through it, its access log off (the bot writes its own line per request)."""
    fmt, lvl = chosen_format(fmt), chosen_level(level)
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                       structlog.processors.format_exc_info, redact,
                       _renderer(fmt, sys.stderr if stream == "ext://sys.stderr" else stream)],
    }
    quiet = {name: {"level": logging.getLevelName(max(lvl, floor))} for name, floor in QUIET_LOGGERS.items()}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"kam": formatter},
        "handlers": {"kam": {"class": "logging.StreamHandler", "formatter": "kam", "stream": stream}},
        "root": {"level": logging.getLevelName(lvl), "handlers": ["kam"]},
        "loggers": {
            **quiet,
            "gunicorn.error": {"level": logging.getLevelName(lvl), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def configure_logging(fmt: str | None = None, level: str | None = None,
                      stream: TextIO | str = "ext://sys.stderr") -> dict:
    """Set up structlog and the standard library's logging for this process; returns the dictConfig."""
    global _configured
    config = logging_config(fmt, level, stream)
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    logging.config.dictConfig(config)
    _configured = True
    return config


def configure_once() -> None:
    """For entry points that may already be configured (gunicorn's config file runs first)."""
    if not _configured:
        configure_logging()


def get_logger(name: str):
    return structlog.stdlib.get_logger(name)


def use_library_defaults() -> None:
    """Before configure_logging (tests, `kam chat`): structlog hands its lines, redacted, to the standard
    library's logging as key=value text, so they go wherever (and only where) that is set up to send them."""
    global _configured
    structlog.configure(
        processors=[add_correlation_id, structlog.processors.format_exc_info, redact,
                    structlog.processors.KeyValueRenderer(key_order=["event"])],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    _configured = False


_configured = False
if not structlog.is_configured():
    use_library_defaults()
