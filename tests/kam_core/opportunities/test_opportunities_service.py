from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Lever, Quadrant, Role
from kam_core.errors import Conflict, Forbidden, NotFound
from kam_core.opportunities.models import Opportunity, StageChange
from kam_core.opportunities.service import (
    list_stages,
    move_stage,
    open_opportunities,
    pipeline_by_account,
    team_pipeline,
)
from kam_core.policy import Policy, PriorityPolicy
from tests.factories import make_team, make_account, make_opportunity, make_person, stage_named

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
POLICY = Policy(priority=PriorityPolicy(high_likelihood_percent=50, high_value_amount=Decimal("10000")))


@pytest.fixture
def team(session):
    return make_team(session)


def test_open_opportunities_rank_act_now_first_then_by_amount(session, team):
    _, alice, _ = team
    account = make_account(session, name="Acme", owner=alice)
    make_opportunity(session, account=account, name="small sure", stage="Negotiation/Review", amount=2000)
    make_opportunity(session, account=account, name="big long shot", stage="Prospecting", amount=80000)
    make_opportunity(session, account=account, name="big sure", stage="Proposal/Price Quote", amount=50000)
    make_opportunity(session, account=account, name="bigger sure", stage="Prospecting", probability=60, amount=90000)
    make_opportunity(session, account=account, name="small long shot", stage="Qualification", amount=500)
    make_opportunity(session, account=account, name="won", stage="Closed Won", amount=99999)

    views = open_opportunities(session, actor=Actor.of(alice), account_id=account.id, policy=POLICY, today=TODAY)

    assert [(v.name, v.quadrant) for v in views] == [
        ("bigger sure", Quadrant.act_now),
        ("big sure", Quadrant.act_now),
        ("small sure", Quadrant.quick_win),
        ("big long shot", Quadrant.opportunistic),
        ("small long shot", Quadrant.deprioritise),
    ]


def test_an_opportunity_view_carries_what_a_rep_needs(session, team):
    _, alice, _ = team
    account = make_account(session, name="Acme", owner=alice)
    make_opportunity(session, account=account, name="Renewal", stage="Negotiation/Review", amount="12345.67",
                     lever=Lever.raise_usage, expected_close_date=date(2026, 5, 20), next_step="Send quote")

    [deal] = open_opportunities(session, actor=Actor.of(alice), account_id=account.id, policy=POLICY, today=TODAY)

    assert (deal.account_name, deal.stage, deal.probability, deal.weighted_amount) == (
        "Acme", "Negotiation/Review", 85, Decimal("10493.82"))
    assert (deal.owner_name, deal.lever, deal.next_step, deal.version) == ("Alice Rep", Lever.raise_usage,
                                                                          "Send quote", 1)
    assert (deal.days_to_close, deal.overdue) == (-12, True)


def test_open_opportunities_of_an_unknown_account(session, team):
    with pytest.raises(NotFound):
        open_opportunities(session, actor=Actor.of(team[1]), account_id=999_999, policy=POLICY, today=TODAY)


def test_with_team_visibility_a_rep_cannot_read_another_teams_account(session, team):
    outsider = make_person(session, name="Olga Other", team="south")
    account = make_account(session, owner=team[1])
    with pytest.raises(Forbidden):
        open_opportunities(session, actor=Actor.of(outsider), account_id=account.id,
                           policy=Policy(visibility="team"), today=TODAY)


def test_pipeline_by_account_sums_open_deals_in_one_go(session, team):
    acme, globex, idle = (make_account(session, owner=team[1]) for _ in range(3))
    make_opportunity(session, account=acme, stage="Prospecting", amount=1000)          # 10%
    make_opportunity(session, account=acme, stage="Proposal/Price Quote", amount=3000)  # 70%
    make_opportunity(session, account=acme, stage="Closed Won", amount=50000)
    make_opportunity(session, account=globex, stage="Qualification", amount=500, probability=50)

    totals = pipeline_by_account(session, [acme.id, globex.id, idle.id])

    assert (totals[acme.id].count, totals[acme.id].amount, totals[acme.id].weighted_amount) == (
        2, Decimal("4000.00"), Decimal("2200.00"))
    assert (totals[globex.id].count, totals[globex.id].weighted_amount) == (1, Decimal("250.00"))
    assert totals[idle.id].count == 0


