from datetime import UTC, date, datetime

import pytest

from kam_core.accounts.attention import attention_page, my_accounts
from kam_core.accounts.models import AccountAlias, AccountProduct, AccountTeamMember, Product
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.enums import BuyingRole, PlanHealth, Role, Source, TeamRole, Tier
from kam_core.interactions.service import log_interaction
from kam_core.policy import Policy
from kam_core.tiers.service import recompute_tiers
from templates import render
from tests.factories import make_account, make_contact, make_opportunity, make_person, make_plan, make_value

TODAY = date(2026, 11, 20)
POLICY = Policy()


def touch(session, rep, account, day):
    log_interaction(session, actor=Actor.of(rep), policy=POLICY, account_id=account.id, text="checked in",
                    source=Source.console, now=datetime(2026, day[0], day[1], 10, tzinfo=UTC))


@pytest.fixture
def book(session):
    manager = make_person(session, role=Role.manager, name="Mia Manager")
    rep = make_person(session, role=Role.rep, manager=manager, name="Ray Rep")
    se = make_person(session, role=Role.rep, name="Sam Engineer")
    acme = make_account(session, name="Acme Corporation", owner=rep, industry="software")
    session.add(AccountAlias(account=acme, alias="ACME"))
    session.add(AccountTeamMember(account_id=acme.id, person_id=se.id, role=TeamRole.solution_engineer))
    make_value(session, account=acme, revenue=900_000, profit=400_000, cost_to_serve=50_000, referral_score=4)
    quiet = make_account(session, name="Quiet Key Ltd", owner=rep)
    make_value(session, account=quiet, revenue=500_000, profit=360_000)
    make_value(session, account=make_account(session, name="Someone Else's"), revenue=100_000, profit=100_000)
    fine = make_account(session, name="Fine General", owner=rep)
    make_value(session, account=fine, revenue=10_000, profit=1_000)
    products = [Product(name=n) for n in ("Analytics", "Cloud", "Support")]
    session.add_all(products)
    session.flush()
    session.add(AccountProduct(account_id=acme.id, product_id=products[1].id))
    make_contact(session, account=acme, name="Una User", buying_role=BuyingRole.user)
    make_contact(session, account=acme, name="Dora Decider", title="CFO", buying_role=BuyingRole.decision_maker,
                 relationship_strength=4)
    make_opportunity(session, account=acme, stage="Negotiation/Review", amount=100_000)  # 85%
    make_opportunity(session, account=acme, stage="Prospecting", amount=50_000)  # 10%
    make_opportunity(session, account=acme, stage="Closed Won", amount=70_000)
    make_plan(session, account=acme, last_reviewed_at=datetime(2026, 10, 1, tzinfo=UTC),
              actions=[{"due_date": date(2026, 11, 1), "owner": rep}])
    touch(session, rep, acme, (11, 15))
    touch(session, rep, quiet, (9, 1))
    touch(session, rep, fine, (11, 1))
    log_interaction(session, actor=Actor.of(rep), policy=POLICY, account_id=acme.id, text="call the CFO",
                    source=Source.console, next_step="Send pricing", follow_up_on=date(2026, 11, 25),
                    now=datetime(2026, 11, 16, tzinfo=UTC))
    recompute_tiers(session, policy=POLICY, actor=Actor.system("test"))
    return {"rep": rep, "acme": acme, "quiet": quiet, "fine": fine}


def test_the_card_gathers_tier_team_value_pipeline_plan_touch_and_contacts(session, book):
    card = account_card(session, actor=Actor.of(book["rep"]), account_id=book["acme"].id, policy=POLICY, today=TODAY)
    assert card.tier == Tier.key and card.why.rank == 1
    assert card.why.figures.total_value == 400_000 - 50_000 + 4 * 5000
    assert card.owner.name == "Ray Rep" and [(t.person.name, t.role) for t in card.team] == [
        ("Sam Engineer", TeamRole.solution_engineer)]
    assert (card.pipeline.count, card.pipeline.amount, card.pipeline.weighted_amount) == (2, 150_000, 90_000)
    assert card.plan_health.status == PlanHealth.at_risk
    assert card.last_touch.days_since == 4 and not card.overdue_touch
    assert (card.next_follow_up.title, card.next_follow_up.due_on) == ("Send pricing", date(2026, 11, 25))
    assert [c.name for c in card.key_contacts] == ["Dora Decider", "Una User"]
    assert card.whitespace == ["Analytics", "Support"] and card.aliases == ["ACME"]

    text = render("cli/account_card.txt.j2", card=card)
    assert "Acme Corporation — Key account" in text
    assert "Ranked #1 of 4" in text
    assert "Plan: at risk — 1 action is overdue" in text
    assert "Next follow-up: Send pricing by 2026-11-25" in text


def test_mine_puts_the_stale_key_account_first_and_quiet_general_ones_last(session, book):
    items = my_accounts(session, actor=Actor.of(book["rep"]), policy=POLICY, today=TODAY)
    assert [i.name for i in items] == ["Quiet Key Ltd", "Acme Corporation", "Fine General"]
    quiet, acme, fine = items
    assert quiet.reasons == ["stale"] and quiet.days_since_touch == 80 and quiet.cadence_days == 14
    assert acme.reasons == ["plan_at_risk"]
    assert fine.reasons == []
    text = render("cli/mine.txt.j2", page=attention_page(session, actor=Actor.of(book["rep"]), policy=POLICY,
                                                         today=TODAY))
    assert "1. Quiet Key Ltd (key): 80 days since last touch (cadence 14)" in text


def test_mine_is_empty_for_someone_without_accounts(session, book):
    nobody = make_person(session, role=Role.rep)
    assert my_accounts(session, actor=Actor.of(nobody), policy=POLICY, today=TODAY) == []
