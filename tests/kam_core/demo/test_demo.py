"""`kam demo`: a realistic, deterministic dataset that shows every feature."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from kam_core import models as m
from kam_core.clock import today as utc_today
from kam_core.db import make_engine, make_sessionmaker
from kam_core.enums import ActionStatus, FollowUpStatus, InteractionKind, Lever, PlanHealth, Role, Tier
from kam_core.plans.service import plan_health_by_account
from kam_core.policy import Policy
from kam_core.schema import upgrade
from tests.conftest import drop_database, fresh_database_url

runner = CliRunner()
SMALL = ["--accounts", "60", "--interactions", "300", "--opportunities", "90", "--reps", "4", "--managers", "2"]


def kam(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def demo_url(backend, tmp_path_factory):
    """One default-size demo per back end, shared by the read-only tests below."""
    url = fresh_database_url(backend, tmp_path_factory.mktemp(f"demo-{backend}"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    result = kam("demo", "--database", url)
    assert result.exit_code == 0, result.output
    yield url, result.output
    drop_database(url)


@pytest.fixture
def demo_session(demo_url):
    engine = make_engine(demo_url[0])
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def test_report_names_the_demo_users_and_what_to_try(demo_url):
    output = demo_url[1]
    for slack_id in ("U0DEMOREP1", "U0DEMOMGR1", "U0DEMOADM1", "U0DEMOREPZH", "U0DEMOMGRZH"):
        assert slack_id in output
    assert "kam chat --user rep@demo.kam.test" in output and "kam accounts show '" in output and "--as rep@demo.kam.test" in output
    assert "accounts                        200" in output


def test_demo_users_are_linked_to_their_slack_ids(demo_session):
    linked = demo_session.scalars(select(m.Person).where(m.Person.slack_user_id.is_not(None)))
    people = {p.slack_user_id: p for p in linked}
    assert set(people) == {"U0DEMOREP1", "U0DEMOMGR1", "U0DEMOADM1", "U0DEMOREPZH", "U0DEMOMGRZH"}
    assert people["U0DEMOREP1"].role == Role.rep and people["U0DEMOMGR1"].role == Role.manager
    assert people["U0DEMOADM1"].role == Role.admin
    assert people["U0DEMOREP1"].manager_id == people["U0DEMOMGR1"].id
    roles = dict(demo_session.execute(select(m.Person.role, func.count()).group_by(m.Person.role)).all())
    assert roles == {Role.admin: 1, Role.manager: 4, Role.rep: 13}  # with the Chinese-speaking pair


def test_a_chinese_speaking_rep_and_manager_own_chinese_companies(demo_session):
    people = {p.slack_user_id: p for p in demo_session.scalars(select(m.Person).where(
        m.Person.slack_user_id.is_not(None)))}
    rep, manager = people["U0DEMOREPZH"], people["U0DEMOMGRZH"]
    assert (rep.language, manager.language) == ("zh", "zh")
    assert {p.language for k, p in people.items() if not k.endswith("ZH")} == {None}  # the others as they were
    assert rep.role == Role.rep and rep.manager_id == manager.id and manager.role == Role.manager
    owned = demo_session.scalars(select(m.Account).where(m.Account.owner_id == rep.id)).all()
    assert owned and all(a.country == "China" for a in owned)
    assert {a.computed_tier for a in owned} == set(Tier)
    plans = demo_session.scalars(select(m.AccountPlan.account_id)).all()
    assert any(a.id in plans for a in owned)


def test_value_ranking_makes_a_few_accounts_key(demo_session):
    tiers = dict(demo_session.execute(
        select(m.Account.computed_tier, func.count()).group_by(m.Account.computed_tier)).all())
    assert set(tiers) == set(Tier)
    assert sum(tiers.values()) == 200
    assert 0.08 <= tiers[Tier.key] / 200 <= 0.18
    periods = demo_session.scalars(select(m.AccountValue.period).distinct()).all()
    assert sorted(periods) == [str(utc_today().year - 1), str(utc_today().year)]


def test_names_include_chinese_companies_with_cross_script_aliases(demo_session):
    chinese = demo_session.scalars(select(m.Account.name).where(m.Account.name.like("%有限公司"))).all()
    assert len(chinese) >= 40
    assert any(name.endswith("股份有限公司") for name in chinese)
    huawei = demo_session.scalar(select(m.Account).where(m.Account.name == "华为技术有限公司"))
    assert {"Huawei", "华为"} <= {a.alias for a in huawei.aliases}
    assert demo_session.scalar(select(func.count()).where(m.Account.parent_id == huawei.id)) >= 1
    english = demo_session.scalars(select(m.Account.name).where(m.Account.country != "China")).all()
    assert any(name.endswith(("Inc.", "Ltd", "GmbH")) for name in english)


def test_every_plan_health_state_occurs(demo_session):
    today = utc_today()
    plan_accounts = demo_session.scalars(select(m.AccountPlan.account_id)).all()
    assert plan_accounts
    key = set(demo_session.scalars(select(m.Account.id).where(m.Account.computed_tier == Tier.key)))
    assert set(plan_accounts) <= key
    health = plan_health_by_account(demo_session, plan_accounts, policy=Policy(), today=today)
    assert {h.status for h in health.values()} == set(PlanHealth)
    overdue = demo_session.scalar(select(func.count(func.distinct(m.PlanAction.plan_id))).where(
        m.PlanAction.due_date < today, m.PlanAction.status.in_([ActionStatus.open, ActionStatus.in_progress])))
    assert overdue > 0
    assert demo_session.scalar(select(func.count()).where(m.AccountPlan.last_reviewed_at.is_(None))) > 0


def test_some_key_accounts_are_past_their_cadence(demo_session):
    cutoff = utc_today() - timedelta(days=Policy().cadence.key_days)
    last_touch = (select(m.Interaction.account_id, func.max(m.Interaction.occurred_at).label("last"))
                  .group_by(m.Interaction.account_id).subquery())
    stale = demo_session.scalar(
        select(func.count()).select_from(m.Account).join(last_touch, last_touch.c.account_id == m.Account.id)
        .where(m.Account.computed_tier == Tier.key, func.date(last_touch.c.last) < cutoff)
    )
    assert stale > 0


def test_follow_ups_are_overdue_due_today_and_upcoming_for_the_demo_rep(demo_session):
    today = utc_today()
    rep = demo_session.scalar(select(m.Person).where(m.Person.slack_user_id == "U0DEMOREP1"))
    due = demo_session.scalars(select(m.FollowUp.due_on).where(
        m.FollowUp.owner_id == rep.id, m.FollowUp.status == FollowUpStatus.open)).all()
    assert any(d < today for d in due) and today in due and any(d > today for d in due)


def test_care_touches_and_pipeline_have_something_to_show(demo_session):
    today, week = utc_today(), utc_today() + timedelta(days=7)
    renewals = demo_session.scalar(select(func.count()).where(m.Account.renewal_date.between(today, week)))
    assert renewals > 0
    birthdays = [b.replace(year=today.year) for b in demo_session.scalars(
        select(m.Contact.birthday).where(m.Contact.birthday.is_not(None))) if not (b.month == 2 and b.day == 29)]
    assert any(today <= b <= week or today <= b.replace(year=today.year + 1) <= week for b in birthdays)
    stages = demo_session.scalar(select(func.count(func.distinct(m.Opportunity.stage_id))))
    assert stages == demo_session.scalar(select(func.count()).select_from(m.Stage))
    assert set(demo_session.scalars(select(m.Opportunity.lever).distinct())) == set(Lever)
    assert set(demo_session.scalars(select(m.Interaction.kind).distinct())) == set(InteractionKind)
    whitespace = demo_session.scalar(select(func.count()).select_from(m.AccountProduct))
    assert 0 < whitespace < 200 * 8


def test_same_seed_same_data_other_seed_other_data(database_url):
    def snapshot():
        engine = make_engine(database_url)
        with make_sessionmaker(engine)() as session:
            data = (
                session.execute(select(m.Account.name, m.Account.computed_tier).order_by(m.Account.id)).all(),
                session.execute(select(m.AccountValue.account_id, m.AccountValue.period, m.AccountValue.revenue,
                                       m.AccountValue.profit_contribution).order_by(m.AccountValue.id)).all(),
                session.execute(select(m.Interaction.text, m.Interaction.occurred_at).order_by(m.Interaction.id)).all(),
            )
        engine.dispose()
        return data

    assert kam("demo", *SMALL, "--seed", "7", "--database", database_url).exit_code == 0
    first = snapshot()
    rerun = kam("demo", *SMALL, "--seed", "7", "--database", database_url)
    assert rerun.exit_code == 0, rerun.output
    assert "It replaced everything" in rerun.output
    assert snapshot() == first
    assert kam("demo", *SMALL, "--seed", "8", "--database", database_url).exit_code == 0
    other = snapshot()
    assert other[0] != first[0] and other[1] != first[1]


def test_refuses_a_database_with_data_it_did_not_make(database_url):
    added = kam("users", "add", "real.person@example.com", "--name", "Real Person", "--database", database_url)
    assert added.exit_code == 0, added.output
    refused = kam("demo", *SMALL, "--database", database_url)
    assert refused.exit_code == 1
    assert "did not come from `kam demo`" in refused.output and "--force" in refused.output
    assert "Real Person" in kam("users", "list", "--database", database_url).output
    forced = kam("demo", *SMALL, "--force", "--database", database_url)
    assert forced.exit_code == 0, forced.output
    assert "Real Person" not in kam("users", "list", "--database", database_url).output


def test_a_demo_database_takes_new_rows_after_generation(database_url):
    # Ids are chosen by the generator; PostgreSQL's sequences must have moved past them.
    assert kam("demo", *SMALL, "--database", database_url).exit_code == 0
    added = kam("users", "add", "new.rep@example.com", "--name", "New Rep", "--database", database_url)
    assert added.exit_code == 0, added.output


def test_custom_size_is_respected(database_url):
    result = kam("demo", "--accounts", "500", "--interactions", "2000", "--opportunities", "700", "--reps", "20",
                 "--managers", "5", "--database", database_url)
    assert result.exit_code == 0, result.output
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        def count(model):
            return session.scalar(select(func.count()).select_from(model))

        # People: the reps and managers asked for, plus the admin and the Chinese-speaking rep and manager.
        assert (count(m.Account), count(m.Interaction), count(m.Opportunity), count(m.Person)) == (500, 2000, 700, 28)
        assert len(set(session.scalars(select(m.Account.name)))) == 500
    engine.dispose()


def test_bad_size_gets_a_one_line_answer(database_url):
    result = kam("demo", "--accounts", "0", "--database", database_url)
    assert result.exit_code == 1
    assert "--accounts" in result.output and "greater than or equal to 1" in result.output


def test_plan_objectives_count_whole_things(demo_session):
    from kam_core.plans.units import is_countable

    objectives = demo_session.scalars(select(m.PlanObjective)).all()
    counted = [o for o in objectives if is_countable(o.unit)]
    assert {o.unit for o in counted} == {"products", "meetings"}
    assert [(o.unit, o.target, o.actual) for o in counted if o.target % 1 or o.actual % 1] == []


def test_every_reviewed_plan_has_its_reviews_in_the_history(demo_session):
    """A plan the demo marks reviewed has PlanReview rows, the latest on the day of its last review."""
    plans = demo_session.scalars(select(m.AccountPlan)).all()
    reviewed = [p for p in plans if p.last_reviewed_at is not None]
    assert reviewed
    for plan in reviewed:
        latest = max(plan.reviews, key=lambda r: r.reviewed_on)
        assert latest.reviewed_on == plan.last_reviewed_at.date()
        assert latest.notes and latest.reviewer is not None
    assert all(p.reviews == [] for p in plans if p.last_reviewed_at is None)
    assert any(len(p.reviews) > 1 for p in reviewed)


def test_objectives_name_their_growth_lever_where_one_fits(demo_session):
    levers = dict(demo_session.execute(select(m.PlanObjective.description, m.PlanObjective.lever)).all())
    assert levers.get("Products in use") == Lever.cross_sell
    assert levers.get("Grow annual revenue", "absent") in (None, "absent")
