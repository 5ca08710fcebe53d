"""Logging what happened with a customer, and the follow-ups it creates."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, joinedload

from kam_core.accounts.access import require_visible, visible_account
from kam_core.accounts.models import Account, Contact
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.audit.service import record
from kam_core.base import as_date
from kam_core.clock import utcnow
from kam_core.enums import FollowUpStatus, InteractionKind, Sentiment, Source
from kam_core.errors import AlreadyRemoved, Conflict, Forbidden, Invalid, InvalidInput, NotFound, TextTooLong
from kam_core.interactions.models import MAX_TEXT, FollowUp, Interaction, interaction_contacts
from kam_core.interactions.schemas import ContactChoice, FollowUpView, InteractionView, LogTarget
from kam_core.people.models import Person
from kam_core.permissions import Action, may_change_follow_up, require
from kam_core.policy import Policy
from kam_core.sqljson import json_row, row_of


# Sanity limits for dates people type or pick: past these, it is a typo (2062 for 2026), not a plan.
FOLLOW_UP_YEARS = 2
HISTORY_YEARS = 10
MAX_NEXT_STEP = 500


def too_far_ahead(day: date, today: date) -> bool:
    return day > today + relativedelta(years=FOLLOW_UP_YEARS)


def too_long_ago(day: date, today: date) -> bool:
    return day < today - relativedelta(years=HISTORY_YEARS)


def note_text(text: str | None) -> str:
    """A note as it is stored: trimmed, and without NUL (PostgreSQL text cannot hold it, and it is
    never meant: dropped, not an error)."""
    return (text or "").replace("\x00", "").strip()


def check_text(text: str | None) -> None:
    """The one length rule for a note (MAX_TEXT characters, counted as stored): TextTooLong, whose
    field is "text", past it."""
    text = note_text(text)
    if len(text) > MAX_TEXT:
        raise TextTooLong(length=len(text), limit=MAX_TEXT)


def check_log(*, account_id: int | None, text: str | None, occurred_on: date | None, follow_up_on: date | None,
              today: date, next_step: str | None = None) -> None:
    """Every problem of a note about to be logged, at once, as Invalid: each an InvalidInput naming its
    input ("account", "text", "next_step", "occurred_on", "follow_up_on"). Nothing when it can be saved.
    `today` is the author's local date. log_interaction applies the same rules."""
    problems = _problems(account_id=account_id, text=text, next_step=next_step, occurred_on=occurred_on,
                         follow_up_on=follow_up_on, today=today)
    if problems:
        raise Invalid(problems)


def _problems(*, account_id: int | None, text: str | None, next_step: str | None, occurred_on: date | None,
              follow_up_on: date | None, today: date, ahead: bool | None = None) -> list[InvalidInput]:
    """`ahead`: whether the moment it happened is still to come (by default: occurred_on is after today)."""
    problems: list[InvalidInput] = []
    if account_id is None:
        problems.append(InvalidInput(field="account", problem="no_account"))
    if not note_text(text):
        problems.append(InvalidInput(field="text", problem="empty_note"))
    try:
        check_text(text)
    except TextTooLong as too_long:
        problems.append(too_long)
    if next_step and len(next_step) > MAX_NEXT_STEP:
        problems.append(InvalidInput(field="next_step", problem="next_step_too_long", limit=MAX_NEXT_STEP))
    if ahead is None:
        ahead = occurred_on is not None and occurred_on > today
    if ahead:
        problems.append(InvalidInput(field="occurred_on", problem="date_in_future"))
    elif occurred_on and too_long_ago(occurred_on, today):
        problems.append(InvalidInput(field="occurred_on", problem="date_long_ago", years=HISTORY_YEARS))
    if follow_up_on and follow_up_on < today:
        problems.append(InvalidInput(field="follow_up_on", problem="follow_up_in_past"))
    elif follow_up_on and too_far_ahead(follow_up_on, today):
        problems.append(InvalidInput(field="follow_up_on", problem="follow_up_far_ahead", years=FOLLOW_UP_YEARS))
    return problems