def test_stages_come_in_pipeline_order(session):
    stages = list_stages(session)
    assert stages[0].name == "Prospecting"
    assert [s.name for s in stages if s.is_won] == ["Closed Won"]


def stage_changes(session, opportunity_id):
    return session.scalar(select(func.count()).where(StageChange.opportunity_id == opportunity_id))


def test_the_owner_moves_a_deal_and_the_move_is_recorded(session, team):
    _, alice, _ = team
    deal = make_opportunity(session, account=make_account(session, owner=alice), probability=35)

    moved = move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id,
                       stage_id=stage_named(session, "Needs Analysis").id, expected_version=1, now=NOW)

    assert (moved.stage, moved.probability, moved.version) == ("Needs Analysis", 30, 2)
    change = session.scalars(select(StageChange).where(StageChange.opportunity_id == deal.id)).one()
    assert (change.changed_by_id, change.changed_at) == (alice.id, NOW)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "opportunity",
                                                     AuditEntry.entity_id == deal.id)).one()
    assert audit.changes == {"stage": ["Prospecting", "Needs Analysis"]}


def test_closing_a_deal_dates_it_and_reopening_clears_the_date(session, team):
    _, alice, _ = team
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    won = move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id,
                     stage_id=stage_named(session, "Closed Won").id, expected_version=None, now=NOW)
    assert (won.is_open, won.closed_on, won.quadrant, won.probability) == (False, date(2026, 6, 1), None, 100)

    reopened = move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id,
                          stage_id=stage_named(session, "Negotiation/Review").id, expected_version=None, now=NOW)
    assert (reopened.is_open, reopened.closed_on) == (True, None)


def test_a_stale_version_is_refused_naming_who_changed_the_deal(session, team):
    manager, alice, _ = team
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    move_stage(session, actor=Actor.of(manager), opportunity_id=deal.id,
               stage_id=stage_named(session, "Qualification").id, expected_version=1, now=NOW)

    with pytest.raises(Conflict) as refused:
        move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id,
                   stage_id=stage_named(session, "Closed Lost").id, expected_version=1, now=NOW)

    assert refused.value.params == {"what": "opportunity", "changed_by": "Mia Manager"}
    assert session.get(Opportunity, deal.id).stage.name == "Qualification"


def test_a_change_made_elsewhere_between_read_and_write_is_a_conflict(session, team):
    _, alice, _ = team
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    # Another process bumps the row behind this session's back.
    session.connection().execute(update(Opportunity.__table__).where(Opportunity.__table__.c.id == deal.id)
                                 .values(version=2))

    with pytest.raises(Conflict) as refused:
        move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id,
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=NOW)

    assert refused.value.params == {"what": "opportunity", "changed_by": "someone"}
    assert stage_changes(session, deal.id) == 0


@pytest.mark.parametrize("mover", ["other rep", "other manager"])
def test_nobody_outside_the_deal_may_move_it(session, team, mover):
    _, alice, bob = team
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    stranger = bob if mover == "other rep" else make_person(session, role=Role.manager, team="south")

    with pytest.raises(Forbidden):
        move_stage(session, actor=Actor.of(stranger), opportunity_id=deal.id,
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=NOW)
    assert stage_changes(session, deal.id) == 0


@pytest.mark.parametrize("mover", ["manager", "account owner", "admin"])
def test_the_owners_manager_the_account_owner_and_admins_may_move_it(session, team, mover):
    manager, alice, bob = team
    deal = make_opportunity(session, account=make_account(session, owner=bob), owner=alice)
    actor = {"manager": Actor.of(manager), "account owner": Actor.of(bob), "admin": Actor.system()}[mover]
    moved = move_stage(session, actor=actor, opportunity_id=deal.id,
                       stage_id=stage_named(session, "Qualification").id, expected_version=None, now=NOW)
    assert moved.stage == "Qualification"


