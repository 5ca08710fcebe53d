"""The app's installation per workspace: paused on app_uninstalled / tokens_revoked, resumed when a
token for that workspace works again (a reinstall). Every change is audited."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.installation.models import Installation

SLACK = Actor.system("slack")


def pause(session: Session, *, team_id: str, reason: str, now: datetime | None = None) -> bool:
    """Mark the workspace uninstalled; True when it was not already."""
    found = session.get(Installation, team_id, with_for_update=True)
    if found is not None and not found.active:
        return False
    if found is None:
        found = Installation(team_id=team_id)
        session.add(found)
    found.active, found.reason, found.changed_at = False, reason, now or utcnow()
    session.flush()
    record(session, actor=SLACK, action="pause_installation", entity="installation", entity_id=None,
           changes={"team_id": team_id, "reason": reason})
    return True


def resume(session: Session, *, team_id: str, now: datetime | None = None) -> bool:
    """A working token for the workspace was seen: True when it had been paused."""
    found = session.get(Installation, team_id, with_for_update=True)
    if found is None or found.active:
        return False
    found.active, found.reason, found.changed_at = True, None, now or utcnow()
    session.flush()
    record(session, actor=SLACK, action="resume_installation", entity="installation", entity_id=None,
           changes={"team_id": team_id})
    return True


def paused(session: Session) -> list[Installation]:
    return list(session.scalars(select(Installation).where(Installation.active.is_(False))
                                .order_by(Installation.team_id)))
