from datetime import UTC, datetime

import pytest

from kam_core.actors import Actor
from kam_core.enums import Role, Tier, TierSource
from kam_core.errors import Forbidden, InvalidInput
from kam_core.policy import Policy
from kam_core.tiers.service import explain_tier, recompute_tiers, set_tier, tier_history
from tests.factories import make_account, make_person, make_value

POLICY = Policy()
ADMIN = Actor.system("test")


@pytest.fixture
def book(session):
    """Four accounts worth 500, 300, 150 and 50 (total 1000)."""
    accounts = {}
    for name, profit in [("Acme", 500), ("Globex", 300), ("Initech", 150), ("Hooli", 50)]:
        accounts[name] = make_account(session, name=name)
        make_value(session, account=accounts[name], revenue=profit * 3, profit=profit)
    return accounts


def test_recompute_ranks_the_book_and_explains_each_tier(session, book):
    report = recompute_tiers(session, policy=POLICY, actor=ADMIN)
    assert report.counts == {Tier.key: 1, Tier.important: 1, Tier.general: 2}
    why = explain_tier(session, account_id=book["Acme"].id, policy=POLICY)
    assert (why.tier, why.rank, why.ranked_accounts, why.share, why.share_before) == (Tier.key, 1, 4, 0.5, 0.0)
    assert why.figures.total_value == 500 and why.figures.period == "2026"
    assert explain_tier(session, account_id=book["Globex"].id, policy=POLICY).tier == Tier.important
    assert [h.new_tier for h in tier_history(session, account_id=book["Acme"].id)] == [Tier.key]


def test_latest_period_counts_and_a_second_recompute_changes_nothing(session, book):
    make_value(session, account=book["Hooli"], period="2027", revenue=0, profit=5000)
    recompute_tiers(session, policy=POLICY, actor=ADMIN)
    assert explain_tier(session, account_id=book["Hooli"].id, policy=POLICY).tier == Tier.key
    assert recompute_tiers(session, policy=POLICY, actor=ADMIN).changed == 0


def test_manager_override_wins_over_recompute_and_is_recorded(session, book):
    manager = make_person(session, role=Role.manager, name="Mia Manager")
    book["Hooli"].owner = make_person(session, name="Ray Rep", manager=manager)  # her team's account
    recompute_tiers(session, policy=POLICY, actor=ADMIN)
    set_tier(session, actor=Actor.of(manager), account_id=book["Hooli"].id, tier=Tier.key,
             reason="Reference customer in a new market", now=datetime(2026, 11, 1, tzinfo=UTC))
    recompute_tiers(session, policy=POLICY, actor=ADMIN)
    why = explain_tier(session, account_id=book["Hooli"].id, policy=POLICY)
    assert (why.tier, why.computed_tier) == (Tier.key, Tier.general)
    assert (why.override_by, why.override_reason) == ("Mia Manager", "Reference customer in a new market")
    last = tier_history(session, account_id=book["Hooli"].id)[-1]
    assert (last.old_tier, last.new_tier, last.source, last.author) == (
        Tier.general, Tier.key, TierSource.manual, "Mia Manager")

    set_tier(session, actor=Actor.of(manager), account_id=book["Hooli"].id, tier=None, reason="Back to the numbers")
    assert explain_tier(session, account_id=book["Hooli"].id, policy=POLICY).tier == Tier.general


def test_only_managers_set_tiers_and_always_with_a_reason(session, book):
    rep = make_person(session, role=Role.rep)
    with pytest.raises(Forbidden):
        set_tier(session, actor=Actor.of(rep), account_id=book["Acme"].id, tier=Tier.general, reason="why not")
    manager = make_person(session, role=Role.manager)
    book["Acme"].owner = manager
    with pytest.raises(InvalidInput):
        set_tier(session, actor=Actor.of(manager), account_id=book["Acme"].id, tier=Tier.general, reason="  ")


@pytest.fixture
def teams(session, book):
    """North: manager Mia and rep Ray, who owns Acme. South: manager Sam, who owns Globex himself.
    Initech has no owner."""
    mia = make_person(session, role=Role.manager, name="Mia Manager", team="north")
    sam = make_person(session, role=Role.manager, name="Sam South", team="south")
    book["Acme"].owner = make_person(session, name="Ray Rep", manager=mia)
    book["Globex"].owner = sam
    session.flush()
    return {"mia": Actor.of(mia), "sam": Actor.of(sam)}


@pytest.mark.parametrize("who, account, allowed", [
    ("mia", "Acme", True), ("sam", "Globex", True),    # their team's: a report's, their own
    ("sam", "Acme", False), ("mia", "Globex", False),  # another team's
    ("mia", "Initech", False),                         # no owner: no team's
    ("admin", "Acme", True), ("admin", "Initech", True),
], ids=str)
def test_a_manager_sets_tiers_for_their_team_s_accounts_only(session, book, teams, who, account, allowed):
    actor = ADMIN if who == "admin" else teams[who]
    before = len(tier_history(session, account_id=book[account].id))
    if allowed:
        set_tier(session, actor=actor, account_id=book[account].id, tier=Tier.key, reason="Strategic logo")
        assert explain_tier(session, account_id=book[account].id, policy=POLICY).tier == Tier.key
    else:
        with pytest.raises(Forbidden) as refused:
            set_tier(session, actor=actor, account_id=book[account].id, tier=Tier.key, reason="Strategic logo")
        assert refused.value.params == {"action": "set_tier"}
        assert book[account].tier_override is None
        assert len(tier_history(session, account_id=book[account].id)) == before


def test_another_team_s_manager_is_refused_before_being_asked_for_a_reason(session, book, teams):
    with pytest.raises(Forbidden):
        set_tier(session, actor=teams["sam"], account_id=book["Acme"].id, tier=Tier.key, reason=" ")
