"""The account card in one statement (kam_core/accounts/card_query.py), every section filled, on both back ends:
the card a rep sees is the same as when it took a dozen statements."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kam_core.accounts.models import AccountAlias, AccountProduct, AccountTeamMember, Product
from sqlalchemy import select

from kam_core.accounts.schemas import AccountCard, ContactView, LastTouch, PersonRef, TeamMemberView
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.changes import remember_versions, versions_column
from kam_core.enums import (ActionStatus, BuyingRole, FollowUpStatus, InteractionKind, PlanHealth, Role, TeamRole,
                            Tier)
from kam_core.errors import Forbidden, NotFound
from kam_core.fx.rates import set_rate
from kam_core.policy import Policy
from kam_core.tiers.service import recompute_tiers
from tests.conftest import count_statements
from tests.factories import (make_account, make_contact, make_follow_up, make_interaction, make_opportunity,
                             make_person, make_plan, make_value)

TODAY = date(2026, 11, 20)
POLICY = Policy()
ADMIN = Actor.system("test")


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def acme(session):
    set_rate(session, actor=ADMIN, reporting="USD", currency="EUR", rate="1.10", valid_from="2026-01-01", today=TODAY)
    manager = make_person(session, role=Role.manager, name="Mia Manager", team="north")
    rep = make_person(session, role=Role.rep, manager=manager, name="Ray Rep", email="ray@example.com",
                      slack_user_id="U_RAY")
    se = make_person(session, role=Role.rep, name="Sam Engineer", email="sam@example.com")
    exec_ = make_person(session, role=Role.rep, name="Eve Exec", email="eve@example.com", slack_user_id="U_EVE")
    group = make_account(session, name="Acme Group")
    acme = make_account(session, name="Acme Corporation", owner=rep, industry="software", region="EMEA",
                        parent_id=group.id)
    session.add_all([AccountAlias(account=acme, alias="Acme Corp"), AccountAlias(account=acme, alias="ACME")])
    session.add_all([AccountTeamMember(account_id=acme.id, person_id=se.id, role=TeamRole.solution_engineer),
                     AccountTeamMember(account_id=acme.id, person_id=exec_.id, role=TeamRole.executive_sponsor)])
    make_value(session, account=acme, period="2025", revenue=700_000, profit=300_000)
    make_value(session, account=acme, period="2026", revenue=900_000, profit=400_000, cost_to_serve=50_000,
               referral_score=4)
    make_value(session, account=make_account(session, name="Globex"), revenue=100_000, profit=100_000)
    products = [Product(name=n) for n in ("Support", "Analytics", "Cloud")]
    session.add_all(products)
    session.flush()
    session.add(AccountProduct(account_id=acme.id, product_id=products[2].id))
    make_contact(session, account=acme, name="Una User", buying_role=BuyingRole.user)
    make_contact(session, account=acme, name="Dora Decider", title="CFO", buying_role=BuyingRole.decision_maker,
                 relationship_strength=4, last_contacted_at=at(11, 2, 9))
    make_contact(session, account=acme, name="Chad Champion", buying_role=BuyingRole.champion, relationship_strength=5)
    make_contact(session, account=acme, name="Nora Nobody")
    make_opportunity(session, account=acme, stage="Negotiation/Review", amount="100000.50")  # 85%
    make_opportunity(session, account=acme, stage="Prospecting", amount=50_000)  # 10%
    make_opportunity(session, account=acme, stage="Prospecting", amount=20_000, currency="EUR")  # 10%
    make_opportunity(session, account=acme, stage="Closed Won", amount=70_000)
    make_plan(session, account=acme, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
              objectives=[{"description": "Old goal", "target": 10, "actual": 0}])
    make_plan(session, account=acme, last_reviewed_at=at(10, 1),
              objectives=[{"description": "Grow cloud revenue", "target": 1_000_000, "actual": 250_000},
                          {"description": "Two references", "target": 2, "actual": 2, "unit": "references"}],
              actions=[{"due_date": date(2026, 11, 1), "owner": rep},
                       {"due_date": date(2026, 10, 1), "owner": rep, "status": ActionStatus.done},
                       {"due_date": None, "owner": se}])
    make_interaction(session, account=acme, occurred_at=at(11, 10), author=se, kind=InteractionKind.meeting)
    make_interaction(session, account=acme, occurred_at=at(11, 15), author=rep, kind=InteractionKind.call)
    make_follow_up(session, account=acme, due_on=date(2026, 11, 18), title="Already done", owner=rep,
                   status=FollowUpStatus.done)
    make_follow_up(session, account=acme, due_on=date(2026, 12, 3), title="Send the proposal", owner=se)
    make_follow_up(session, account=acme, due_on=date(2026, 11, 25), title="Send pricing", owner=rep)
    recompute_tiers(session, policy=POLICY, actor=ADMIN)
    session.flush()
    return {"acme": acme, "rep": rep, "se": se, "exec": exec_, "manager": manager}


def card_of(session, actor, account_id):
    return account_card(session, actor=actor, account_id=account_id, policy=POLICY, today=TODAY)


def statements_of_card(session, actor, account_id) -> tuple[int, AccountCard]:
    """The card's statements after a request's preamble (handlers.session: the person and the change
    markers in one statement, so what is kept per process, like the rates, costs none)."""
    card_of(session, actor, account_id)  # what a process keeps is read once, by its first request
    remember_versions(session, session.scalar(select(versions_column())))
    cards = []
    return count_statements(session, lambda: cards.append(card_of(session, actor, account_id))), cards[0]


def test_the_whole_card_takes_one_statement(session, acme):
    statements, card = statements_of_card(session, Actor.of(acme["rep"]), acme["acme"].id)
    assert statements == 1
    rep, se, exec_ = acme["rep"], acme["se"], acme["exec"]

    assert (card.id, card.name, card.industry, card.region, card.parent_name) == (
        acme["acme"].id, "Acme Corporation", "software", "EMEA", "Acme Group")
    assert card.aliases == ["ACME", "Acme Corp"]
    assert card.owner == PersonRef(id=rep.id, name="Ray Rep", email="ray@example.com", slack_user_id="U_RAY")
    assert card.team == [
        TeamMemberView(person=PersonRef(id=exec_.id, name="Eve Exec", email="eve@example.com", slack_user_id="U_EVE"),
                       role=TeamRole.executive_sponsor),
        TeamMemberView(person=PersonRef(id=se.id, name="Sam Engineer", email="sam@example.com", slack_user_id=None),
                       role=TeamRole.solution_engineer),
    ]
    assert card.tier == Tier.key and card.cadence_days == 14
    why = card.why
    assert (why.rank, why.ranked_accounts, why.tier, why.computed_tier) == (1, 3, Tier.key, Tier.key)
    assert (why.figures.period, why.figures.currency, why.figures.revenue, why.figures.profit_contribution,
            why.figures.cost_to_serve, why.figures.referral_score, why.figures.total_value) == (
        "2026", "USD", Decimal("900000.00"), Decimal("400000.00"), Decimal("50000.00"), 4, Decimal("370000.00"))
    assert str(why.figures.revenue) == "900000.00"  # to the cent, as the ORM read it
    assert why.won_deals_window is None and why.override_by is None

    pipeline = card.pipeline
    # 100,000.50 + 50,000 USD, and 20,000 EUR at 1.10; weighted 85%, 10%, 10%.
    assert (pipeline.count, pipeline.amount, pipeline.weighted_amount, pipeline.currency) == (
        3, Decimal("172000.50"), Decimal("92200.42"), "USD")
    assert pipeline.native == {"EUR": Decimal("20000.00"), "USD": Decimal("150000.50")}
    assert str(pipeline.native["USD"]) == "150000.50" and pipeline.excluded == {}

    # The current plan (2026): an action overdue; cloud revenue at 25% with 323 of 364 days gone; reviewed 50 days ago.
    assert card.plan_health.status == PlanHealth.off_track
    assert [(r.code, r.severity, r.params) for r in card.plan_health.reasons] == [
        ("overdue_actions", PlanHealth.at_risk, {"count": 1, "oldest_days": 19}),
        ("objective_behind", PlanHealth.off_track, {"description": "Grow cloud revenue", "progress": 0.25,
                                                    "expected": 0.887363}),
    ]

    assert card.last_touch == LastTouch(occurred_at=at(11, 15), kind="call", author_name="Ray Rep", days_since=5)
    assert not card.overdue_touch
    follow_up = card.next_follow_up
    assert (follow_up.title, follow_up.due_on, follow_up.status, follow_up.owner_name, follow_up.account_id,
            follow_up.account_name, follow_up.version) == (
        "Send pricing", date(2026, 11, 25), FollowUpStatus.open, "Ray Rep", acme["acme"].id, "Acme Corporation", 1)
    assert [(c.name, c.title, c.buying_role, c.relationship_strength, c.last_contacted_at)
            for c in card.key_contacts] == [
        ("Dora Decider", "CFO", BuyingRole.decision_maker, 4, at(11, 2, 9)),
        ("Chad Champion", None, BuyingRole.champion, 5, None),
        ("Una User", None, BuyingRole.user, None, None),
    ]
    assert isinstance(card.key_contacts[0], ContactView)
    assert card.whitespace == ["Analytics", "Support"]
    assert card.may_create_deal


def test_an_account_without_anything_reads_as_empty_in_one_statement(session, acme):
    bare = make_account(session, name="Bare Ltd")
    make_opportunity(session, account=acme["acme"], stage="Closed Won", amount=10, closed_on=date(2026, 6, 15))
    statements, card = statements_of_card(session, ADMIN, bare.id)
    assert statements == 1
    assert (card.aliases, card.parent_name, card.owner, card.team, card.plan_health, card.last_touch,
            card.next_follow_up, card.key_contacts) == ([], None, None, [], None, None, None, [])
    assert (card.pipeline.count, card.pipeline.amount, card.pipeline.native) == (0, 0, {})
    assert card.whitespace == ["Analytics", "Cloud", "Support"]
    assert card.tier == Tier.general and card.overdue_touch and card.why.figures is None
    # No figures recorded: its won deals (none) over the window ending on the last won deal on record.
    assert card.why.won_deals_window == (date(2025, 7, 1), date(2026, 6, 15))


def test_won_deals_in_two_currencies_value_an_account_without_figures(session, acme):
    won = make_account(session, name="Won Ways")
    make_opportunity(session, account=won, stage="Closed Won", amount="1000.25", closed_on=date(2026, 3, 1))
    make_opportunity(session, account=won, stage="Closed Won", amount=2000, currency="EUR", closed_on=date(2026, 2, 1))
    make_opportunity(session, account=won, stage="Closed Won", amount=5000, closed_on=date(2025, 10, 31))  # before
    make_opportunity(session, account=won, stage="Closed Won", amount=3000, currency="GBP", closed_on=date(2026, 4, 2))
    make_opportunity(session, account=acme["acme"], stage="Closed Won", amount=1, closed_on=date(2026, 10, 31))
    statements, card = statements_of_card(session, ADMIN, won.id)
    assert statements == 1
    figures = card.why.figures
    assert (figures.source, figures.period, figures.won_deals, figures.revenue, figures.total_value) == (
        "won_deals", "2025-11/2026-10", 2, Decimal("3200.25"), Decimal("3200.25"))
    assert [(x.currency, x.deals, x.amount) for x in figures.left_out] == [("GBP", 1, Decimal("3000.00"))]
    assert (figures.window_start, figures.window_end) == (date(2025, 11, 1), date(2026, 10, 31))
    assert card.why.won_deals_window is None


def test_the_card_still_refuses_what_it_refused(session, acme):
    with pytest.raises(NotFound):
        card_of(session, ADMIN, 987654)
    stranger = make_person(session, role=Role.rep, name="Stan Stranger", team="south")
    team_only = POLICY.model_copy(update={"visibility": "team"})
    with pytest.raises(Forbidden):
        account_card(session, actor=Actor.of(stranger), account_id=acme["acme"].id, policy=team_only, today=TODAY)
    card = account_card(session, actor=Actor.of(stranger), account_id=acme["acme"].id, policy=POLICY, today=TODAY)
    assert not card.may_create_deal
