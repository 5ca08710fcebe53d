"""Who may move a deal (docs/permissions.md): the deal's owner, the account's owner and its account team;
a manager whose team (direct reports and themselves) owns the deal or the account; admins. The listing
and the detail say so per deal (`may_move`), and move_stage enforces the same rule."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import AccountTeamMember
from kam_core.actors import Actor
from kam_core.enums import Role, TeamRole
from kam_core.errors import Forbidden
from kam_core.opportunities.models import StageChange
from kam_core.opportunities.service import may_move, move_stage, open_opportunities, opportunity_detail
from kam_core.policy import Policy
from tests.factories import make_account, make_opportunity, make_person, stage_named

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
POLICY = Policy()


@pytest.fixture
def people(session):
    """North: manager Mia, reps Alice and Bob. South: manager Sam, reps Sue and Tom (Tom is on the account
    team of the account below). Oscar, in no team, owns the deal; Alice owns the account."""
    mia = make_person(session, role=Role.manager, name="Mia Manager", team="north")
    sam = make_person(session, role=Role.manager, name="Sam South", team="south")
    return {"mia": mia, "sam": sam, "alice": make_person(session, name="Alice Rep", manager=mia),
            "bob": make_person(session, name="Bob Rep", manager=mia),
            "sue": make_person(session, name="Sue South", manager=sam),
            "tom": make_person(session, name="Tom South", manager=sam),
            "oscar": make_person(session, name="Oscar Outside")}


@pytest.fixture
def deal(session, people):
    account = make_account(session, name="Acme", owner=people["alice"])
    session.add(AccountTeamMember(account_id=account.id, person_id=people["tom"].id, role=TeamRole.finance))
    session.flush()
    return make_opportunity(session, account=account, name="Fleet", owner=people["oscar"])


def actor(people, who: str) -> Actor:
    return Actor.system() if who == "admin" else Actor.of(people[who])


def listed(session, people, who, deal):
    [row] = open_opportunities(session, actor=actor(people, who), account_id=deal.account_id, policy=POLICY,
                               today=TODAY)
    return row


@pytest.mark.parametrize("who", [
    "oscar",  # the deal's owner
    "alice",  # the account's owner
    "tom",    # on the account team, in another team
    "mia",    # manager of the account's owner
    "admin",
])
def test_these_may_move_the_deal_and_are_offered_it(session, people, deal, who):
    assert listed(session, people, who, deal).may_move
    detail = opportunity_detail(session, actor=actor(people, who), opportunity_id=deal.id, policy=POLICY, today=TODAY)
    assert detail.may_move
    moved = move_stage(session, actor=actor(people, who), opportunity_id=deal.id,
                       stage_id=stage_named(session, "Qualification").id, expected_version=None, now=NOW)
    assert (moved.stage, moved.may_move) == ("Qualification", True)


@pytest.mark.parametrize("who", [
    "bob",  # a teammate of the account's owner
    "sam",  # manager of an account-team member: the deal is not his team's
    "sue",  # another team's rep
])
def test_these_may_not_and_are_not_offered_it(session, people, deal, who):
    assert not listed(session, people, who, deal).may_move
    assert not opportunity_detail(session, actor=actor(people, who), opportunity_id=deal.id, policy=POLICY,
                                  today=TODAY).may_move
    with pytest.raises(Forbidden) as refused:
        move_stage(session, actor=actor(people, who), opportunity_id=deal.id,
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=NOW)
    assert refused.value.params == {"action": "move_stage"}
    assert session.scalar(select(func.count()).select_from(StageChange)) == 0


def test_a_manager_moves_the_deals_of_their_reports_and_their_own_on_any_account(session, people):
    elsewhere = make_account(session, name="Elsewhere", owner=people["oscar"])
    reports = make_opportunity(session, account=elsewhere, name="Bob's", owner=people["bob"])
    own = make_opportunity(session, account=elsewhere, name="Mia's", owner=people["mia"])
    oscars = make_opportunity(session, account=elsewhere, name="Oscar's")
    mia = Actor.of(people["mia"])
    rows = {v.name: v.may_move for v in open_opportunities(session, actor=mia, account_id=elsewhere.id, policy=POLICY,
                                                           today=TODAY)}
    assert rows == {"Bob's": True, "Mia's": True, "Oscar's": False}
    assert may_move(mia, reports) and may_move(mia, own) and not may_move(mia, oscars)
    assert not may_move(Actor.of(people["sam"]), reports)
