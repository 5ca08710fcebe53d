"""Creating, editing and closing deals (kam_core.opportunities.editing): who may, what each form field
accepts, every change audited, the version checked, and the pipeline figures following at once."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import AccountTeamMember
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Lever, Quadrant, Role, TeamRole
from kam_core.errors import Conflict, Forbidden, Invalid, InvalidInput
from kam_core.opportunities.editing import (
    close_deal_form,
    close_opportunity,
    create_opportunity,
    new_deal_form,
    parse_amount,
    update_opportunity,
)
from kam_core.opportunities.models import LostReason, Opportunity, StageChange
from kam_core.opportunities.service import move_stage, open_opportunities
from kam_core.policy import Policy, PriorityPolicy
from tests.factories import make_account, make_opportunity, make_person, make_value, stage_named

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
POLICY = Policy(priority=PriorityPolicy(high_likelihood_percent=50, high_value_amount=Decimal("10000")))


@pytest.fixture
def people(session):
    mia = make_person(session, role=Role.manager, name="Mia Manager")
    return {"mia": mia, "alice": make_person(session, name="Alice Rep", manager=mia),
            "bob": make_person(session, name="Bob Rep", manager=mia),
            "tom": make_person(session, name="Tom Team"), "oscar": make_person(session, name="Oscar Outside"),
            "wes": make_person(session, role=Role.manager, name="Wes West")}


@pytest.fixture
def acme(session, people):
    account = make_account(session, name="Acme", owner=people["alice"])
    session.add(AccountTeamMember(account_id=account.id, person_id=people["tom"].id, role=TeamRole.sales))
    session.flush()
    return account


def create(session, who, account, **fields):
    values = {"name": "Fleet renewal", "amount": "50k", "expected_close_date": TODAY + timedelta(days=30),
              "stage_id": stage_named(session, "Qualification").id, **fields}
    return create_opportunity(session, actor=who, account_id=account.id, now=NOW, today=TODAY, policy=POLICY,
                              **values)


def audits(session, action=None):
    query = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    return session.scalar(query)


def test_a_new_deal_is_owned_by_its_creator_with_the_stage_s_probability_and_audited(session, people, acme):
    deal = create(session, Actor.of(people["tom"]), acme, lever=Lever.cross_sell, next_step=" Send the quote ")
    assert (deal.name, deal.amount, deal.currency, deal.stage, deal.probability, deal.owner_name) == (
        "Fleet renewal", Decimal("50000.00"), "USD", "Qualification", 20, "Tom Team")
    assert (deal.own_probability, deal.next_step, deal.lever, deal.may_move) == (None, "Send the quote",
                                                                                  Lever.cross_sell, True)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "create_opportunity"))
    assert entry.entity_id == deal.id and entry.changes["amount"] == [None, "50000.00"]
    assert entry.changes["stage"] == [None, "Qualification"]


def test_the_currency_defaults_to_the_account_s_and_a_given_probability_is_kept(session, people, acme):
    make_value(session, account=acme, period="2026", revenue=1000, currency="EUR")
    assert new_deal_form(session, actor=Actor.of(people["alice"]), account_id=acme.id, policy=POLICY).currency == "EUR"
    deal = create(session, Actor.of(people["alice"]), acme, probability="65%")
    assert (deal.currency, deal.probability, deal.quadrant) == ("EUR", 65, Quadrant.act_now)
    assert create(session, Actor.of(people["alice"]), acme, currency="cny", name="Other").currency == "CNY"


def test_every_problem_of_the_form_is_told_at_once_each_on_its_field(session, people, acme):
    with pytest.raises(Invalid) as refused:
        create(session, Actor.of(people["alice"]), acme, name=" ", amount="lots", currency="dollars",
               expected_close_date=TODAY - timedelta(days=1), stage_id=stage_named(session, "Closed Won").id,
               probability="120", next_step="x" * 501)
    assert {p.field: p.problem for p in refused.value.problems} == {
        "name": "deal_name_missing", "amount": "amount_not_a_number", "currency": "currency_code",
        "expected_close_date": "close_date_in_past", "stage_id": "choose_open_stage",
        "probability": "probability_range", "next_step": "deal_text_too_long"}
    assert session.scalar(select(func.count()).select_from(Opportunity)) == 0 and audits(session) == 0


@pytest.mark.parametrize("typed, amount", [("50000", "50000"), ("50,000", "50000"), ("50k", "50000"),
                                           ("1.2m", "1200000"), ("0", "0"), ("12.345", "12.35")])
def test_amounts_are_read_as_reps_type_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed, problem", [("", "amount_missing"), ("-5", "amount_negative"),
                                            ("1e20", "amount_too_large"), ("NaN", "amount_not_a_number")])
def test_amounts_that_cannot_be_used_say_why(typed, problem):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(typed)
    assert (refused.value.field, refused.value.problem) == ("amount", problem)


@pytest.mark.parametrize("who, allowed", [("alice", True), ("tom", True), ("mia", True), ("admin", True),
                                          ("bob", False), ("oscar", False), ("wes", False)])
def test_who_may_create_a_deal_on_the_account(session, people, acme, who, allowed):
    actor = Actor.system() if who == "admin" else Actor.of(people[who])
    if allowed:
        deal = create(session, actor, acme)
        assert deal.owner_name == ("Alice Rep" if who == "admin" else people[who].name)  # the console gives it the owner
    else:
        with pytest.raises(Forbidden) as refused:
            create(session, actor, acme)
        assert refused.value.params == {"action": "create_opportunity"}
        assert audits(session) == 0


def test_an_edit_changes_only_what_was_sent_each_change_audited_old_and_new(session, people, acme):
    deal = create(session, Actor.of(people["alice"]), acme, next_step="Call")
    edited = update_opportunity(session, actor=Actor.of(people["alice"]), opportunity_id=deal.id,
                                expected_version=deal.version, amount="75000", next_step="Send the quote",
                                name="Fleet renewal", now=NOW, today=TODAY, policy=POLICY)
    assert (edited.amount, edited.next_step, edited.version) == (Decimal("75000.00"), "Send the quote", 2)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "update_opportunity"))
    assert entry.changes == {"amount": ["50000.00", "75000.00"], "next_step": ["Call", "Send the quote"]}
    # Sent again as it is: nothing written, whatever version the caller saw.
    again = update_opportunity(session, actor=Actor.of(people["alice"]), opportunity_id=deal.id, expected_version=1,
                               amount="75k", now=NOW, today=TODAY, policy=POLICY)
    assert again.version == 2 and audits(session, "update_opportunity") == 1


def test_an_edit_after_someone_else_s_change_is_a_conflict_naming_them(session, people, acme):
    deal = create(session, Actor.of(people["alice"]), acme)
    update_opportunity(session, actor=Actor.of(people["mia"]), opportunity_id=deal.id, expected_version=1,
                       amount="60k", now=NOW, today=TODAY, policy=POLICY)
    with pytest.raises(Conflict) as refused:
        update_opportunity(session, actor=Actor.of(people["alice"]), opportunity_id=deal.id, expected_version=1,
                           amount="70k", now=NOW, today=TODAY, policy=POLICY)
    assert refused.value.params == {"what": "opportunity", "changed_by": "Mia Manager"}


def test_edit_and_close_follow_who_may_move_the_deal(session, people, acme):
    deal = create(session, Actor.of(people["tom"]), acme)
    for who in ("bob", "oscar", "wes"):
        with pytest.raises(Forbidden) as refused:
            update_opportunity(session, actor=Actor.of(people[who]), opportunity_id=deal.id, expected_version=None,
                               amount="1", now=NOW, today=TODAY, policy=POLICY)
        assert refused.value.params == {"action": "edit_opportunity"}
        with pytest.raises(Forbidden):
            close_opportunity(session, actor=Actor.of(people[who]), opportunity_id=deal.id, expected_version=None,
                              outcome="won", now=NOW, today=TODAY, policy=POLICY)
    for who in ("alice", "mia"):  # the account's owner, and her manager
        update_opportunity(session, actor=Actor.of(people[who]), opportunity_id=deal.id, expected_version=None,
                           next_step=f"step by {who}", now=NOW, today=TODAY, policy=POLICY)


def test_an_edit_of_the_amount_moves_the_card_s_pipeline_and_the_deal_s_quadrant(session, people, acme):
    alice = Actor.of(people["alice"])
    deal = create(session, alice, acme, amount="5000", stage_id=stage_named(session, "Proposal/Price Quote").id)
    card = account_card(session, actor=alice, account_id=acme.id, policy=POLICY, today=TODAY)
    assert (card.pipeline.amount, card.pipeline.weighted_amount) == (Decimal("5000.00"), Decimal("3500.00"))
    assert open_opportunities(session, actor=alice, account_id=acme.id, policy=POLICY,
                              today=TODAY)[0].quadrant == Quadrant.quick_win
    update_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=deal.version, amount="50k",
                       now=NOW, today=TODAY, policy=POLICY)
    card = account_card(session, actor=alice, account_id=acme.id, policy=POLICY, today=TODAY)
    assert (card.pipeline.amount, card.pipeline.weighted_amount) == (Decimal("50000.00"), Decimal("35000.00"))
    assert open_opportunities(session, actor=alice, account_id=acme.id, policy=POLICY,
                              today=TODAY)[0].quadrant == Quadrant.act_now


def test_closing_won_sets_the_stage_and_day_clears_the_probability_and_leaves_the_pipeline(session, people, acme):
    alice = Actor.of(people["alice"])
    deal = create(session, alice, acme, probability=40)
    won = close_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=deal.version,
                            outcome="won", now=NOW, today=TODAY, policy=POLICY)
    assert (won.stage, won.is_won, won.closed_on, won.own_probability, won.quadrant) == (
        "Closed Won", True, TODAY, None, None)
    assert account_card(session, actor=alice, account_id=acme.id, policy=POLICY, today=TODAY).pipeline.count == 0
    move = session.scalar(select(StageChange).where(StageChange.opportunity_id == deal.id))
    assert (move.to_stage_id, move.changed_at) == (stage_named(session, "Closed Won").id, NOW)


def test_closing_lost_asks_an_active_reason_and_keeps_the_rep_s_words(session, people, acme):
    alice = Actor.of(people["alice"])
    deal = create(session, alice, acme)
    with pytest.raises(InvalidInput) as refused:
        close_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=None, outcome="lost",
                          lost_note="They went with Initech", now=NOW, today=TODAY, policy=POLICY)
    assert (refused.value.field, refused.value.problem) == ("lost_reason_id", "lost_reason_missing")
    price = session.scalar(select(LostReason).where(LostReason.name == "Price"))
    lost = close_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=None, outcome="lost",
                             lost_reason_id=price.id, lost_note="They went with Initech", now=NOW, today=TODAY,
                             policy=POLICY)
    assert (lost.stage, lost.lost_reason, lost.lost_note, lost.closed_on) == (
        "Closed Lost", "Price", "They went with Initech", TODAY)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "close_opportunity_lost"))
    assert entry.changes["lost_reason"] == [None, "Price"] and entry.changes["stage"] == ["Qualification",
                                                                                        "Closed Lost"]


def test_a_retired_reason_is_not_offered_nor_taken(session, people, acme):
    alice = Actor.of(people["alice"])
    deal = create(session, alice, acme)
    timing = session.scalar(select(LostReason).where(LostReason.name == "Timing"))
    timing.active = False
    session.flush()
    offered = close_deal_form(session, actor=alice, opportunity_id=deal.id, policy=POLICY, today=TODAY).lost_reasons
    assert "Timing" not in [r.name for r in offered] and "Price" in [r.name for r in offered]
    with pytest.raises(InvalidInput) as refused:
        close_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=None, outcome="lost",
                          lost_reason_id=timing.id, now=NOW, today=TODAY, policy=POLICY)
    assert refused.value.problem == "lost_reason_retired"


@pytest.mark.parametrize("how", ["edit", "move_stage"])
def test_reopening_a_lost_deal_clears_its_reason_note_and_close_day(session, people, acme, how):
    alice = Actor.of(people["alice"])
    deal = create(session, alice, acme)
    price = session.scalar(select(LostReason).where(LostReason.name == "Price"))
    close_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=None, outcome="lost",
                      lost_reason_id=price.id, lost_note="Too dear", now=NOW, today=TODAY, policy=POLICY)
    negotiation = stage_named(session, "Negotiation/Review").id
    if how == "edit":
        reopened = update_opportunity(session, actor=alice, opportunity_id=deal.id, expected_version=None,
                                      stage_id=negotiation, now=NOW, today=TODAY, policy=POLICY)
    else:
        reopened = move_stage(session, actor=alice, opportunity_id=deal.id, stage_id=negotiation,
                              expected_version=None, now=NOW, policy=POLICY)
    assert (reopened.stage, reopened.is_open, reopened.lost_reason, reopened.lost_note, reopened.closed_on) == (
        "Negotiation/Review", True, None, None, None)


def test_a_deal_made_from_one_form_twice_is_made_once(session, people, acme):
    first = create(session, Actor.of(people["alice"]), acme, idempotency_key="view:V1")
    again = create(session, Actor.of(people["alice"]), acme, idempotency_key="view:V1")
    assert first.id == again.id and session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_an_old_deal_with_a_passed_close_date_can_be_edited_without_moving_the_date(session, people, acme):
    deal = make_opportunity(session, account=acme, name="Old", expected_close_date=TODAY - timedelta(days=20))
    edited = update_opportunity(session, actor=Actor.of(people["alice"]), opportunity_id=deal.id,
                                expected_version=None, expected_close_date=TODAY - timedelta(days=20),
                                next_step="Chase", now=NOW, today=TODAY, policy=POLICY)
    assert edited.next_step == "Chase" and edited.overdue
    with pytest.raises(InvalidInput) as refused:
        update_opportunity(session, actor=Actor.of(people["alice"]), opportunity_id=deal.id, expected_version=None,
                           expected_close_date=TODAY - timedelta(days=2), now=NOW, today=TODAY, policy=POLICY)
    assert refused.value.problem == "close_date_in_past"


def test_forged_ids_from_a_form_are_problems_not_crashes(session, people, acme):
    with pytest.raises(Invalid) as refused:
        create(session, Actor.of(people["alice"]), acme, stage_id="abc", product_id="9x")
    assert {p.field: p.problem for p in refused.value.problems} == {"stage_id": "choose_open_stage",
                                                                   "product_id": "unknown_product"}
