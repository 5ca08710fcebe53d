"""With KAM_VISIBILITY=team, other teams' account names never show in search answers."""

from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.actors import Actor
from kam_core.enums import Role
from kam_core.policy import Policy
from tests.factories import make_account, make_person


def test_team_visibility_hides_other_teams_accounts_from_matches_and_candidates(session):
    east = make_person(session, role=Role.rep, team="East")
    west = make_person(session, role=Role.rep, team="West")
    make_account(session, name="Zenith Robotics", owner=west)
    make_account(session, name="Zenith Foods", owner=east)
    rep = Actor.of(east)

    everyone = search_visible(session, actor=rep, policy=Policy(), query="zenith robotics")
    assert everyone.outcome == Outcome.match and everyone.best.name == "Zenith Robotics"

    team = Policy(visibility="team")
    hidden = search_visible(session, actor=rep, policy=team, query="zenith robotics")
    assert hidden.outcome == Outcome.none and hidden.candidates == []
    assert [c.name for c in search_visible(session, actor=rep, policy=team, query="zenith").candidates] == [
        "Zenith Foods"]
    assert search_visible(session, actor=Actor.system(), policy=team, query="zenith robotics").best.name == (
        "Zenith Robotics")
