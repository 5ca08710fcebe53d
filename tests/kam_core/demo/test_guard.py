"""What a demo would replace: anything a person wrote since the demo (or in a database it did not make)
stops it, whatever kind of work it is; a demo nobody touched is refreshed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from kam_core import models as m
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.clock import today, utcnow
from kam_core.demo import DemoSize, generate_demo
from kam_core.demo.guard import DemoWouldReplace, found_since_demo, kept_tables
from kam_core.demo.writer import holds_data
from kam_core.digests.schedule import set_schedule
from kam_core.enums import ActionStatus, FollowUpStatus, Role, Source, Tier
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.installation.service import pause
from kam_core.interactions.service import complete_follow_up, log_interaction
from kam_core.opportunities.service import move_stage
from kam_core.people.service import add_person, link_slack
from kam_core.plans.service import complete_action, review_plan
from kam_core.policy import Policy
from kam_core.reminders.preferences import set_reminders
from kam_core.reminders.schemas import Kind
from kam_core.tiers.service import set_tier

SMALL = DemoSize(accounts=20, interactions=80, opportunities=30, reps=2, managers=1)
ADMIN = Actor.system("test")


def demo(session, *, force: bool = False):
    return generate_demo(session, actor=Actor.system("demo"), policy=Policy(), size=SMALL, force=force)


def person(session, slack_user_id: str) -> m.Person:
    return session.scalar(select(m.Person).where(m.Person.slack_user_id == slack_user_id))


def rep(session) -> m.Person:
    return person(session, "U0DEMOREP1")


def manager(session) -> m.Person:
    return person(session, "U0DEMOMGR1")


def rep_account(session) -> m.Account:
    return session.scalar(select(m.Account).where(m.Account.owner_id == rep(session).id).order_by(m.Account.id))


def a_note(session, tmp_path):
    log_interaction(session, actor=Actor.of(rep(session)), policy=Policy(), account_id=rep_account(session).id,
                    text="Met the CFO", source=Source.slash_command, next_step="send quote",
                    follow_up_on=today() + timedelta(days=3))


def a_follow_up_done(session, tmp_path):
    follow_up = session.scalar(select(m.FollowUp).where(m.FollowUp.owner_id == rep(session).id,
                                                        m.FollowUp.status == FollowUpStatus.open))
    complete_follow_up(session, actor=Actor.of(rep(session)), follow_up_id=follow_up.id)


def a_tier_override(session, tmp_path):
    set_tier(session, actor=ADMIN, account_id=rep_account(session).id, tier=Tier.key, reason="strategic logo")


def a_person(session, tmp_path):
    add_person(session, actor=ADMIN, email="real.person@example.com", name="Real Person", role=Role.rep)


def a_slack_link(session, tmp_path):
    unlinked = session.scalar(select(m.Person).where(m.Person.slack_user_id.is_(None)).order_by(m.Person.id))
    link_slack(session, actor=ADMIN, email=unlinked.email, slack_user_id="U0REALLINK")


def a_reminder_setting(session, tmp_path):
    set_reminders(session, actor=Actor.of(rep(session)), kinds=[Kind.cadence], enabled=False)


def a_digest_schedule(session, tmp_path):
    boss = manager(session)
    set_schedule(session, actor=Actor.of(boss), person=boss, weekday=5, hour=17)


def a_plan_review(session, tmp_path):
    plan = session.scalar(select(m.AccountPlan).order_by(m.AccountPlan.id))
    review_plan(session, actor=Actor.of(manager(session)), plan_id=plan.id, now=utcnow())


def a_plan_action_done(session, tmp_path):
    action = session.scalar(select(m.PlanAction).where(
        m.PlanAction.status == ActionStatus.open, m.PlanAction.owner_id.is_not(None)).order_by(m.PlanAction.id))
    complete_action(session, actor=Actor.of(session.get(m.Person, action.owner_id)), action_id=action.id,
                    expected_version=None, now=utcnow())


def a_stage_move(session, tmp_path):
    deal = session.scalar(select(m.Opportunity).join(m.Stage).where(
        m.Stage.is_open, m.Opportunity.owner_id.is_not(None)).order_by(m.Opportunity.id))
    other = session.scalar(select(m.Stage).where(m.Stage.is_open, m.Stage.id != deal.stage_id).order_by(m.Stage.id))
    move_stage(session, actor=Actor.of(session.get(m.Person, deal.owner_id)), opportunity_id=deal.id,
               stage_id=other.id, expected_version=None, now=utcnow())


def an_import(session, tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text("name,industry\nZeta Real Co,Steel\n")
    import_accounts_csv(session, file=csv, actor=ADMIN, policy=Policy())


def an_unaudited_edit(session, tmp_path):
    # Not through a service, so no audit entry: caught by its updated_at alone.
    rep(session).team = "Renamed by hand"
    session.flush()


WORK = [a_note, a_follow_up_done, a_tier_override, a_person, a_slack_link, a_reminder_setting, a_digest_schedule,
        a_plan_review, a_plan_action_done, a_stage_move, an_import, an_unaudited_edit]


def test_a_demo_nobody_touched_is_found_clean_and_refreshed(session):
    demo(session)
    assert not found_since_demo(session).anything
    assert demo(session).replaced_existing


@pytest.mark.parametrize("work", WORK, ids=lambda work: work.__name__.replace("_", " "))
def test_any_work_done_since_the_demo_stops_it_and_is_kept(session, tmp_path, work):
    demo(session)
    work(session, tmp_path)
    session.flush()
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    with pytest.raises(DemoWouldReplace) as refused:
        demo(session)
    assert refused.value.found.made_by_demo and refused.value.found.anything
    # Nothing was wiped: the newest audit entry (the work's, or the demo's marker) is still there,
    # and so is the work itself (found again, the same).
    assert session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) == before
    assert found_since_demo(session) == refused.value.found
    assert demo(session, force=True).replaced_existing
    assert not found_since_demo(session).anything


def test_it_says_what_was_written_changed_and_done_since_the_demo(session, tmp_path):
    demo(session)
    a_note(session, tmp_path)
    an_unaudited_edit(session, tmp_path)
    found = found_since_demo(session)
    assert found.added == {"interactions": 1, "follow_ups": 1}
    assert found.changed == {"people": 1}
    assert found.done == {"log_interaction": 1}


def test_a_marker_from_before_snapshots_still_sees_imports_and_notes(session, tmp_path):
    demo(session)
    marker = session.scalar(select(AuditEntry).where(AuditEntry.action == "demo"))
    marker.changes = {k: v for k, v in marker.changes.items() if k != "tables"}
    session.flush()
    assert not found_since_demo(session).anything
    an_import(session, tmp_path)
    a_note(session, tmp_path)
    found = found_since_demo(session)
    assert found.added == {"accounts": 1, "interactions": 1}
    assert {"import_accounts", "log_interaction"} <= set(found.done)


def test_a_database_the_demo_did_not_make_lists_everything_in_it(session, tmp_path):
    a_person(session, tmp_path)
    with pytest.raises(DemoWouldReplace) as refused:
        demo(session)
    found = refused.value.found
    assert not found.made_by_demo
    assert (found.added, found.done) == ({"people": 1}, {"add_person": 1})


def test_bookkeeping_alone_is_no_data_to_keep(session):
    pause(session, team_id="T0DEMO", reason="uninstalled")
    session.execute(m.ProcessedEvent.__table__.insert().values(event_key="Ev1", seen_at=utcnow()))
    session.execute(AuditEntry.__table__.delete())  # pause() audits itself; the rows above are what is left
    assert not holds_data(session, kept_tables())
    assert not found_since_demo(session).anything
    demo(session)