def test_a_repeated_idempotency_key_writes_nothing(session, team):
    _, alice, _ = team
    deal = make_opportunity(session, account=make_account(session, owner=alice))
    qualification = stage_named(session, "Qualification").id

    first = move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id, stage_id=qualification,
                       expected_version=1, idempotency_key="slack-req-1", now=NOW)
    again = move_stage(session, actor=Actor.of(alice), opportunity_id=deal.id, stage_id=qualification,
                       expected_version=1, idempotency_key="slack-req-1", now=NOW)

    assert again == first
    assert stage_changes(session, deal.id) == 1
    assert session.scalar(select(func.count()).where(AuditEntry.entity_id == deal.id,
                                                     AuditEntry.action == "move_stage")) == 1


def test_moving_to_an_unknown_stage(session, team):
    deal = make_opportunity(session, account=make_account(session, owner=team[1]))
    with pytest.raises(NotFound) as missing:
        move_stage(session, actor=Actor.of(team[1]), opportunity_id=deal.id, stage_id=999_999,
                   expected_version=None, now=NOW)
    assert missing.value.params["what"] == "stage"


def test_team_pipeline_totals_by_stage_lever_and_rep(session, team):
    manager, alice, bob = team
    make_person(session, name="Carol Idle", manager=manager)
    outsider = make_person(session, name="Olga Other", team="south")
    account = make_account(session, owner=alice)
    make_opportunity(session, account=account, owner=alice, stage="Prospecting", amount=1000, lever=Lever.cross_sell)
    make_opportunity(session, account=account, owner=alice, stage="Proposal/Price Quote", amount=3000,
                     lever=Lever.cross_sell)
    make_opportunity(session, account=account, owner=bob, stage="Prospecting", amount=2000)
    make_opportunity(session, account=account, owner=manager, stage="Negotiation/Review", amount=4000,
                     lever=Lever.new_core)
    make_opportunity(session, account=account, owner=alice, stage="Closed Won", amount=70000)
    make_opportunity(session, account=account, owner=outsider, stage="Prospecting", amount=90000)

    view = team_pipeline(session, actor=Actor.of(manager), manager_id=manager.id, policy=POLICY, today=TODAY)

    def table(groups):
        return [(g.label, g.totals.count, g.totals.amount, g.totals.weighted_amount) for g in groups]

    assert (view.totals.count, view.totals.amount, view.totals.weighted_amount) == (
        4, Decimal("10000.00"), Decimal("5800.00"))
    assert table(view.by_stage) == [
        ("Prospecting", 2, Decimal("3000.00"), Decimal("300.00")),
        ("Proposal/Price Quote", 1, Decimal("3000.00"), Decimal("2100.00")),
        ("Negotiation/Review", 1, Decimal("4000.00"), Decimal("3400.00")),
    ]
    assert table(view.by_lever) == [
        ("cross_sell", 2, Decimal("4000.00"), Decimal("2200.00")),
        ("new_core", 1, Decimal("4000.00"), Decimal("3400.00")),
        ("unspecified", 1, Decimal("2000.00"), Decimal("200.00")),
    ]
    assert table(view.by_rep) == [
        ("Alice Rep", 2, Decimal("4000.00"), Decimal("2200.00")),
        ("Mia Manager", 1, Decimal("4000.00"), Decimal("3400.00")),
        ("Bob Rep", 1, Decimal("2000.00"), Decimal("200.00")),
        ("Carol Idle", 0, Decimal("0"), Decimal("0")),
    ]


@pytest.mark.parametrize("viewer", ["a rep of the team", "another manager"])
def test_only_the_manager_or_an_admin_sees_the_team_pipeline(session, team, viewer):
    manager, alice, _ = team
    other = alice if viewer == "a rep of the team" else make_person(session, role=Role.manager, team="south")
    with pytest.raises(Forbidden):
        team_pipeline(session, actor=Actor.of(other), manager_id=manager.id, policy=POLICY, today=TODAY)
    assert team_pipeline(session, actor=Actor.system(), manager_id=manager.id, policy=POLICY, today=TODAY).by_rep
