"""Shared by the security tests: one real bot per module (module-scoped, for speed) on a fresh,
migrated database, and counts of everything a listener could leave behind."""

from contextlib import contextmanager

from sqlalchemy import func, select

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from kam_core.audit.models import AuditEntry
from kam_core.db import make_engine
from kam_core.interactions.models import Interaction
from kam_core.schema import upgrade
from tests.conftest import drop_database, fresh_database_url


@contextmanager
def bot_on_fresh_db(directory, *, backend: str = "sqlite", process_before_response: bool = False, **settings):
    url = fresh_database_url(backend, directory)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        with LocalBot(Settings(KAM_DATABASE_URL=url, **settings),
                      process_before_response=process_before_response) as bot:
            yield bot
    finally:
        drop_database(url)


def traces(local) -> tuple[int, int, int]:
    """(interactions, audit entries, Web API / response_url calls): what any listener that ran leaves."""
    with local.runtime.sessions() as session:
        interactions = session.scalar(select(func.count()).select_from(Interaction))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return interactions, audits, local.slack.mark()
