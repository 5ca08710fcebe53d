"""Readiness: the database answers and its schema is one this code can run on. Answers carry a short
reason for the operator and nothing from the data."""

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from kam_core import schema


@cache
def _revisions() -> tuple[str | None, frozenset[str]]:
    script = ScriptDirectory.from_config(schema.alembic_config("sqlite://"))
    return script.get_current_head(), frozenset(s.revision for s in script.walk_revisions())


def not_ready(engine: Engine) -> str | None:
    """None when ready, else why not (one line).

    A revision this code does not know is a newer release's: during a rolling upgrade the migration
    runs first and the pods still on the previous release keep serving (migrations stay compatible
    with the release before them; docs/setup.md, Upgrade)."""
    try:
        revision = schema.current_revision(engine)
    except Exception:  # noqa: BLE001 - any failure to reach the database means not ready
        return "database unreachable"
    head, known = _revisions()
    if revision is None:
        return "database not migrated: run kam db upgrade"
    if revision != head and revision in known:
        return "database migrations pending: run kam db upgrade"
    return None
