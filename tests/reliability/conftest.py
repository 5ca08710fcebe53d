"""The end-to-end fixtures of tests/handlers: the real bot over HTTP, FakeSlack, SQLite and PostgreSQL."""

from tests.handlers.conftest import driver, local, slack, world  # noqa: F401 - fixtures for this folder
