"""Logging a note in a few statements (kam_core.interactions.service.log_interaction), writes included, on both
back ends: the account, its owner and the key already stored in one read; no savepoint around the insert."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, null, select

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import FollowUpStatus, InteractionKind, Role, Source
from kam_core.interactions import service
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.service import log_interaction
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import make_account, make_person

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def rep(session):
    return make_person(session, role=Role.rep, name="Ray Rep", team="East")


@pytest.fixture
def account(session, rep):
    made = make_account(session, name="Acme", owner=rep)
    session.expunge_all()  # nothing of it left in the session to spare a statement
    return made


def logged(session, rep, account, **kwargs) -> tuple[int, object]:
    """(statements, view) of one log_interaction, its pending writes (the audit entry) flushed."""
    fields = dict(text="Met the CFO, budget approved", source=Source.slash_command, now=NOW) | kwargs
    views = []

    def work():
        views.append(log_interaction(session, actor=Actor.of(rep), policy=POLICY, account_id=account.id, **fields))
        session.flush()

    return count_statements(session, work), views[0]


def stored(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(select(
        Interaction.account_id, Interaction.kind, Interaction.text, Interaction.next_step, Interaction.follow_up_on,
        Interaction.idempotency_key, Interaction.author_id).order_by(Interaction.id))]


def follow_ups(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(select(
        FollowUp.account_id, FollowUp.owner_id, FollowUp.title, FollowUp.due_on, FollowUp.status, FollowUp.version)
        .order_by(FollowUp.id))]


def audits(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "log_interaction"))


def test_a_note_is_three_statements_the_read_the_insert_and_the_audit_entry(session, rep, account):
    statements, view = logged(session, rep, account, kind=InteractionKind.call, idempotency_key="cmd:T1")
    assert statements == 3
    assert (view.account_id, view.account_name, view.kind, view.author_name, view.text, view.source,
            view.occurred_at, view.follow_up, view.created) == (
        account.id, "Acme", InteractionKind.call, "Ray Rep", "Met the CFO, budget approved", Source.slash_command,
        NOW, None, True)
    assert stored(session) == [(account.id, InteractionKind.call, "Met the CFO, budget approved", None, None,
                                "cmd:T1", rep.id)]
    assert audits(session) == 1


def test_a_note_with_a_follow_up_is_four(session, rep, account):
    statements, view = logged(session, rep, account, next_step="Send the proposal",
                              follow_up_on=date(2026, 11, 27), idempotency_key="cmd:T2")
    assert statements == 4
    follow_up = view.follow_up
    assert (follow_up.account_id, follow_up.account_name, follow_up.title, follow_up.due_on, follow_up.status,
            follow_up.owner_name, follow_up.version) == (
        account.id, "Acme", "Send the proposal", date(2026, 11, 27), FollowUpStatus.open, "Ray Rep", 1)
    assert follow_ups(session) == [(account.id, rep.id, "Send the proposal", date(2026, 11, 27),
                                    FollowUpStatus.open, 1)]
    assert session.scalar(select(FollowUp.interaction_id)) == view.id


def test_a_repeated_key_is_two_statements_and_answers_the_note_stored_before(session, rep, account):
    _, first = logged(session, rep, account, next_step="Send the proposal", follow_up_on=date(2026, 11, 27),
                      idempotency_key="view:V1")
    session.expunge_all()
    statements, again = logged(session, rep, account, text="typed again", next_step="Send the proposal",
                               follow_up_on=date(2026, 11, 27), idempotency_key="view:V1")
    assert statements == 2
    assert again.model_dump() == first.model_dump() | {"created": False}
    assert [row[2] for row in stored(session)] == ["Met the CFO, budget approved"]
    assert len(follow_ups(session)) == 1 and audits(session) == 1


def test_a_retry_that_raced_past_the_read_is_not_stored_twice(session, rep, account, monkeypatch):
    """Two taps at once: both read before either wrote. The second insert does nothing (no error to lose
    the note over) and the answer is the note the first stored."""
    _, first = logged(session, rep, account, idempotency_key="view:V2")
    unseen = service._TARGET.with_only_columns(
        *[null().label("stored_id") if c.name == "stored_id" else c for c in service._TARGET.selected_columns])
    monkeypatch.setattr(service, "_TARGET", unseen)
    statements, again = logged(session, rep, account, text="typed again", idempotency_key="view:V2")
    assert statements == 4  # the read, the insert that did nothing, the key, the note stored
    assert (again.id, again.text, again.created) == (first.id, "Met the CFO, budget approved", False)
    assert len(stored(session)) == 1 and audits(session) == 1
