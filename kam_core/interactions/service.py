"""Logging what happened with a customer, and the follow-ups it creates."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Contact
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.enums import FollowUpStatus, InteractionKind, Sentiment, Source
from kam_core.errors import AlreadyRemoved, Conflict, Forbidden, InvalidInput, NotFound, TextTooLong
from kam_core.interactions.models import MAX_TEXT, FollowUp, Interaction
from kam_core.interactions.schemas import ContactChoice, FollowUpView, InteractionView, LogTarget
from kam_core.permissions import Action
from kam_core.policy import Policy


# Sanity limits for dates people type or pick: past these, it is a typo (2062 for 2026), not a plan.
FOLLOW_UP_YEARS = 2
HISTORY_YEARS = 10


def too_far_ahead(day: date, today: date) -> bool:
    return day > today + relativedelta(years=FOLLOW_UP_YEARS)


def too_long_ago(day: date, today: date) -> bool:
    return day < today - relativedelta(years=HISTORY_YEARS)


def log_interaction(
    session: Session, *, actor: Actor, policy: Policy, account_id: int, text: str, source: Source,
    kind: InteractionKind = InteractionKind.note, occurred_at: datetime | None = None,
    sentiment: Sentiment | None = None, next_step: str | None = None, follow_up_on: date | None = None,
    contact_ids: Sequence[int] = (), opportunity_id: int | None = None, permalink: str | None = None,
    idempotency_key: str | None = None, now: datetime | None = None, today: date | None = None,
) -> InteractionView:
    """Store an interaction once (a retry with the same idempotency key returns
    the stored one) and, with a follow-up date, the follow-up task. `today` is
    the author's local date (defaults to UTC's), against which dates are checked."""
    if idempotency_key and (stored := _by_key(session, idempotency_key)):
        return _view(stored, created=False)
    # NUL cannot be stored in PostgreSQL text (and is never meant): dropped, not an error.
    text = (text or "").replace("\x00", "").strip()
    next_step = next_step.replace("\x00", "") if next_step else next_step
    if not text:
        raise InvalidInput(field="note", problem="the note is empty; write what happened")
    if len(text) > MAX_TEXT:
        raise TextTooLong(length=len(text), limit=MAX_TEXT)
    if next_step and len(next_step) > 500:
        raise InvalidInput(field="next step", problem="keep the next step under 500 characters")
    now = now or utcnow()
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise InvalidInput(field="when", problem="an interaction cannot happen in the future")
    if follow_up_on and follow_up_on < (today or now.date()):
        raise InvalidInput(field="follow-up date", problem=f"{follow_up_on} is in the past; pick today or later")
    if follow_up_on and too_far_ahead(follow_up_on, today or now.date()):
        raise InvalidInput(field="follow-up date", problem=f"{follow_up_on} is more than {FOLLOW_UP_YEARS} years "
                                                           "ahead; pick a nearer date")
    if too_long_ago(occurred_at.date(), (today or now.date())):
        raise InvalidInput(field="when", problem=f"{occurred_at.date()} is more than {HISTORY_YEARS} years ago; "
                                                 "pick a later date")
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy,
                              action=Action.log_interaction)
    contacts = _contacts_of(session, account.id, contact_ids)
    interaction = Interaction(
        account_id=account.id, kind=kind, occurred_at=occurred_at, author_id=actor.person_id, text=text,
        sentiment=sentiment, next_step=next_step, follow_up_on=follow_up_on, source=source, permalink=permalink,
        idempotency_key=idempotency_key, created_at=now, contacts=contacts,
    )
    follow_up = None
    if follow_up_on:
        follow_up = FollowUp(owner_id=actor.person_id or account.owner_id, account_id=account.id,
                             opportunity_id=opportunity_id, interaction=interaction,
                             title=next_step or f"Follow up on the {kind.value}", due_on=follow_up_on)
    for contact in contacts:
        if contact.last_contacted_at is None or contact.last_contacted_at < occurred_at:
            contact.last_contacted_at = occurred_at
    try:
        with session.begin_nested():
            session.add(interaction)
            if follow_up:
                session.add(follow_up)
            session.flush()
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its row.
        if idempotency_key and (stored := _by_key(session, idempotency_key)):
            return _view(stored, created=False)
        raise
    record(session, actor=actor, action="log_interaction", entity="interaction", entity_id=interaction.id,
           changes={"account_id": account.id, "kind": kind, "source": source, "follow_up_on": follow_up_on})
    return _view(interaction, follow_up=follow_up)


def open_follow_ups(session: Session, *, actor: Actor, due_by: date | None = None) -> list[FollowUpView]:
    """The actor's open follow-ups, oldest due first."""
    query = (select(FollowUp).where(FollowUp.owner_id == actor.person_id, FollowUp.status == FollowUpStatus.open)
             .options(joinedload(FollowUp.account), joinedload(FollowUp.owner)))
    if due_by:
        query = query.where(FollowUp.due_on <= due_by)
    return [follow_up_view(f) for f in session.scalars(query.order_by(FollowUp.due_on, FollowUp.id))]


def complete_follow_up(session: Session, *, actor: Actor, follow_up_id: int, expected_version: int | None = None,
                       now: datetime | None = None) -> FollowUpView:
    follow_up = _changeable_follow_up(session, actor=actor, follow_up_id=follow_up_id,
                                      expected_version=expected_version, action="complete_follow_up")
    if follow_up.status == FollowUpStatus.done:
        return follow_up_view(follow_up)
    follow_up.status = FollowUpStatus.done
    follow_up.completed_at = now or utcnow()
    session.flush()
    record(session, actor=actor, action="complete_follow_up", entity="follow_up", entity_id=follow_up.id)
    return follow_up_view(follow_up)


