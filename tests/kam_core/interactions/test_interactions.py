from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import FollowUpStatus, InteractionKind, Role, Source
from kam_core.errors import Forbidden, InvalidInput, TextTooLong
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.service import complete_follow_up, log_interaction, open_follow_ups
from kam_core.policy import Policy
from tests.factories import make_account, make_contact, make_person

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def rep(session):
    return make_person(session, role=Role.rep, name="Ray Rep", team="East")


@pytest.fixture
def account(session, rep):
    return make_account(session, name="Acme", owner=rep)


def log(session, rep, account, **kwargs):
    fields = dict(text="Met the CFO, budget approved", source=Source.slash_command, now=NOW) | kwargs
    return log_interaction(session, actor=Actor.of(rep), policy=POLICY, account_id=account.id, **fields)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_note_is_stored_with_author_source_and_an_audit_entry(session, rep, account):
    stored = log(session, rep, account, kind=InteractionKind.call)
    assert (stored.account_name, stored.author_name, stored.kind, stored.source) == (
        "Acme", "Ray Rep", InteractionKind.call, Source.slash_command)
    assert stored.occurred_at == NOW and stored.follow_up is None and stored.created
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "log_interaction")).one()
    assert (audit.actor_id, audit.entity_id) == (rep.id, stored.id)


def test_a_next_step_with_a_date_creates_the_follow_up_for_the_author(session, rep, account):
    stored = log(session, rep, account, next_step="Send the proposal", follow_up_on=date(2026, 11, 27))
    assert (stored.follow_up.title, stored.follow_up.due_on, stored.follow_up.owner_name) == (
        "Send the proposal", date(2026, 11, 27), "Ray Rep")
    assert [f.title for f in open_follow_ups(session, actor=Actor.of(rep))] == ["Send the proposal"]
    done = complete_follow_up(session, actor=Actor.of(rep), follow_up_id=stored.follow_up.id, now=NOW)
    assert done.status == FollowUpStatus.done
    assert open_follow_ups(session, actor=Actor.of(rep)) == []


def test_the_same_submission_retried_is_stored_once(session, rep, account):
    first = log(session, rep, account, idempotency_key="view:V123", follow_up_on=date(2026, 12, 1))
    again = log(session, rep, account, idempotency_key="view:V123", follow_up_on=date(2026, 12, 1))
    assert again.id == first.id and not again.created
    assert count(session, Interaction) == 1 and count(session, FollowUp) == 1


def test_contacts_involved_are_marked_as_contacted(session, rep, account):
    cfo = make_contact(session, account=account, name="Carla CFO")
    log(session, rep, account, contact_ids=[cfo.id])
    session.refresh(cfo)
    assert cfo.last_contacted_at == NOW


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"text": "   "}, InvalidInput, "text"),
        ({"occurred_at": NOW + timedelta(hours=1)}, InvalidInput, "occurred_on"),
        ({"follow_up_on": date(2026, 11, 19)}, InvalidInput, "follow_up_on"),
    ],
)
def test_bad_notes_are_refused_with_the_field_named(session, rep, account, fields, error, field):
    with pytest.raises(error) as raised:
        log(session, rep, account, **fields)
    assert raised.value.field == field
    assert count(session, Interaction) == 0


def test_a_note_over_3000_characters_is_refused_never_cut(session, rep, account):
    with pytest.raises(TextTooLong) as raised:
        log(session, rep, account, text="x" * 3001)
    assert raised.value.params == {"length": 3001, "limit": 3000}
    assert log(session, rep, account, text="y" * 3000).text == "y" * 3000


def test_contacts_of_another_account_are_refused(session, rep, account):
    other = make_contact(session, account=make_account(session))
    with pytest.raises(InvalidInput):
        log(session, rep, account, contact_ids=[other.id])


def test_with_team_visibility_a_rep_cannot_log_on_another_teams_account(session, account):
    outsider = make_person(session, role=Role.rep, team="West")
    with pytest.raises(Forbidden):
        log_interaction(session, actor=Actor.of(outsider), policy=Policy(visibility="team"), account_id=account.id,
                        text="hello", source=Source.console, now=NOW)
    # With the default visibility every rep may log on every account.
    assert log(session, outsider, account).author_name == outsider.name
