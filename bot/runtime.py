"""The pieces every entry point needs, built once from settings."""

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.observability.context import ContextExecutor
from bot.settings import Settings
from kam_core.db import make_engine, make_sessionmaker, read_only_sessions
from kam_core.policy import Policy


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url, busy_timeout_ms=self.settings.sqlite_busy_timeout_ms)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        """For requests that only read (the card, deals, plan, my accounts)."""
        return read_only_sessions(self.engine)

    @cached_property
    def background(self) -> ContextExecutor:
        """Listeners' work after Slack has its answer (handlers.background)."""
        return ContextExecutor(max_workers=8, thread_name_prefix="kam-after-ack")

    def close(self) -> None:
        if "background" in self.__dict__:
            self.background.shutdown(wait=True)
        if "engine" in self.__dict__:
            self.engine.dispose()

    @property
    def policy(self) -> Policy:
        return self.settings.policy
