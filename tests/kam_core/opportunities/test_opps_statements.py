"""/kam opps in one statement after the request's preamble: the account with its owner, its open deals with
stage, product and owner, and its account team, however many deals, currencies and products it has."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kam_core.accounts.models import AccountTeamMember, Product
from kam_core.actors import Actor
from kam_core.changes import remember_versions, versions_column
from kam_core.enums import Lever, Quadrant, Role, TeamRole
from kam_core.errors import Forbidden, NotFound
from kam_core.fx.rates import set_rate
from kam_core.opportunities.service import account_opportunities, pipeline_of
from kam_core.policy import Policy, PriorityPolicy
from tests.conftest import count_statements
from tests.factories import make_account, make_opportunity, make_person, make_team

TODAY = date(2026, 6, 1)
# No configured threshold: "high value" is the open pipeline's median, kept per process (priority.py).
POLICY = Policy(priority=PriorityPolicy(high_likelihood_percent=50), visibility="team")


def as_a_request_begins(session) -> None:
    """What handlers.session's preamble does: the change markers read beside the person, so what is kept per
    process (the high-value threshold, the exchange rates) is checked without a statement of its own."""
    remember_versions(session, session.scalar(select(versions_column())))


@pytest.fixture
def acme(session):
    mia, alice, bob = make_team(session)
    carl = make_person(session, name="Carl Engineer", team="north")
    set_rate(session, actor=Actor.system(), reporting="USD", currency="EUR", rate="1.10", valid_from="2026-01-01",
             today=TODAY)
    platform, support = Product(name="Platform"), Product(name="Support")
    session.add_all([platform, support])
    acme = make_account(session, name="Acme", owner=alice)
    session.add(AccountTeamMember(account_id=acme.id, person=carl, role=TeamRole.solution_engineer))
    make_opportunity(session, account=acme, name="Platform renewal", stage="Negotiation/Review", amount="50000",
                     product=platform, lever=Lever.raise_usage, expected_close_date=date(2026, 6, 20),
                     next_step="Send the quote")
    make_opportunity(session, account=acme, name="EU expansion", stage="Proposal/Price Quote", amount="20000",
                     currency="EUR", product=support, owner=bob, lever=Lever.cross_sell,
                     expected_close_date=date(2026, 5, 25))
    make_opportunity(session, account=acme, name="Pilot", stage="Qualification", amount="3000", probability=70,
                     owner=bob)
    make_opportunity(session, account=acme, name="Won last year", stage="Closed Won", amount="99000")
    make_opportunity(session, account=acme, name="Lost", stage="Closed Lost", amount="5000")
    make_opportunity(session, name="Someone else's", stage="Negotiation/Review", amount="7000")
    session.flush()
    return acme, {"mia": mia, "alice": alice, "bob": bob, "carl": carl}


def test_an_accounts_deals_take_one_statement_after_the_preamble(session, acme):
    account, people = acme
    as_a_request_begins(session)
    listing = []

    def read(who: str) -> None:
        listing.append(account_opportunities(session, actor=Actor.of(people[who]), account_id=account.id,
                                             policy=POLICY, today=TODAY))

    read("alice")  # the first request after a change computes the median and reads the rates once
    assert count_statements(session, lambda: read("carl")) == 1
    view = listing[-1]

    # Median of the open amounts (3,000 · 7,000 · 20,000 · 50,000, the upper middle one): 20,000.
    assert (view.account_id, view.account_name) == (account.id, "Acme")
    assert [(d.name, d.stage, d.product, d.owner_name, d.amount, d.currency, d.probability, d.weighted_amount,
             d.quadrant, d.days_to_close, d.overdue) for d in view.deals] == [
        ("Platform renewal", "Negotiation/Review", "Platform", "Alice Rep", Decimal("50000.00"), "USD", 85,
         Decimal("42500.00"), Quadrant.act_now, 19, False),
        ("EU expansion", "Proposal/Price Quote", "Support", "Bob Rep", Decimal("20000.00"), "EUR", 70,
         Decimal("14000.00"), Quadrant.act_now, -7, True),
        ("Pilot", "Qualification", None, "Bob Rep", Decimal("3000.00"), "USD", 70, Decimal("2100.00"),
         Quadrant.quick_win, None, False),
    ]
    renewal, expansion, pilot = view.deals
    assert (renewal.lever, renewal.next_step, renewal.expected_close_date, renewal.owner_email) == (
        Lever.raise_usage, "Send the quote", date(2026, 6, 20), people["alice"].email)
    assert (expansion.reporting_currency, expansion.reporting_amount, expansion.reporting_weighted) == (
        "USD", Decimal("22000.00"), Decimal("15400.00"))
    assert (pilot.own_probability, pilot.lever, pilot.reporting_currency) == (70, None, None)
    assert [d.may_move for d in view.deals] == [True, True, True]  # Carl is on the account team
    totals = pipeline_of(view.deals, reporting="USD")
    assert (totals.count, totals.amount, totals.weighted_amount) == (3, Decimal("75000.00"), Decimal("60000.00"))


def test_who_may_move_each_deal_comes_from_the_same_statement(session, acme):
    account, people = acme
    as_a_request_begins(session)
    bob = Actor.of(people["bob"])
    account_opportunities(session, actor=bob, account_id=account.id, policy=POLICY, today=TODAY)
    seen = []
    assert count_statements(session, lambda: seen.append(account_opportunities(
        session, actor=bob, account_id=account.id, policy=POLICY, today=TODAY))) == 1
    assert [(d.name, d.may_move) for d in seen[0].deals] == [
        ("Platform renewal", False), ("EU expansion", True), ("Pilot", True)]


def test_an_unknown_or_hidden_account_is_refused_in_that_statement(session, acme):
    account, _ = acme
    outsider = make_person(session, name="Olga Outsider", team="west", role=Role.rep)
    as_a_request_begins(session)
    with pytest.raises(NotFound):
        account_opportunities(session, actor=Actor.of(outsider), account_id=999_999, policy=POLICY, today=TODAY)
    refused = []

    def read() -> None:
        try:
            account_opportunities(session, actor=Actor.of(outsider), account_id=account.id, policy=POLICY,
                                  today=TODAY)
        except Forbidden as error:
            refused.append(error)

    assert count_statements(session, read) == 1 and len(refused) == 1