def log_interaction(
    session: Session, *, actor: Actor, policy: Policy, account_id: int, text: str, source: Source,
    kind: InteractionKind = InteractionKind.note, occurred_at: datetime | None = None,
    sentiment: Sentiment | None = None, next_step: str | None = None, follow_up_on: date | None = None,
    contact_ids: Sequence[int] = (), opportunity_id: int | None = None, permalink: str | None = None,
    idempotency_key: str | None = None, now: datetime | None = None, today: date | None = None,
    follow_up_title: str | None = None,
) -> InteractionView:
    """`follow_up_title`: the follow-up's title when there is no next step, as the rep reads it (their
    language; the Slack handlers word it from templates).

    Store an interaction once (a retry with the same idempotency key returns
    the stored one) and, with a follow-up date, the follow-up task. `today` is
    the author's local date (defaults to UTC's), against which dates are checked
    (check_log's rules): a problem is raised as it is, several as Invalid."""
    target = session.execute(_TARGET, {"account_id": account_id, "key": idempotency_key,
                                       "author_id": actor.person_id}).first()
    stored_id = target.stored_id if target else _key_id(session, idempotency_key)
    if stored_id is not None:
        return _stored_view(session, stored_id)
    text = note_text(text)
    next_step = next_step.replace("\x00", "") if next_step else next_step
    now = now or utcnow()
    occurred_at = occurred_at or now
    problems = _problems(account_id=account_id, text=text, next_step=next_step, occurred_on=occurred_at.date(),
                         follow_up_on=follow_up_on, today=today or now.date(), ahead=occurred_at > now)
    if problems:
        raise problems[0] if len(problems) == 1 else Invalid(problems)
    if target is None:
        raise NotFound(what="account", name=str(account_id))
    require_visible(actor, policy=policy, owner_id=target.owner_id, owner_team=target.owner_team,
                    owner_manager_id=target.owner_manager_id, action=Action.log_interaction)
    contacts = _contacts_of(session, target.id, contact_ids)
    # No savepoint: a key already stored (a retry that raced this one, which PostgreSQL waits for) makes
    # the insert do nothing rather than fail, and the note stored under it is the answer.
    interaction_id = session.execute(_insert_once(session).values(
        account_id=target.id, kind=kind, occurred_at=occurred_at, author_id=actor.person_id, text=text,
        sentiment=sentiment, next_step=next_step, follow_up_on=follow_up_on, source=source, permalink=permalink,
        idempotency_key=idempotency_key, created_at=now)).scalar()
    if interaction_id is None:
        stored_id = _key_id(session, idempotency_key)
        if stored_id is None:  # stored and taken back (Undo) between the two statements
            raise Conflict(what="note", changed_by="someone")
        return _stored_view(session, stored_id)
    if contacts:
        session.execute(insert(interaction_contacts), [{"interaction_id": interaction_id, "contact_id": c.id}
                                                        for c in contacts])
    touched = [c for c in contacts if c.last_contacted_at is None or c.last_contacted_at < occurred_at]
    for contact in touched:
        contact.last_contacted_at = occurred_at
    if touched:
        session.flush()
    follow_up = None
    if follow_up_on:
        title = next_step or follow_up_title or f"Follow up on the {kind.value}"
        follow_up_id = session.execute(insert(_FOLLOW_UPS).values(
            owner_id=actor.person_id or target.owner_id, account_id=target.id, opportunity_id=opportunity_id,
            interaction_id=interaction_id, title=title, due_on=follow_up_on).returning(_FOLLOW_UPS.c.id)).scalar_one()
        follow_up = FollowUpView(id=follow_up_id, account_id=target.id, account_name=target.name, title=title,
                                 due_on=follow_up_on, status=FollowUpStatus.open, version=1,
                                 owner_name=target.author_name if actor.person_id else target.owner_name)
    record(session, actor=actor, action="log_interaction", entity="interaction", entity_id=interaction_id,
           changes={"account_id": target.id, "kind": kind, "source": source, "follow_up_on": follow_up_on})
    return InteractionView(
        id=interaction_id, account_id=target.id, account_name=target.name, kind=kind, occurred_at=occurred_at,
        author_name=target.author_name, text=text, sentiment=sentiment, next_step=next_step, source=source,
        follow_up=follow_up)


# What logging a note reads, in one statement: the account with what its visibility check needs, the
# author's name, and the note already stored under the submission's key (a retry or a double tap), if any.
_Owner = aliased(Person, name="owner")
_Author = aliased(Person, name="author")
_TARGET = (select(Account.id, Account.name, Account.owner_id, _Owner.name.label("owner_name"),
                  _Owner.team.label("owner_team"), _Owner.manager_id.label("owner_manager_id"),
                  select(_Author.name).where(_Author.id == bindparam("author_id")).scalar_subquery()
                  .label("author_name"),
                  select(Interaction.id).where(Interaction.idempotency_key == bindparam("key")).scalar_subquery()
                  .label("stored_id"))
           .outerjoin(_Owner, _Owner.id == Account.owner_id).where(Account.id == bindparam("account_id")))
_KEY = select(Interaction.id).where(Interaction.idempotency_key == bindparam("key"))
# Written as plain rows (Core): nothing of the new note is read back as an ORM object.
_INTERACTIONS, _FOLLOW_UPS = Interaction.__table__, FollowUp.__table__