def snooze_follow_up(session: Session, *, actor: Actor, follow_up_id: int, days: int, now: datetime,
                     today: date | None = None, expected_version: int | None = None) -> FollowUpView:
    """Put an open follow-up off: due `days` after the later of its due date and today (the
    actor's today when given), so snoozing an overdue one makes it due tomorrow, not in the past."""
    if days < 1:
        raise InvalidInput(field="snooze", problem="snooze by at least one day")
    follow_up = _changeable_follow_up(session, actor=actor, follow_up_id=follow_up_id,
                                      expected_version=expected_version, action="snooze_follow_up")
    if follow_up.status == FollowUpStatus.done:
        return follow_up_view(follow_up)
    previous = follow_up.due_on
    follow_up.due_on = max(previous, today or now.date()) + timedelta(days=days)
    session.flush()
    record(session, actor=actor, action="snooze_follow_up", entity="follow_up", entity_id=follow_up.id,
           changes={"due_on": [previous, follow_up.due_on]})
    return follow_up_view(follow_up)


def _changeable_follow_up(session: Session, *, actor: Actor, follow_up_id: int, expected_version: int | None,
                          action: str) -> FollowUp:
    """The follow-up, when the actor may change it (its owner, the account's owner,
    an admin); a done one is returned as is, a stale version is a Conflict."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(what="follow-up", name=str(follow_up_id))
    if actor.role != "admin" and actor.person_id not in {follow_up.owner_id, follow_up.account.owner_id}:
        raise Forbidden(action=action)
    if follow_up.status != FollowUpStatus.done and expected_version not in (None, follow_up.version):
        raise Conflict(what="follow-up", changed_by="someone")
    return follow_up


def follow_up_view(f: FollowUp) -> FollowUpView:
    return FollowUpView(id=f.id, account_id=f.account_id, account_name=f.account.name, title=f.title,
                        due_on=f.due_on, status=f.status, owner_name=f.owner.name if f.owner else None,
                        version=f.version)


def _by_key(session: Session, key: str) -> Interaction | None:
    return session.scalar(select(Interaction).where(Interaction.idempotency_key == key))


def _contacts_of(session: Session, account_id: int, contact_ids: Sequence[int]) -> list[Contact]:
    if not contact_ids:
        return []
    contacts = session.scalars(select(Contact).where(Contact.id.in_(contact_ids))).all()
    if len(contacts) != len(set(contact_ids)) or any(c.account_id != account_id for c in contacts):
        raise InvalidInput(field="contacts", problem="pick contacts of this account")
    return list(contacts)


def _view(interaction: Interaction, *, follow_up: FollowUp | None = None, created: bool = True) -> InteractionView:
    if follow_up is None and interaction.follow_up_on:
        follow_up = next(iter(_follow_ups_of(interaction)), None)
    return InteractionView(
        id=interaction.id, account_id=interaction.account_id, account_name=interaction.account.name,
        kind=interaction.kind, occurred_at=interaction.occurred_at,
        author_name=interaction.author.name if interaction.author else None, text=interaction.text,
        sentiment=interaction.sentiment, next_step=interaction.next_step, source=interaction.source,
        follow_up=follow_up_view(follow_up) if follow_up else None, created=created,
    )


def _follow_ups_of(interaction: Interaction) -> list[FollowUp]:
    session = Session.object_session(interaction)
    return list(session.scalars(select(FollowUp).where(FollowUp.interaction_id == interaction.id)))


UNDO_WINDOW = timedelta(hours=1)
# A form lists at most this many contacts (Slack's static select holds 100 options).
FORM_CONTACTS = 100


def undo_interaction(session: Session, *, actor: Actor, interaction_id: int, now: datetime) -> InteractionView:
    """The author takes back a note within an hour: the interaction and the follow-up it created go.
    A second Undo of the same note (a double tap) waits for the first and then finds the note gone."""
    session.execute(select(Interaction.id).where(Interaction.id == interaction_id).with_for_update())
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:
        removed = session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "undo_interaction", AuditEntry.entity == "interaction",
            AuditEntry.entity_id == interaction_id))
        raise (AlreadyRemoved if removed else NotFound)(what="note", name=f"#{interaction_id}")
    if actor.person_id is None or interaction.author_id != actor.person_id:
        raise Forbidden(action="undo_interaction")
    if now - interaction.created_at > UNDO_WINDOW:
        raise InvalidInput(field="undo", problem="a note can be removed within an hour of saving it; "
                                                 "this one is older, ask an admin")
    view = _view(interaction)
    follow_ups = _follow_ups_of(interaction)
    for follow_up in follow_ups:
        session.delete(follow_up)
    session.delete(interaction)
    session.flush()
    record(session, actor=actor, action="undo_interaction", entity="interaction", entity_id=interaction_id,
           changes={"account_id": view.account_id, "follow_ups_removed": [f.id for f in follow_ups]})
    return view


def log_target(session: Session, *, actor: Actor, policy: Policy, account_id: int) -> LogTarget:
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy,
                              action=Action.log_interaction)
    contacts = session.scalars(select(Contact).where(Contact.account_id == account.id)
                               .order_by(Contact.name, Contact.id).limit(FORM_CONTACTS))
    return LogTarget(account_id=account.id, account_name=account.name,
                     contacts=[ContactChoice(id=c.id, name=c.name, title=c.title) for c in contacts])
