"""The lost reasons an admin keeps (kam_core.opportunities.lost_reasons): the seeded list, adding,
retiring (kept on old deals, no longer offered), bringing back; only admins change it."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import Role
from kam_core.errors import Forbidden, InvalidInput, NotFound
from kam_core.opportunities.editing import close_opportunity
from kam_core.opportunities.lost_reasons import add_lost_reason, lost_reasons, retire_lost_reason
from kam_core.opportunities.models import LostReason
from kam_core.opportunities.service import opportunity_detail
from kam_core.policy import Policy
from tests.factories import make_account, make_opportunity, make_person

ADMIN = Actor.system("cli")
SEEDED = ["Price", "Lost to a competitor", "No budget", "No decision", "Timing", "Product fit", "Relationship"]
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def names(session, **kwargs) -> list[str]:
    return [r.name for r in lost_reasons(session, **kwargs)]


def test_the_seeded_reasons_are_offered_in_order(session):
    assert names(session) == SEEDED


def test_an_added_reason_goes_last_and_a_name_already_there_changes_nothing(session):
    reason, outcome = add_lost_reason(session, actor=ADMIN, name="  Went   in-house ")
    assert (reason.name, outcome) == ("Went in-house", "added")
    assert names(session)[-1] == "Went in-house"
    assert add_lost_reason(session, actor=ADMIN, name="PRICE")[1] == "exists"
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.entity == "lost_reason")) == 1


def test_a_retired_reason_is_no_longer_offered_but_stays_on_the_deals_lost_for_it(session):
    rep = make_person(session, name="Alice Rep")
    deal = make_opportunity(session, account=make_account(session, owner=rep), name="Fleet")
    timing = session.scalar(select(LostReason).where(LostReason.name == "Timing"))
    close_opportunity(session, actor=Actor.of(rep), opportunity_id=deal.id, expected_version=None, outcome="lost",
                      lost_reason_id=timing.id, now=NOW, today=TODAY, policy=Policy())
    assert retire_lost_reason(session, actor=ADMIN, name="timing")[1] == "retired"
    assert "Timing" not in names(session) and "Timing" in names(session, include_retired=True)
    assert opportunity_detail(session, actor=Actor.of(rep), opportunity_id=deal.id, policy=Policy(),
                              today=TODAY).lost_reason == "Timing"
    assert retire_lost_reason(session, actor=ADMIN, name="Timing")[1] == "already_retired"
    # Added again, it comes back where it was.
    assert add_lost_reason(session, actor=ADMIN, name="Timing")[1] == "restored"
    assert names(session) == SEEDED


def test_bad_names_and_unknown_reasons_say_so(session):
    with pytest.raises(InvalidInput) as refused:
        add_lost_reason(session, actor=ADMIN, name="   ")
    assert refused.value.problem == "lost_reason_name_missing"
    with pytest.raises(InvalidInput) as refused:
        add_lost_reason(session, actor=ADMIN, name="x" * 101)
    assert refused.value.problem == "lost_reason_name_too_long"
    with pytest.raises(NotFound):
        retire_lost_reason(session, actor=ADMIN, name="Bad luck")


@pytest.mark.parametrize("role", [Role.rep, Role.manager])
def test_only_admins_change_the_list(session, role):
    person = Actor.of(make_person(session, role=role))
    for change in (add_lost_reason, retire_lost_reason):
        with pytest.raises(Forbidden) as refused:
            change(session, actor=person, name="Price")
        assert refused.value.params == {"action": "manage_lost_reasons"}
    assert names(session) == SEEDED
