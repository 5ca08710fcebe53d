"""Writing plans (kam_core.plans.editing): who may, what is checked, what is audited, and plan health
following what people enter."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import AccountTeamMember
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.enums import ActionStatus, Lever, PlanHealth, Role, TeamRole, Tier
from kam_core.errors import Conflict, Forbidden, InvalidInput, NotFound
from kam_core.people.service import search_people
from kam_core.plans.editing import (
    add_action, add_objective, create_plan, parse_amount, record_review, set_objective_actual, update_action,
    update_objective, update_plan,
)
from kam_core.plans.models import AccountPlan, PlanAction
from kam_core.plans.schemas import ActionChanges, ObjectiveChanges, PlanChanges
from kam_core.plans.service import plan_health_by_account, plan_status
from kam_core.policy import Policy
from tests.factories import make_account, make_action, make_objective, make_person, make_plan, make_team

TODAY = date(2026, 7, 2)
NOW = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)
POLICY = Policy()
AT = {"now": NOW, "today": TODAY, "policy": POLICY}


def problems(error) -> list[tuple[str | None, str]]:
    return [(p.field, p.problem) for p in getattr(error, "problems", [error])]


def audits(session, entity: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)))


@pytest.fixture
def team(session):
    return make_team(session)


@pytest.fixture
def key_account(session, team):
    return make_account(session, name="Acme", owner=team[1], tier_override=Tier.key)


# ---- creating a plan --------------------------------------------------------------------------------

def test_the_account_owner_creates_a_plan_for_a_key_account(session, team, key_account):
    _, alice, _ = team
    status = create_plan(session, actor=Actor.of(alice), account_id=key_account.id, period_start=date(2026, 7, 1),
                         period_end=date(2027, 6, 30), focus="  Grow cloud spend ", **AT)

    assert (status.account_name, status.focus, status.tier, status.period_end) == (
        "Acme", "Grow cloud spend", Tier.key, date(2027, 6, 30))
    assert (status.may_edit, status.may_review) == (True, False)  # the owner does not review their own plan
    assert status.health.status == PlanHealth.on_track  # just started, nothing late yet
    [entry] = audits(session, "account_plan")
    assert (entry.action, entry.entity_id, entry.changes["focus"]) == ("create_plan", status.plan_id,
                                                                       [None, "Grow cloud spend"])


def test_a_plan_for_an_account_that_is_not_key_needs_a_reason(session, team):
    _, alice, _ = team
    account = make_account(session, owner=alice)  # general tier
    with pytest.raises(InvalidInput) as refused:
        create_plan(session, actor=Actor.of(alice), account_id=account.id, period_start=date(2026, 7, 1),
                    period_end=date(2026, 12, 31), **AT)
    assert problems(refused.value) == [("reason", "plan_needs_reason")]

    status = create_plan(session, actor=Actor.of(alice), account_id=account.id, period_start=date(2026, 7, 1),
                         period_end=date(2026, 12, 31), reason="Largest logo in the region", **AT)
    assert (status.tier, status.reason) == (Tier.general, "Largest logo in the region")


def test_every_problem_of_a_new_plan_is_named_at_once(session, team):
    _, alice, _ = team
    account = make_account(session, owner=alice)
    with pytest.raises(InvalidInput) as refused:
        create_plan(session, actor=Actor.of(alice), account_id=account.id, period_start=date(2026, 7, 1),
                    period_end=date(2026, 1, 1), focus="x" * 3001, **AT)
    assert problems(refused.value) == [("period_end", "period_end_before_start"), ("focus", "too_long"),
                                       ("reason", "plan_needs_reason")]
    assert refused.value.problems[1].params["limit"] == 3000
    assert session.scalar(select(func.count()).select_from(AccountPlan)) == 0


def test_a_second_plan_may_not_overlap_the_first(session, team, key_account):
    _, alice, _ = team
    make_plan(session, account=key_account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    with pytest.raises(InvalidInput) as refused:
        create_plan(session, actor=Actor.of(alice), account_id=key_account.id, period_start=date(2026, 10, 1),
                    period_end=date(2027, 9, 30), **AT)
    assert problems(refused.value) == [(None, "plan_exists")]
    assert refused.value.params["period_start"] == date(2026, 1, 1)
    # The next one, after this one ends, is fine.
    create_plan(session, actor=Actor.of(alice), account_id=key_account.id, period_start=date(2027, 1, 1),
                period_end=date(2027, 12, 31), **AT)


@pytest.mark.parametrize("who, allowed", [
    ("account owner", True), ("account team member", True), ("executive sponsor", True),
    ("owner's manager", True), ("admin", True), ("another rep", False), ("another team's manager", False),
])
def test_who_may_edit_a_plan(session, team, key_account, who, allowed):
    manager, alice, bob = team
    sponsor = make_person(session, name="Sam Sponsor", team="exec")
    member = make_person(session, name="Tess Team", team="elsewhere")
    wes = make_person(session, role=Role.manager, name="Wes West", team="west")
    session.add(AccountTeamMember(account_id=key_account.id, person_id=member.id, role=TeamRole.sales))
    plan = make_plan(session, account=key_account, executive_sponsor=sponsor)
    actor = {"account owner": Actor.of(alice), "account team member": Actor.of(member),
             "executive sponsor": Actor.of(sponsor), "owner's manager": Actor.of(manager), "admin": Actor.system(),
             "another rep": Actor.of(bob), "another team's manager": Actor.of(wes)}[who]

    def edit():
        return update_plan(session, actor=actor, plan_id=plan.id, changes=PlanChanges(our_impact="Halves close time"),
                           **AT)

    assert plan_status(session, actor=actor, account_id=key_account.id, policy=POLICY,
                       today=TODAY).may_edit is allowed
    if allowed:
        assert edit().our_impact == "Halves close time"
    else:
        with pytest.raises(Forbidden):
            edit()
        assert audits(session, "account_plan") == []


# ---- editing the plan's parts ---------------------------------------------------------------------------

def test_only_the_parts_sent_change_and_each_is_audited_old_and_new(session, team, key_account):
    manager, alice, _ = team
    plan = make_plan(session, account=key_account, focus="Cloud", value_proposition="Faster close")
    status = update_plan(session, actor=Actor.of(alice), plan_id=plan.id,
                         changes=PlanChanges(customer_trends="Moving to cloud", value_proposition=None,
                                             executive_sponsor_id=manager.id), **AT)

    assert (status.focus, status.value_proposition, status.customer_trends) == ("Cloud", None, "Moving to cloud")
    assert (status.executive_sponsor, status.executive_sponsor_id) == ("Mia Manager", manager.id)
    [entry] = audits(session, "account_plan")
    assert entry.changes == {"customer_trends": [None, "Moving to cloud"], "value_proposition": ["Faster close", None],
                             "executive_sponsor_id": [None, manager.id]}


def test_an_edit_that_changes_nothing_writes_nothing(session, team, key_account):
    plan = make_plan(session, account=key_account, focus="Cloud")
    update_plan(session, actor=Actor.of(team[1]), plan_id=plan.id, changes=PlanChanges(focus=" Cloud "), **AT)
    assert audits(session, "account_plan") == []


def test_moving_the_period_is_checked_against_the_other_plans(session, team, key_account):
    make_plan(session, account=key_account, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    plan = make_plan(session, account=key_account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    with pytest.raises(InvalidInput) as refused:
        update_plan(session, actor=Actor.of(team[1]), plan_id=plan.id,
                    changes=PlanChanges(period_start=date(2025, 10, 1)), **AT)
    assert problems(refused.value) == [(None, "plan_exists")]
    status = update_plan(session, actor=Actor.of(team[1]), plan_id=plan.id,
                         changes=PlanChanges(period_end=date(2027, 3, 31)), **AT)
    assert status.period_end == date(2027, 3, 31)


def test_clearing_the_reason_of_a_plan_that_is_not_key_is_refused(session, team):
    plan = make_plan(session, account=make_account(session, owner=team[1]), reason="Big logo")
    with pytest.raises(InvalidInput) as refused:
        update_plan(session, actor=Actor.of(team[1]), plan_id=plan.id, changes=PlanChanges(reason=" "), **AT)
    assert problems(refused.value) == [("reason", "plan_needs_reason")]


def test_a_sponsor_must_be_a_known_person(session, team, key_account):
    plan = make_plan(session, account=key_account)
    with pytest.raises(InvalidInput) as refused:
        update_plan(session, actor=Actor.of(team[1]), plan_id=plan.id,
                    changes=PlanChanges(executive_sponsor_id=999_999), **AT)
    assert problems(refused.value) == [("executive_sponsor_id", "no_such_person")]


# ---- objectives ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, value", [
    ("45", "45"), ("1,200", "1200"), ("1.2k", "1200"), ("3M", "3000000"), ("45%", "45"), (" $2.5k ", "2500"),
    ("-3", "-3"), ("0,5", "0.5"), ("12 000", "12000"),
])
def test_amounts_are_read_as_people_type_them(typed, value):
    assert parse_amount(typed, field="actual") == Decimal(value)


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "k", "NaN", "1e5", "12,34,5"])
def test_what_is_no_amount_is_named(typed):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(typed, field="target")
    assert (refused.value.field, refused.value.problem, refused.value.params["text"]) == (
        "target", "not_a_number", typed.strip())


def test_adding_and_updating_objectives(session, team, key_account):
    alice = team[1]
    plan = make_plan(session, account=key_account)
    status = add_objective(session, actor=Actor.of(alice), plan_id=plan.id, description="Cloud revenue",
                           lever=Lever.raise_usage, target=Decimal(1000), unit="kUSD", **AT)
    [objective] = status.objectives
    assert (objective.description, objective.lever, objective.target, objective.actual) == (
        "Cloud revenue", Lever.raise_usage, Decimal(1000), Decimal(0))

    status = update_objective(session, actor=Actor.of(alice), objective_id=objective.id,
                              changes=ObjectiveChanges(actual=Decimal(600), lever=Lever.cross_sell), **AT)
    assert (status.objectives[0].actual, status.objectives[0].lever) == (Decimal(600), Lever.cross_sell)
    added, changed = audits(session, "plan_objective")
    assert added.action == "add_plan_objective"
    assert (changed.changes["plan_id"], changed.changes["lever"]) == (plan.id, ["raise_usage", "cross_sell"])
    assert [Decimal(v) for v in changed.changes["actual"]] == [0, 600]


def test_an_objective_s_problems_are_named_together(session, team, key_account):
    plan = make_plan(session, account=key_account)
    with pytest.raises(InvalidInput) as refused:
        add_objective(session, actor=Actor.of(team[1]), plan_id=plan.id, description=" ", lever=None,
                      target=Decimal(0), unit="x" * 21, **AT)
    assert problems(refused.value) == [("description", "description_missing"), ("target", "target_not_positive"),
                                       ("unit", "too_long")]
    with pytest.raises(InvalidInput) as refused:
        add_objective(session, actor=Actor.of(team[1]), plan_id=plan.id, description="x" * 501, lever=None,
                      target=Decimal(10) ** 15, unit=None, **AT)
    assert problems(refused.value) == [("description", "too_long"), ("target", "too_large")]


@pytest.mark.parametrize("words", ["usage", "Usage", "cloud revenue", "cloud"])
def test_an_objective_s_actual_is_set_by_its_lever_or_its_words(session, team, key_account, words):
    plan = make_plan(session, account=key_account)
    make_objective(session, plan=plan, description="Cloud revenue", target=1000)
    make_objective(session, plan=plan, description="Workshops held", target=4, unit="workshops")
    plan.objectives[0].lever = Lever.raise_usage
    session.flush()
    status = set_objective_actual(session, actor=Actor.of(team[1]), account_id=key_account.id, words=words,
                                  actual=Decimal(450), **AT)
    assert [o.actual for o in status.objectives] == [Decimal(450), Decimal(0)]


def test_naming_no_objective_or_several_says_which_there_are(session, team, key_account):
    plan = make_plan(session, account=key_account)
    make_objective(session, plan=plan, description="Cloud revenue")
    make_objective(session, plan=plan, description="Cloud seats", unit="seats")
    for words, problem in (("retention", "no_such_objective"), ("cloud", "objective_ambiguous")):
        with pytest.raises(InvalidInput) as refused:
            set_objective_actual(session, actor=Actor.of(team[1]), account_id=key_account.id, words=words,
                                 actual=Decimal(1), **AT)
        assert (refused.value.field, refused.value.problem) == ("objective", problem)
        assert refused.value.params["choices"] == ["Cloud revenue", "Cloud seats"]
    with pytest.raises(NotFound):
        set_objective_actual(session, actor=Actor.of(team[1]), account_id=make_account(session, owner=team[1]).id,
                             words="usage", actual=Decimal(1), **AT)


# ---- actions ----------------------------------------------------------------------------------------------

def test_adding_an_action_lists_it_by_due_date_undated_last(session, team, key_account):
    manager, alice, bob = team
    plan = make_plan(session, account=key_account)
    add_action(session, actor=Actor.of(alice), plan_id=plan.id, description="Map the buyers", owner_id=None,
               due_date=None, **AT)
    status = add_action(session, actor=Actor.of(alice), plan_id=plan.id, description="Call the CFO",
                        owner_id=bob.id, due_date=TODAY + timedelta(days=7), **AT)
    assert [(a.description, a.owner_id, a.owner_name) for a in status.actions] == [
        ("Call the CFO", bob.id, "Bob Rep"), ("Map the buyers", None, None)]
    assert [a.description for a in status.upcoming_actions] == ["Call the CFO"]
    assert [e.action for e in audits(session, "plan_action")] == ["add_plan_action", "add_plan_action"]


def test_an_action_s_problems_are_named_together(session, team, key_account):
    plan = make_plan(session, account=key_account)
    with pytest.raises(InvalidInput) as refused:
        add_action(session, actor=Actor.of(team[1]), plan_id=plan.id, description="", owner_id=999_999,
                   due_date=TODAY - timedelta(days=1), **AT)
    assert problems(refused.value) == [("description", "description_missing"), ("owner_id", "no_such_person"),
                                       ("due_date", "due_in_past")]


def test_assigning_rescheduling_completing_reopening_and_cancelling(session, team, key_account):
    manager, alice, bob = team
    plan = make_plan(session, account=key_account, last_reviewed_at=NOW)
    action = make_action(session, plan=plan, description="Call the CFO", owner=alice, due_date=TODAY)

    def change(version, **changes):
        return update_action(session, actor=Actor.of(alice), action_id=action.id, expected_version=version,
                             changes=ActionChanges(**changes), **AT)

    status = change(1, owner_id=bob.id, due_date=TODAY + timedelta(days=10))
    assert [(a.owner_name, a.due_date, a.version) for a in status.actions] == [
        ("Bob Rep", TODAY + timedelta(days=10), 2)]
    status = change(2, status=ActionStatus.done)
    assert status.actions == [] and session.get(PlanAction, action.id).completed_at == NOW
    status = change(3, status=ActionStatus.open)
    assert [a.status for a in status.actions] == [ActionStatus.open]
    assert session.get(PlanAction, action.id).completed_at is None
    status = change(4, status=ActionStatus.cancelled)
    assert status.actions == []
    assert [e.changes for e in audits(session, "plan_action")][0] == {
        "plan_id": plan.id, "owner_id": [alice.id, bob.id], "due_date": [str(TODAY), str(TODAY + timedelta(days=10))]}
    with pytest.raises(Conflict):
        change(1, status=ActionStatus.open)


def test_an_action_s_owner_outside_the_account_team_completes_and_reschedules_but_does_not_reword_it(
        session, team, key_account):
    _, _, bob = team
    outsider = make_person(session, name="Olga Outside", team="elsewhere")
    plan = make_plan(session, account=key_account)
    action = make_action(session, plan=plan, description="Send references", owner=outsider, due_date=TODAY)
    me = Actor.of(outsider)
    update_action(session, actor=me, action_id=action.id, expected_version=None,
                  changes=ActionChanges(due_date=TODAY + timedelta(days=3)), **AT)
    with pytest.raises(Forbidden):
        update_action(session, actor=me, action_id=action.id, expected_version=None,
                      changes=ActionChanges(description="Skip it"), **AT)
    with pytest.raises(Forbidden):
        update_action(session, actor=Actor.of(bob), action_id=action.id, expected_version=None,
                      changes=ActionChanges(status=ActionStatus.done), **AT)
    update_action(session, actor=me, action_id=action.id, expected_version=None,
                  changes=ActionChanges(status=ActionStatus.done), **AT)
    assert session.get(PlanAction, action.id).status == ActionStatus.done


def test_rescheduling_into_the_past_is_refused(session, team, key_account):
    plan = make_plan(session, account=key_account)
    action = make_action(session, plan=plan, owner=team[1], due_date=TODAY)
    with pytest.raises(InvalidInput) as refused:
        update_action(session, actor=Actor.of(team[1]), action_id=action.id, expected_version=1,
                      changes=ActionChanges(due_date=TODAY - timedelta(days=1)), **AT)
    assert problems(refused.value) == [("due_date", "due_in_past")]


# ---- reviews ---------------------------------------------------------------------------------------------

def test_a_manager_records_a_review_with_notes_and_the_customer_s_view(session, team, key_account):
    manager, alice, _ = team
    plan = make_plan(session, account=key_account)
    status = record_review(session, actor=Actor.of(manager), plan_id=plan.id, reviewed_on=TODAY,
                           notes="On track, push the workshop", customer_view="They rate our support 8/10", **AT)
    assert status.last_reviewed_at == NOW
    [review] = status.reviews
    assert (review.reviewed_on, review.reviewer_name, review.notes, review.customer_view) == (
        TODAY, "Mia Manager", "On track, push the workshop", "They rate our support 8/10")
    [entry] = audits(session, "plan_review")
    assert (entry.action, entry.changes["plan_id"]) == ("record_plan_review", plan.id)
    with pytest.raises(Forbidden):
        record_review(session, actor=Actor.of(alice), plan_id=plan.id, reviewed_on=TODAY, notes="Looks fine", **AT)


def test_a_review_s_problems_are_named_together(session, team, key_account):
    plan = make_plan(session, account=key_account)
    with pytest.raises(InvalidInput) as refused:
        record_review(session, actor=Actor.of(team[0]), plan_id=plan.id, reviewed_on=TODAY + timedelta(days=1),
                      notes="  ", customer_view="y" * 3001, **AT)
    assert problems(refused.value) == [("reviewed_on", "date_in_future"), ("notes", "empty_review"),
                                       ("customer_view", "too_long")]


def test_an_older_review_entered_late_does_not_make_the_plan_look_older(session, team, key_account):
    manager = team[0]
    plan = make_plan(session, account=key_account)
    record_review(session, actor=Actor.of(manager), plan_id=plan.id, reviewed_on=TODAY - timedelta(days=5),
                  notes="Mid-quarter look", **AT)
    assert plan.last_reviewed_at == datetime(2026, 6, 27, 12, tzinfo=UTC)
    status = record_review(session, actor=Actor.of(manager), plan_id=plan.id, reviewed_on=TODAY - timedelta(days=40),
                           notes="The May review, entered late", **AT)
    assert status.last_reviewed_at == datetime(2026, 6, 27, 12, tzinfo=UTC)
    assert [r.notes for r in status.reviews] == ["Mid-quarter look", "The May review, entered late"]


# ---- plan health after edits and reviews ----------------------------------------------------------------

def test_plan_health_after_edits_and_reviews(session, team, key_account):
    """What people enter moves the health the card, /kam mine and the digest read (plan_health_by_account)
    as well as /kam plan: a review resets staleness, actuals and actions change it."""
    manager, alice, _ = team
    me = Actor.of(alice)
    plan = make_plan(session, account=key_account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))

    def health():
        card = plan_health_by_account(session, [key_account.id], policy=POLICY, today=TODAY)[key_account.id]
        shown = plan_status(session, actor=me, account_id=key_account.id, policy=POLICY, today=TODAY).health
        assert card == shown
        return card.status, sorted(r.code for r in card.reasons)

    assert health() == (PlanHealth.off_track, ["never_reviewed"])  # 182 days without a review

    record_review(session, actor=Actor.of(manager), plan_id=plan.id, reviewed_on=TODAY - timedelta(days=100),
                  notes="Spring review", **AT)
    assert health() == (PlanHealth.at_risk, ["review_stale"])  # 100 days ago
    record_review(session, actor=Actor.of(manager), plan_id=plan.id, reviewed_on=TODAY, notes="Summer review", **AT)
    assert health() == (PlanHealth.on_track, [])

    status = add_objective(session, actor=me, plan_id=plan.id, description="Cloud seats", lever=Lever.raise_usage,
                           target=Decimal(100), unit="seats", **AT)
    assert health() == (PlanHealth.at_risk, ["objective_behind"])  # 0 of 100 half-way through the year
    set_objective_actual(session, actor=me, account_id=key_account.id, words="usage",
                         actual=parse_amount("45", field="actual"), **AT)
    assert health() == (PlanHealth.on_track, [])
    update_objective(session, actor=me, objective_id=status.objectives[0].id,
                     changes=ObjectiveChanges(target=parse_amount("1.2k", field="target")), **AT)
    assert health() == (PlanHealth.at_risk, ["objective_behind"])  # 45 of 1200
    update_objective(session, actor=me, objective_id=status.objectives[0].id,
                     changes=ObjectiveChanges(target=Decimal(100)), **AT)

    status = add_action(session, actor=me, plan_id=plan.id, description="Call the CFO", owner_id=alice.id,
                        due_date=TODAY, **AT)
    action = status.actions[0]
    assert health() == (PlanHealth.on_track, [])
    later = {**AT, "today": TODAY + timedelta(days=3), "now": NOW + timedelta(days=3)}
    assert plan_health_by_account(session, [key_account.id], policy=POLICY, today=later["today"])[
        key_account.id].reasons[0].code == "overdue_actions"
    update_action(session, actor=me, action_id=action.id, expected_version=action.version,
                  changes=ActionChanges(status=ActionStatus.done), **later)
    assert health() == (PlanHealth.on_track, [])


# ---- people pickers -------------------------------------------------------------------------------------

def test_searching_people_for_a_picker(session, team):
    make_person(session, name="Bobby Tables", email="bobby@acme.test")
    make_person(session, name="Gone Bob", email="gone@acme.test", active=False)
    assert [p.name for p in search_people(session, query="bob")] == ["Bob Rep", "Bobby Tables"]
    assert [p.name for p in search_people(session, query="BOBBY acme")] == ["Bobby Tables"]
    assert [p.name for p in search_people(session, query="tables", limit=1)] == ["Bobby Tables"]
    assert search_people(session, query="50%") == []
    assert len(search_people(session, query="", limit=2)) == 2


# ---- every problem reads as a sentence ----------------------------------------------------------------

def test_every_plan_problem_has_its_wording(session, team, key_account):
    """Each problem code the plan services raise is a macro of templates/errors.j2 (not "field: code")."""
    from handlers.errors import slack_error_message

    plan = make_plan(session, account=key_account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    make_objective(session, plan=plan, description="Cloud revenue")
    make_objective(session, plan=plan, description="Cloud seats")
    me = Actor.of(team[1])
    attempts = [
        lambda: create_plan(session, actor=me, account_id=make_account(session, owner=team[1]).id,
                            period_start=date(2026, 7, 1), period_end=date(2026, 1, 1), focus="x" * 3001, **AT),
        lambda: create_plan(session, actor=me, account_id=key_account.id, period_start=date(2026, 3, 1),
                            period_end=date(2030, 1, 1), **AT),
        lambda: create_plan(session, actor=me, account_id=key_account.id, period_start=date(2026, 3, 1),
                            period_end=date(2026, 4, 1), **AT),
        lambda: add_objective(session, actor=me, plan_id=plan.id, description="", lever=None, target=Decimal(0),
                              unit=None, actual=Decimal(10) ** 15, **AT),
        lambda: add_action(session, actor=me, plan_id=plan.id, description="Call", owner_id=999_999,
                           due_date=TODAY - timedelta(days=1), **AT),
        lambda: record_review(session, actor=Actor.of(team[0]), plan_id=plan.id, reviewed_on=TODAY + timedelta(1),
                              notes="", **AT),
        lambda: record_review(session, actor=Actor.of(team[0]), plan_id=plan.id, reviewed_on=date(2024, 1, 1),
                              notes="Late", **AT),
        lambda: set_objective_actual(session, actor=me, account_id=key_account.id, words="cloud", actual=Decimal(1),
                                     **AT),
        lambda: set_objective_actual(session, actor=me, account_id=key_account.id, words="retention",
                                     actual=Decimal(1), **AT),
        lambda: parse_amount("lots", field="actual"),
    ]
    seen = set()
    for attempt in attempts:
        with pytest.raises(InvalidInput) as refused:
            attempt()
        for problem in getattr(refused.value, "problems", [refused.value]):
            text = slack_error_message(problem)
            assert problem.problem not in text and text.strip(), (problem.problem, text)
            seen.add(problem.problem)
    assert seen == {"period_end_before_start", "too_long", "plan_needs_reason", "period_too_long", "plan_exists",
                    "description_missing", "target_not_positive", "too_large", "no_such_person", "due_in_past",
                    "date_in_future", "empty_review", "date_long_ago", "objective_ambiguous", "no_such_objective",
                    "not_a_number"}
    assert slack_error_message(InvalidInput(field="actual", problem="not_a_number", text="lots")) == (
        "“lots” is not a number; write it like 45, 1,200, 1.2k or 45%.")
