"""A deal's history (kam_core.opportunities.history): stage changes and audited edits, newest first,
who, when and what; a change written by a service shows once."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from kam_core.actors import Actor
from kam_core.enums import Lever, Role
from kam_core.errors import Forbidden
from kam_core.opportunities.editing import close_opportunity, create_opportunity, update_opportunity
from kam_core.opportunities.history import deal_history
from kam_core.opportunities.models import LostReason, StageChange
from kam_core.opportunities.service import move_stage
from kam_core.policy import Policy
from tests.factories import make_account, make_opportunity, make_person, stage_named

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
POLICY = Policy()


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_the_history_lists_creation_edits_moves_and_the_close_newest_first(session):
    mia = make_person(session, role=Role.manager, name="Mia Manager")
    alice = make_person(session, name="Alice Rep", manager=mia)
    account = make_account(session, name="Acme", owner=alice)
    me, boss = Actor.of(alice), Actor.of(mia)
    deal = create_opportunity(session, actor=me, account_id=account.id, name="Fleet", amount="50k",
                              expected_close_date=TODAY + timedelta(days=30),
                              stage_id=stage_named(session, "Prospecting").id, lever=Lever.cross_sell, now=at(0),
                              today=TODAY, policy=POLICY)
    update_opportunity(session, actor=boss, opportunity_id=deal.id, expected_version=None, amount="75000",
                       lever="raise_usage", now=at(1), today=TODAY, policy=POLICY)
    move_stage(session, actor=me, opportunity_id=deal.id, stage_id=stage_named(session, "Qualification").id,
               expected_version=None, now=at(2))
    price = session.scalar(select(LostReason).where(LostReason.name == "Price"))
    close_opportunity(session, actor=me, opportunity_id=deal.id, expected_version=None, outcome="lost",
                      lost_reason_id=price.id, lost_note="Too dear", now=at(3), today=TODAY, policy=POLICY)

    history = deal_history(session, actor=Actor.of(make_person(session, name="Anyone")), opportunity_id=deal.id,
                           policy=POLICY, today=TODAY)
    assert [(e.action, e.who, e.at) for e in history.entries] == [
        ("closed_lost", "Alice Rep", at(3)), ("moved", "Alice Rep", at(2)), ("changed", "Mia Manager", at(1)),
        ("created", "Alice Rep", at(0))]
    closed, moved, changed, created = history.entries
    assert [(c.field, c.old, c.new) for c in closed.changes] == [
        ("stage", "Qualification", "Closed Lost"), ("closed_on", None, TODAY), ("lost_reason", None, "Price"),
        ("lost_note", None, "Too dear")]
    assert [(c.field, c.old, c.new) for c in moved.changes] == [("stage", "Prospecting", "Qualification")]
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("amount", Decimal("50000.00"), Decimal("75000.00")), ("lever", Lever.cross_sell, Lever.raise_usage)]
    assert ("stage", None, "Prospecting") in [(c.field, c.old, c.new) for c in created.changes]
    assert history.total == 4 and not history.deal.may_move


def test_stage_changes_written_without_an_audit_entry_are_shown_too(session):
    alice = make_person(session, name="Alice Rep")
    deal = make_opportunity(session, account=make_account(session, owner=alice), stage="Qualification")
    session.add(StageChange(opportunity_id=deal.id, from_stage_id=stage_named(session, "Prospecting").id,
                            to_stage_id=stage_named(session, "Qualification").id, changed_at=at(-60)))
    session.flush()
    [entry] = deal_history(session, actor=Actor.of(alice), opportunity_id=deal.id, policy=POLICY,
                           today=TODAY).entries
    assert (entry.action, entry.who, [(c.old, c.new) for c in entry.changes]) == (
        "moved", "someone", [("Prospecting", "Qualification")])


def test_with_team_visibility_another_team_s_deal_history_is_refused(session):
    alice = make_person(session, name="Alice Rep", team="north")
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    with pytest.raises(Forbidden):
        deal_history(session, actor=Actor.of(make_person(session, name="Sue", team="south")), opportunity_id=deal.id,
                     policy=Policy(visibility="team"), today=TODAY)
