"""The weekly manager digest's content, its timezone-dependent week, and its statement count."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.chat.text import screen_of
from bot.emulator import Reply
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, SECTION_TEXT_LIMIT
from handlers.render.digest import digest_message
from kam_core.accounts.models import TierChange
from kam_core.actors import Actor
from kam_core.digests.builder import build_digest, build_digests
from kam_core.enums import ActionStatus, InteractionKind, PlanHealth, Role, Tier, TierSource
from kam_core.errors import Forbidden
from kam_core.opportunities.models import StageChange
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import (
    make_account, make_follow_up, make_interaction, make_opportunity, make_person, make_plan, stage_named,
)

WEEK = "2026-W47"  # Mon 16 Nov - Sun 22 Nov 2026
IN_WEEK = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # the Tuesday after the week: when it is read
SYSTEM = Actor.system("test")


def moved(session, opportunity, to: str, at: datetime, *, from_: str | None = None) -> None:
    session.add(StageChange(opportunity_id=opportunity.id, to_stage_id=stage_named(session, to).id, changed_at=at,
                            from_stage_id=stage_named(session, from_ or "Prospecting").id))
    opportunity.stage = stage_named(session, to)
    session.flush()


@pytest.fixture
def team(session):
    """Mia manages Ray and Rosa; Otto manages Olga (another team)."""
    mia = make_person(session, role=Role.manager, name="Mia Manager", timezone="Asia/Shanghai")
    ray = make_person(session, name="Ray Rep", manager=mia)
    rosa = make_person(session, name="Rosa Rep", manager=mia)
    otto = make_person(session, role=Role.manager, name="Otto Other", timezone="America/New_York")
    olga = make_person(session, name="Olga Rep", manager=otto)
    acme = make_account(session, name="Acme <Corp>", owner=ray, computed_tier=Tier.key)
    globex = make_account(session, name="Globex", owner=rosa, computed_tier=Tier.key)
    initech = make_account(session, name="Initech", owner=olga, computed_tier=Tier.key)
    return {"mia": mia, "ray": ray, "rosa": rosa, "otto": otto, "olga": olga, "acme": acme, "globex": globex,
            "initech": initech}


def mias_digest(session, team, **kwargs):
    kwargs.setdefault("now", AFTER)
    return build_digest(session, actor=SYSTEM, policy=Policy(), manager_id=team["mia"].id, week=WEEK, **kwargs)


def test_pipeline_movement_of_the_week_with_amounts(session, team):
    acme, globex = team["acme"], team["globex"]
    make_opportunity(session, account=acme, name="Fresh deal", amount=7000, created_at=IN_WEEK)
    make_opportunity(session, account=acme, name="Old deal", amount=9000, created_at=BEFORE)
    advancing = make_opportunity(session, account=acme, name="Moving deal", amount=3000, created_at=BEFORE)
    moved(session, advancing, "Qualification", IN_WEEK)
    won = make_opportunity(session, account=globex, name="Big win", amount=50000, created_at=BEFORE)
    moved(session, won, "Closed Won", IN_WEEK, from_="Qualification")
    lost = make_opportunity(session, account=acme, name="Gone", amount=2000, created_at=BEFORE)
    moved(session, lost, "Closed Lost", IN_WEEK)
    make_opportunity(session, account=globex, name="Late deal", amount=4000, created_at=BEFORE,
                     expected_close_date=date(2026, 11, 19))
    make_opportunity(session, account=team["initech"], name="Other team's win", created_at=IN_WEEK)

    movement = mias_digest(session, team).movement

    assert [d.name for d in movement.new.items] == ["Fresh deal"] and movement.new_amount == 7000
    assert [(d.name, d.from_stage, d.stage) for d in movement.advanced.items] == [
        ("Moving deal", "Prospecting", "Qualification")]
    assert [(d.name, d.account_name) for d in movement.won.items] == [("Big win", "Globex")]
    assert movement.won_amount == 50000 and movement.lost_amount == 2000
    assert [d.name for d in movement.slipped.items] == ["Late deal"]


def test_weighted_pipeline_by_stage_and_lever(session, team):
    from kam_core.enums import Lever

    # The week's pipeline holds the deals that existed by its end (created before it here).
    make_opportunity(session, account=team["acme"], amount=10000, probability=50, lever=Lever.cross_sell,
                     created_at=BEFORE)
    make_opportunity(session, account=team["globex"], amount=1000, stage="Qualification", lever=Lever.raise_usage,
                     created_at=BEFORE)
    make_opportunity(session, account=team["initech"], amount=99999, created_at=BEFORE)  # another team

    pipeline = mias_digest(session, team).pipeline

    assert pipeline.total.count == 2 and pipeline.total.amount == 11000
    assert [(line.label, line.weighted_amount) for line in pipeline.by_stage] == [
        ("Prospecting", 5000), ("Qualification", 200)]
    assert [line.label for line in pipeline.by_lever] == ["cross_sell", "raise_usage"]


def test_quiet_key_accounts_troubled_plans_overdue_follow_ups_tiers_coverage_complaints(session, team):
    acme, globex, ray = team["acme"], team["globex"], team["ray"]
    make_interaction(session, account=acme, occurred_at=IN_WEEK)
    make_interaction(session, account=acme, occurred_at=IN_WEEK + timedelta(days=1))
    make_interaction(session, account=globex, occurred_at=datetime(2026, 10, 20, tzinfo=UTC))
    make_plan(session, account=globex, last_reviewed_at=datetime(2026, 11, 1, tzinfo=UTC), actions=[
        {"due_date": date(2026, 10, d), "status": ActionStatus.open} for d in (1, 2, 3)])
    make_plan(session, account=acme, last_reviewed_at=datetime(2026, 11, 1, tzinfo=UTC))
    # Follow-ups count when they were open at the week's end: made before it (here BEFORE).
    make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 10), created_at=BEFORE)
    make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 20), created_at=BEFORE)
    make_follow_up(session, account=acme, owner=ray, due_on=date(2026, 11, 24),  # after the week: not overdue
                   created_at=BEFORE)
    session.add(TierChange(account_id=acme.id, old_tier=Tier.important, new_tier=Tier.key, source=TierSource.manual,
                           reason="Strategic logo", changed_at=IN_WEEK))
    make_interaction(session, account=acme, occurred_at=IN_WEEK, kind=InteractionKind.complaint,
                     text="Late delivery <again>")
    make_interaction(session, account=team["initech"], occurred_at=IN_WEEK, kind=InteractionKind.complaint,
                     text="Not Mia's business")
    session.flush()

    d = mias_digest(session, team)

    assert [(i.account_name, i.days_since_touch) for i in d.untouched.items] == [("Globex", 34)]
    assert [(p.account_name, p.status) for p in d.plans.items] == [("Globex", PlanHealth.off_track)]
    assert d.plans.items[0].reasons[0].code == "overdue_actions"
    assert [(r.rep_name, r.overdue, r.oldest_days) for r in d.follow_ups.items] == [("Ray Rep", 2, 13)]
    assert [(t.account_name, t.new_tier, t.reason) for t in d.tier_changes.items] == [
        ("Acme <Corp>", Tier.key, "Strategic logo")]
    assert {(c.rep_name, c.key_accounts, c.touched, c.touches) for c in d.coverage.items} == {
        ("Ray Rep", 1, 1, 3), ("Rosa Rep", 1, 0, 0)}
    assert [c.text for c in d.complaints.items] == ["Late delivery <again>"]
    assert (d.team_size, d.accounts) == (3, 2)
    mrkdwn = "\n".join(b["text"]["text"] for b in digest_message(d).blocks if "text" in b)
    assert "Acme &lt;Corp&gt;" in mrkdwn and "Late delivery &lt;again&gt;" in mrkdwn and "<Corp>" not in mrkdwn


def test_the_week_is_the_managers_own_local_week(session, team):
    # Sunday 22 Nov 20:00 UTC is Monday 04:00 in Shanghai (next week) and Sunday 15:00 in New York.
    late_sunday = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    # Monday 16 Nov 01:00 UTC is Monday 09:00 in Shanghai (this week) and still Sunday in New York.
    early_monday = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    for account in (team["acme"], team["initech"]):
        make_interaction(session, account=account, occurred_at=late_sunday, kind=InteractionKind.complaint,
                         text="late sunday")
        make_interaction(session, account=account, occurred_at=early_monday, kind=InteractionKind.complaint,
                         text="early monday")

    digests = {d.manager_name: d for d in build_digests(session, actor=SYSTEM, policy=Policy(), week=WEEK)}

    assert [c.text for c in digests["Mia Manager"].complaints.items] == ["early monday"]
    assert [c.text for c in digests["Otto Other"].complaints.items] == ["late sunday"]


def test_a_manager_reporting_to_a_manager_is_in_both_teams(session, team):
    boss = make_person(session, role=Role.manager, name="Bea Boss")
    team["mia"].manager = boss
    make_account(session, name="Mia's own", owner=team["mia"])
    session.flush()
    digests = {d.manager_name: d for d in build_digests(session, actor=SYSTEM, policy=Policy(), week=WEEK)}
    assert digests["Bea Boss"].accounts == 1 and digests["Mia Manager"].accounts == 3


def test_only_the_manager_themself_may_read_their_digest(session, team):
    with pytest.raises(Forbidden):
        build_digest(session, actor=Actor.of(team["ray"]), policy=Policy(), manager_id=team["mia"].id, week=WEEK)
    with pytest.raises(Forbidden):
        build_digests(session, actor=Actor.of(team["mia"]), policy=Policy(), week=WEEK)
    assert build_digest(session, actor=Actor.of(team["mia"]), policy=Policy(), manager_id=team["mia"].id,
                        week=WEEK).manager_name == "Mia Manager"


def test_long_lists_show_the_top_items_and_and_n_more_within_slacks_limits(session, team):
    for n in range(40):
        account = make_account(session, name=f"Quiet {n:02d} " + "x" * 150, owner=team["ray"], computed_tier=Tier.key)
        make_interaction(session, account=account, occurred_at=IN_WEEK, kind=InteractionKind.complaint,
                         text="Broken again " * 40)
        make_opportunity(session, account=account, amount=1000 + n, created_at=IN_WEEK)
        make_plan(session, account=account, actions=[{"due_date": date(2026, 10, 1)}] * 3)

    for top in (5, 200):  # whatever the builder keeps, the message stays within the limits
        message = digest_message(mias_digest(session, team, top=top))
        assert len(message.blocks) <= MESSAGE_BLOCK_LIMIT
        for block in message.blocks:
            assert len(block.get("text", {}).get("text", "")) <= SECTION_TEXT_LIMIT
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    assert len(element["text"]["text"]) <= 75
    message = digest_message(mias_digest(session, team))
    text = "\n".join(screen_of([Reply(kind="message", text=message.text, blocks=message.blocks)]).lines)
    assert text.count("and 35 more") == 3  # 40 new deals, complaints, troubled plans: 5 shown of each


def grow(session, managers: int, accounts_per_rep: int) -> None:
    for m in range(managers):
        manager = make_person(session, role=Role.manager, timezone=["Asia/Shanghai", "Europe/Berlin"][m % 2])
        for r in range(2):
            rep = make_person(session, manager=manager)
            for a in range(accounts_per_rep):
                account = make_account(session, owner=rep, computed_tier=Tier.key if a % 2 else Tier.general)
                make_interaction(session, account=account, occurred_at=IN_WEEK)
                make_interaction(session, account=account, occurred_at=IN_WEEK, kind=InteractionKind.complaint)
                deal = make_opportunity(session, account=account, created_at=IN_WEEK)
                moved(session, deal, "Qualification", IN_WEEK)
                make_follow_up(session, account=account, due_on=date(2026, 11, 1))
                make_plan(session, account=account, objectives=[{"target": 10}],
                          actions=[{"due_date": date(2026, 10, 1)}])
                session.add(TierChange(account_id=account.id, new_tier=Tier.key, source=TierSource.computed,
                                       changed_at=IN_WEEK))
    session.flush()


def test_the_statement_count_does_not_grow_with_accounts_or_managers(session, engine, team):
    def build():
        return build_digests(session, actor=SYSTEM, policy=Policy(), week=WEEK)

    grow(session, managers=1, accounts_per_rep=2)
    small = count_statements(engine, build)
    grow(session, managers=4, accounts_per_rep=12)
    large = count_statements(engine, build)
    assert len(build()) == 7 and sum(d.complaints.total for d in build()) == 2 * 2 + 4 * 2 * 12
    one = count_statements(engine, lambda: mias_digest(session, team))
    assert small == large == one
    assert large <= 20
