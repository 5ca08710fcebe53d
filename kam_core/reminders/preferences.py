"""Each person turns each kind of reminder on or off and picks its local hour (audited)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.delivery.models import NotificationPreference
from kam_core.delivery.service import set_preference
from kam_core.errors import Forbidden, InvalidInput
from kam_core.reminders.schemas import KINDS, Kind, ReminderSetting
from kam_core.scheduling import DEFAULT_HOUR


def kind_named(name: str) -> Kind:
    try:
        return Kind(name.strip().lower())
    except ValueError:
        raise InvalidInput(field="reminder", problem="unknown_reminder", name=name,
                           kinds=[kind.value for kind in KINDS]) from None


def reminder_settings(session: Session, *, actor: Actor) -> list[ReminderSetting]:
    person_id = _person(actor)
    prefs = {p.kind: p for p in session.scalars(select(NotificationPreference).where(
        NotificationPreference.person_id == person_id, NotificationPreference.kind.in_([k.value for k in KINDS])))}
    return [_setting(kind, prefs.get(kind.value)) for kind in KINDS]


def set_reminders(session: Session, *, actor: Actor, kinds: list[Kind], enabled: bool | None = None,
                  hour: int | None = None) -> list[ReminderSetting]:
    """Change the actor's own reminders; returns all their settings as they now stand."""
    person_id = _person(actor)
    if hour is not None and not 0 <= hour <= 23:
        raise InvalidInput(field="hour", problem="not_an_hour", hour=hour)
    for kind in kinds:
        pref = set_preference(session, person_id=person_id, kind=kind.value, enabled=enabled, hour=hour)
        record(session, actor=actor, action="set_reminder", entity="person", entity_id=person_id,
               changes={"kind": kind.value, "enabled": pref.enabled, "hour": pref.hour})
    return reminder_settings(session, actor=actor)


def _person(actor: Actor) -> int:
    if actor.person_id is None:
        raise Forbidden(action="change_reminders_without_a_person")
    return actor.person_id


def _setting(kind: Kind, pref: NotificationPreference | None) -> ReminderSetting:
    return ReminderSetting(kind=kind, enabled=pref.enabled if pref else True,
                           hour=pref.hour if pref and pref.hour is not None else DEFAULT_HOUR)