def _key_id(session: Session, key: str | None) -> int | None:
    return session.scalar(_KEY, {"key": key}) if key else None


def _insert_once(session: Session):
    """INSERT INTO interactions ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: no id when the
    key is stored already."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (dialect.insert(_INTERACTIONS).on_conflict_do_nothing(index_elements=[_INTERACTIONS.c.idempotency_key])
            .returning(_INTERACTIONS.c.id))


# A note stored before, as log_interaction answers it, in one statement.
_FollowUpAccount = aliased(Account)
_FollowUpOwner = aliased(Person)
_STORED = (select(Interaction.id, Interaction.account_id, Account.name.label("account_name"), Interaction.kind,
                  Interaction.occurred_at, _Author.name.label("author_name"), Interaction.text, Interaction.sentiment,
                  Interaction.next_step, Interaction.source, Interaction.follow_up_on,
                  json_row(select(FollowUp.id, FollowUp.account_id, _FollowUpAccount.name.label("account_name"),
                                  FollowUp.title, FollowUp.due_on, FollowUp.status,
                                  _FollowUpOwner.name.label("owner_name"), FollowUp.version)
                           .join(_FollowUpAccount, _FollowUpAccount.id == FollowUp.account_id)
                           .outerjoin(_FollowUpOwner, _FollowUpOwner.id == FollowUp.owner_id)
                           .where(FollowUp.interaction_id == Interaction.id).order_by(FollowUp.id)
                           .correlate(Interaction)).label("follow_up"))
           .join(Account, Account.id == Interaction.account_id).outerjoin(_Author, _Author.id == Interaction.author_id)
           .where(Interaction.id == bindparam("id")))


def _stored_view(session: Session, interaction_id: int) -> InteractionView:
    row = session.execute(_STORED, {"id": interaction_id}).one()
    follow_up = row_of(row.follow_up) if row.follow_up_on else None
    return InteractionView(
        id=row.id, account_id=row.account_id, account_name=row.account_name, kind=row.kind,
        occurred_at=row.occurred_at, author_name=row.author_name, text=row.text, sentiment=row.sentiment,
        next_step=row.next_step, source=row.source, created=False,
        follow_up=FollowUpView(id=follow_up["id"], account_id=follow_up["account_id"],
                               account_name=follow_up["account_name"], title=follow_up["title"],
                               due_on=as_date(follow_up["due_on"]), status=FollowUpStatus(follow_up["status"]),
                               owner_name=follow_up["owner_name"], version=follow_up["version"])
        if follow_up else None)


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
                                      expected_version=expected_version, action=Action.complete_follow_up)
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
        raise InvalidInput(field="days", problem="snooze_too_short")
    follow_up = _changeable_follow_up(session, actor=actor, follow_up_id=follow_up_id,
                                      expected_version=expected_version, action=Action.snooze_follow_up)
    if follow_up.status == FollowUpStatus.done:
        return follow_up_view(follow_up)
    previous = follow_up.due_on
    follow_up.due_on = max(previous, today or now.date()) + timedelta(days=days)
    session.flush()
    record(session, actor=actor, action="snooze_follow_up", entity="follow_up", entity_id=follow_up.id,
           changes={"due_on": [previous, follow_up.due_on]})
    return follow_up_view(follow_up)


def _changeable_follow_up(session: Session, *, actor: Actor, follow_up_id: int, expected_version: int | None,
                          action: Action) -> FollowUp:
    """The follow-up, when the actor may change it (its owner, the account's owner,
    an admin); a done one is returned as is, a stale version is a Conflict."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(what="follow-up", name=str(follow_up_id))
    require(actor, action, allowed=may_change_follow_up(actor, owner_id=follow_up.owner_id,
                                                        account_owner_id=follow_up.account.owner_id))
    if follow_up.status != FollowUpStatus.done and expected_version not in (None, follow_up.version):
        raise Conflict(what="follow-up", changed_by="someone")
    return follow_up


def follow_up_view(f: FollowUp) -> FollowUpView:
    return FollowUpView(id=f.id, account_id=f.account_id, account_name=f.account.name, title=f.title,
                        due_on=f.due_on, status=f.status, owner_name=f.owner.name if f.owner else None,
                        version=f.version)


def _contacts_of(session: Session, account_id: int, contact_ids: Sequence[int]) -> list[Contact]:
    if not contact_ids:
        return []
    contacts = session.scalars(select(Contact).where(Contact.id.in_(contact_ids))).all()
    if len(contacts) != len(set(contact_ids)) or any(c.account_id != account_id for c in contacts):
        raise InvalidInput(field="contacts", problem="foreign_contacts")
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
        raise InvalidInput(field=None, problem="undo_too_late")
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
