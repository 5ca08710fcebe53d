"""Account plans made and changed from Slack, end to end through the emulator: creating a plan, editing
each part, objectives, actions, reviews, the history; who may; problems shown under their inputs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from slack_sdk.models.views import View
from sqlalchemy import delete, select

from handlers.ids import ActionId, PlanField
from handlers.plan_text import PlanVerb, parse_plan_text
from kam_core.accounts.models import Account, AccountTeamMember
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import ActionStatus, Lever, Role, TeamRole
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from tests.factories import make_account, make_person, make_plan
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of
from tests.handlers.test_opportunities import blocks_text, buttons, valid_message
from tests.handlers.test_plans import plan  # noqa: F401 - the fixture: Acme's plan, half-way through

OTHER = "U0OLGA"
TEXT = ActionId.plan_input
PERSON = ActionId.person_select


def today() -> date:
    return utcnow().date()  # the test people have no timezone: theirs is UTC


@pytest.fixture
def olga(local, world):
    """A rep of the same team who sees Acme but is not on its account team."""
    with transaction(local.runtime.sessions) as session:
        manager = session.scalar(select(Person).where(Person.slack_user_id == MANAGER))
        return make_person(session, role=Role.rep, name="Olga Other", email="olga@acme.test", slack_user_id=OTHER,
                           manager=manager).id


def person_id(local, slack_user_id: str) -> int:
    with transaction(local.runtime.sessions) as session:
        return session.scalar(select(Person.id).where(Person.slack_user_id == slack_user_id))


def show(driver, user: str, text: str):
    """`/kam <text>`: the ack's message, and the reply to press its buttons on."""
    mark = driver.mark()
    reply = ack_of(driver.slash_command(user, text))
    valid_message(reply["blocks"])
    return reply, driver.replies_since(mark, user)[0]


def button_named(blocks: list[dict], label: str) -> dict:
    return next(b for b in buttons(blocks) if b["text"]["text"] == label)


def labels(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in buttons(blocks)]


def open_modal(driver, slack, user: str, shown, label: str, nth: int = 0) -> dict:
    button = [b for b in buttons(shown.blocks) if b["text"]["text"] == label][nth]
    mark = slack.mark()
    driver.block_action(user, button["action_id"], button["value"], message=shown)
    view = slack.wait_for("views.open", after=mark).response["view"]
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    return view


def inputs(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def submit(driver, slack, user: str, view: dict, values: dict):
    """Submit the form; the plan message it redraws (a Reply, to press its buttons again)."""
    mark = driver.mark()
    response = driver.view_submission(user, view, values)
    assert response.status == 200 and not response.json, response.json
    slack.wait_for("response_url", after=mark.calls)
    redrawn = next(r for r in driver.replies_since(mark, user) if r.kind == "response_url")
    valid_message(redrawn.blocks)
    return redrawn


def errors_of(driver, user: str, view: dict, values: dict) -> dict[str, str]:
    response = driver.view_submission(user, view, values)
    assert response.json["response_action"] == "errors"
    return response.json["errors"]


def the_plan(local, account_id: int) -> AccountPlan:
    with transaction(local.runtime.sessions) as session:
        plan = session.scalars(select(AccountPlan).where(AccountPlan.account_id == account_id)).one()
        session.expunge(plan)
        return plan


# ---- creating a plan ---------------------------------------------------------------------------

def test_a_key_account_without_a_plan_gets_one_from_the_create_button(driver, slack, local, world):
    reply, shown = show(driver, REP, "plan acme corp")
    assert "It is a key account, so it should have one" in reply["text"]
    assert labels(reply["blocks"]) == ["Create plan"]
    view = open_modal(driver, slack, REP, shown, "Create plan")
    fields = inputs(view)
    assert list(fields) == ["period_start", "period_end", "focus"]  # a key account needs no reason
    assert fields["period_start"]["element"]["initial_date"] == today().isoformat()
    a_year_on = today().replace(year=today().year + 1) - timedelta(days=1)
    assert fields["period_end"]["element"]["initial_date"] == a_year_on.isoformat()

    redrawn = submit(driver, slack, REP, view, {PlanField.focus: {TEXT: "Win the <EMEA> rollout"}})
    assert redrawn.replace_original
    text = blocks_text(redrawn.blocks)
    assert "Plan created." in text and "*Focus:* Win the &lt;EMEA&gt; rollout" in text
    assert "*Objectives (0)*" in text and "✏️ Strategy" in labels(redrawn.blocks)
    plan = the_plan(local, world["acme_id"])
    assert (plan.period_start, plan.period_end, plan.focus) == (today(), a_year_on, "Win the <EMEA> rollout")


def test_a_plan_for_an_account_that_is_not_key_needs_a_reason(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        logistics = session.scalar(select(Account.id).where(Account.name == "Acme Logistics GmbH"))
    mark = slack.mark()
    response = driver.slash_command(REP, "plan acme logistics new")
    assert response.status == 200 and not response.body  # the answer is the modal
    view = slack.wait_for("views.open", after=mark).response["view"]
    reason = inputs(view)["reason"]
    assert reason["optional"] is False and "few truly key accounts" in reason["hint"]["text"]

    errors = errors_of(driver, REP, view, {PlanField.reason: {TEXT: "  "}})
    assert list(errors) == ["reason"]
    assert slack.view(view["id"]) is not None  # the form stays open
    mark = driver.mark()
    driver.view_submission(REP, view, {PlanField.reason: {TEXT: "Their parent company is a key account"}})
    posted = slack.wait_for("response_url", after=mark.calls)
    assert posted.params.get("replace_original") is False  # under the command: a new message
    assert "Plan created." in blocks_text(posted.params["blocks"])
    assert the_plan(local, logistics).reason == "Their parent company is a key account"


def test_a_period_ending_before_it_starts_is_shown_under_the_end_date(driver, slack, world):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "Create plan")
    errors = errors_of(driver, REP, view, {PlanField.period_end: {TEXT: today() - timedelta(days=1)}})
    assert list(errors) == ["period_end"]


# ---- editing the parts ---------------------------------------------------------------------------

def test_the_strategy_is_edited_in_its_own_modal_and_shows_in_the_redrawn_plan(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "✏️ Strategy")
    fields = inputs(view)
    assert list(fields) == ["focus", "customer_trends", "customer_priorities", "our_impact", "value_proposition"]
    assert fields["focus"]["element"]["initial_value"] == "Grow <ops> spend"
    assert all(f["element"]["max_length"] <= 3000 for f in fields.values())

    redrawn = submit(driver, slack, REP, view, {
        PlanField.customer_trends: {TEXT: "Moving their fleet to electric"},
        PlanField.our_impact: {TEXT: "Our telematics cut their charging cost"}})
    text = blocks_text(redrawn.blocks)
    assert "Strategy saved." in text
    assert "*Customer's trends:* Moving their fleet to electric" in text
    assert "*Our impact:* Our telematics cut their charging cost" in text
    assert "*Focus:* Grow &lt;ops&gt; spend" in text  # kept: it was in the form
    stored = the_plan(local, the_acme(local))
    assert stored.customer_trends == "Moving their fleet to electric" and stored.focus == "Grow <ops> spend"


def the_acme(local) -> int:
    with transaction(local.runtime.sessions) as session:
        return session.scalar(select(Account.id).where(Account.name == "Acme Corporation"))


def test_the_sponsor_is_picked_by_name_and_the_team_roles_written(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "👥 People")
    sponsor = inputs(view)["executive_sponsor_id"]["element"]
    assert sponsor["type"] == "external_select" and sponsor["initial_option"]["text"]["text"] == "Mia Manager"
    options = driver.block_suggestion(REP, PERSON, "ray", view=view).json["options"]
    assert [o["text"]["text"] for o in options] == ["Ray Rep (ray@acme.test)"]

    redrawn = submit(driver, slack, REP, view, {
        PlanField.executive_sponsor_id: {PERSON: options[0]},
        PlanField.team_roles: {TEXT: "Ray: owner; Sue: support"}})
    text = blocks_text(redrawn.blocks)
    assert "*Executive sponsor:* Ray Rep" in text and "*Team roles:* Ray: owner; Sue: support" in text


def test_the_period_is_changed_in_its_modal_and_a_wrong_one_shown_under_its_date(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "📅 Period")
    assert list(inputs(view)) == ["period_start", "period_end"]  # a key account's plan needs no reason
    start = date.fromisoformat(inputs(view)["period_start"]["element"]["initial_date"])
    errors = errors_of(driver, REP, view, {PlanField.period_end: {TEXT: start - timedelta(days=1)}})
    assert list(errors) == ["period_end"]
    end = start + timedelta(days=364)
    redrawn = submit(driver, slack, REP, view, {PlanField.period_end: {TEXT: end}})
    text = blocks_text(redrawn.blocks)
    assert "Period saved." in text and f"{start.strftime('%d %b %Y')} – {end.strftime('%d %b %Y')}" in text


# ---- objectives ----------------------------------------------------------------------------------

def test_an_objective_is_added_then_its_actual_set_by_text_command(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "➕ Objective")
    lever = inputs(view)["lever"]["element"]
    assert [o["value"] for o in lever["options"]] == [lever.value for lever in Lever]

    errors = errors_of(driver, REP, view, {PlanField.description: {TEXT: "Seats in use"},
                                           PlanField.target: {TEXT: "lots"}, PlanField.actual: {TEXT: "some"}})
    assert set(errors) == {"target", "actual"}
    redrawn = submit(driver, slack, REP, view, {
        PlanField.description: {TEXT: "Seats in use"}, PlanField.lever: {TEXT: "raise_usage"},
        PlanField.target: {TEXT: "1.2k"}, PlanField.unit: {TEXT: "seats"}})
    text = blocks_text(redrawn.blocks)
    assert "Objective added." in text and "Seats in use: *0 of 1,200 seats* (0.0%)\n_raise usage_" in text

    reply, _ = show(driver, REP, "plan acme corp objective usage 450")
    text = blocks_text(reply["blocks"])
    assert "Objective's actual updated." in text and "Seats in use: *450 of 1,200 seats* (37.5%)" in text
    with transaction(local.runtime.sessions) as session:
        seats = session.scalar(select(PlanObjective).where(PlanObjective.description == "Seats in use"))
        assert (seats.actual, seats.target, seats.lever) == (Decimal(450), Decimal(1200), Lever.raise_usage)


def test_an_objective_is_updated_from_its_button(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "Update")
    fields = inputs(view)
    assert fields["description"]["element"]["initial_value"] == "Revenue 2026"
    assert (fields["target"]["element"]["initial_value"], fields["actual"]["element"]["initial_value"]) == \
        ("1000000", "100000")
    redrawn = submit(driver, slack, REP, view, {PlanField.actual: {TEXT: "600k"}})
    assert "Revenue 2026: *600k USD of 1M USD* (60.0%)" in blocks_text(redrawn.blocks)
    assert "is at 10.0% of target" not in blocks_text(redrawn.blocks)


def test_an_unknown_objective_in_the_text_command_names_the_ones_there_are(driver, plan):
    reply, _ = show(driver, REP, "plan acme corp objective widgets 3")
    assert "Revenue 2026" in reply["text"]
    how = show(driver, REP, "plan acme corp objective usage")[0]["text"]
    assert "/kam plan acme corp objective usage 45" in how


# ---- actions ---------------------------------------------------------------------------------------

def test_an_action_is_added_assigned_rescheduled_and_completed(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "➕ Action")
    assert inputs(view)["owner_id"]["element"]["initial_option"]["text"]["text"] == "Ray Rep"
    assert "status" not in inputs(view)
    redrawn = submit(driver, slack, REP, view, {PlanField.description: {TEXT: "Send the <renewal> offer"},
                                                PlanField.due_date: {TEXT: today() + timedelta(days=10)}})
    text = blocks_text(redrawn.blocks)
    assert "Action added." in text and "*Send the &lt;renewal&gt; offer*\nRay Rep · due" in text
    assert "*Open actions (4, 1 overdue)*" in text

    rows = [b for b in redrawn.blocks if b["type"] == "section" and "renewal" in b["text"]["text"]]
    n = redrawn.blocks.index(rows[0]) + 1  # the row's buttons follow it
    edit = next(e for e in redrawn.blocks[n]["elements"] if e["text"]["text"] == "Edit")
    mark = slack.mark()
    driver.block_action(REP, edit["action_id"], edit["value"], message=redrawn)
    view = slack.wait_for("views.open", after=mark).response["view"]
    assert inputs(view)["status"]["element"]["initial_option"]["value"] == "open"
    manager_id = person_id(local, MANAGER)
    later = today() + timedelta(days=20)
    redrawn = submit(driver, slack, REP, view, {PlanField.owner_id: {PERSON: str(manager_id)},
                                                PlanField.due_date: {TEXT: later}})
    assert f"*Send the &lt;renewal&gt; offer*\nMia Manager · due {later.strftime('%a %d %b %Y')}" in \
        blocks_text(redrawn.blocks)

    edit = next(b for b in buttons(redrawn.blocks) if b["text"]["text"] == "Edit" and
                b["value"].split(":")[2] == str(action_named(local, "Send the <renewal> offer").id))
    mark = slack.mark()
    driver.block_action(REP, edit["action_id"], edit["value"], message=redrawn)
    view = slack.wait_for("views.open", after=mark).response["view"]
    redrawn = submit(driver, slack, REP, view, {PlanField.status: {TEXT: "done"}})
    assert "renewal" not in blocks_text(redrawn.blocks)
    stored = action_named(local, "Send the <renewal> offer")
    assert (stored.status, stored.owner_id, stored.due_date) == (ActionStatus.done, manager_id, later)
    assert stored.completed_at is not None


def action_named(local, description: str) -> PlanAction:
    with transaction(local.runtime.sessions) as session:
        action = session.scalar(select(PlanAction).where(PlanAction.description == description))
        session.expunge(action)
        return action


def test_an_edit_after_someone_else_changed_the_action_is_refused_on_the_form(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "Edit")  # Call the CFO
    mark = driver.mark()
    driver.view_submission(MANAGER, open_modal(driver, slack, MANAGER, show(driver, MANAGER, "plan acme corp")[1],
                                               "Edit"), {PlanField.due_date: {TEXT: today() + timedelta(days=3)}})
    slack.wait_for("response_url", after=mark.calls)
    errors = errors_of(driver, REP, view, {PlanField.status: {TEXT: "done"}})
    assert "changed by Mia Manager" in errors["description"]
    assert action_named(local, "Call the CFO").status == ActionStatus.open


# ---- reviews and history -------------------------------------------------------------------------------

@pytest.fixture
def stale_plan(local, world):
    """Acme's plan on pace, nothing overdue, but last reviewed 200 days ago: only the review is wrong."""
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, world["acme_id"])
        rep = session.scalar(select(Person).where(Person.slack_user_id == REP))
        make_plan(session, account=acme, period_start=today() - timedelta(days=250),
                  period_end=today() + timedelta(days=115), last_reviewed_at=utcnow() - timedelta(days=200),
                  objectives=[{"description": "Revenue", "target": 100, "actual": 90, "unit": "USD"}],
                  actions=[{"description": "Run the QBR", "owner": rep, "due_date": today() + timedelta(days=5)}])


def test_a_review_by_the_manager_resets_the_staleness_and_is_in_the_history(driver, slack, local, stale_plan):
    reply, _ = show(driver, REP, "plan acme corp")
    assert "Record review" not in labels(reply["blocks"])  # the owner does not review their own plan
    reply, shown = show(driver, MANAGER, "plan acme corp")
    text = blocks_text(reply["blocks"])
    assert "Last reviewed 200 days ago" in text and "Plan on track" not in text
    view = open_modal(driver, slack, MANAGER, shown, "Record review")
    assert inputs(view)["reviewed_on"]["element"]["initial_date"] == today().isoformat()

    redrawn = submit(driver, slack, MANAGER, view, {
        PlanField.notes: {TEXT: "Good quarter; push the QBR"},
        PlanField.customer_view: {TEXT: "They rate us 8/10 on support"}})
    text = blocks_text(redrawn.blocks)
    assert "Review recorded." in text and "🟢 *Plan on track*" in text and "Last reviewed" not in text
    assert f"*Last review:* {today().strftime('%d %b %Y')} (today) by Mia Manager" in text

    mark = slack.mark()
    driver.block_action(MANAGER, ActionId.show_plan_history, button_named(redrawn.blocks, "History")["value"],
                        message=redrawn)
    history = slack.wait_for("response_url", after=mark).params
    assert history["replace_original"] is False
    text = blocks_text(valid_message(history["blocks"]))
    assert "Plan history · Acme Corporation" in text
    assert "📝 *Review* of " in text and "“Good quarter; push the QBR”" in text and "8/10 on support" in text
    with transaction(local.runtime.sessions) as session:
        [review] = session.scalars(select(PlanReview)).all()
        assert (review.reviewed_on, review.customer_view) == (today(), "They rate us 8/10 on support")


def test_the_review_command_opens_the_form_for_a_reviewer_and_says_who_may_to_others(driver, slack, stale_plan):
    mark = slack.mark()
    assert not driver.slash_command(MANAGER, "plan acme corp review").body
    assert slack.wait_for("views.open", after=mark).response["view"]["title"]["text"] == "Plan review"
    refused = show(driver, REP, "plan acme corp review")[0]["text"]
    assert "not allowed to review this plan" in refused and "does not review their own plan" in refused


def test_review_problems_show_under_their_inputs_and_the_form_keeps_the_notes(driver, slack, local, stale_plan):
    _, shown = show(driver, MANAGER, "plan acme corp")
    view = open_modal(driver, slack, MANAGER, shown, "Record review")
    notes = {PlanField.notes: {TEXT: "A long careful review the manager would hate to type again"}}
    errors = errors_of(driver, MANAGER, view, {PlanField.reviewed_on: {TEXT: today() + timedelta(days=1)}, **notes})
    assert list(errors) == ["reviewed_on"]
    assert [v["id"] for v in slack.open_views(MANAGER)] == [view["id"]]  # open, with the notes in it
    with transaction(local.runtime.sessions) as session:
        assert session.scalars(select(PlanReview)).all() == []
    submit(driver, slack, MANAGER, view, notes)  # only the date changed
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(PlanReview.notes)) == notes[PlanField.notes][TEXT]


def test_the_history_lists_reviews_and_changes_newest_first(driver, slack, local, plan):
    _, shown = show(driver, REP, "plan acme corp")
    view = open_modal(driver, slack, REP, shown, "Edit")  # Call the CFO
    later = today() + timedelta(days=4)
    submit(driver, slack, REP, view, {PlanField.due_date: {TEXT: later}})
    _, shown = show(driver, MANAGER, "plan acme corp")
    submit(driver, slack, MANAGER, open_modal(driver, slack, MANAGER, shown, "Record review"),
           {PlanField.notes: {TEXT: "Fine"}})
    reply, _ = show(driver, REP, "plan acme corp history")
    text = blocks_text(reply["blocks"])
    assert "📝 *Review* of" in text and "Action “Call the CFO” rescheduled" in text
    assert text.index("Review") < text.index("rescheduled")  # the review came last: it is on top
    assert f"*{later.strftime('%d %b %Y')}*" in text


# ---- who may --------------------------------------------------------------------------------------------

def test_someone_who_may_not_edit_sees_no_edit_buttons_and_an_old_button_says_who_can(driver, slack, local, plan,
                                                                                      olga):
    with transaction(local.runtime.sessions) as session:
        session.add(AccountTeamMember(account_id=the_acme(local), person_id=olga, role=TeamRole.sales))
    _, as_team_member = show(driver, OTHER, "plan acme corp")
    assert "✏️ Strategy" in labels(as_team_member.blocks)
    with transaction(local.runtime.sessions) as session:
        session.execute(delete(AccountTeamMember))

    reply, _ = show(driver, OTHER, "plan acme corp")
    assert labels(reply["blocks"]) == ["History"]
    assert "Run the QBR" in blocks_text(reply["blocks"])
    strategy = button_named(as_team_member.blocks, "✏️ Strategy")
    mark = slack.mark()
    driver.block_action(OTHER, strategy["action_id"], strategy["value"], message=as_team_member)
    notice = slack.wait_for("views.open", after=mark).response["view"]
    assert "not allowed to change this account plan" in blocks_text(notice["blocks"])
    assert not notice.get("submit")  # nothing to submit
    assert the_plan(local, the_acme(local)).customer_trends is None
    no_plan = show(driver, OTHER, "plan acme logistics")[0]
    assert "has no account plan" in no_plan["text"] and labels(no_plan["blocks"]) == []  # nor may she create one


def test_an_action_owner_off_the_account_team_may_complete_and_reschedule_it(driver, slack, local, plan, olga):
    with transaction(local.runtime.sessions) as session:
        session.get(PlanAction, plan["Run the QBR"]).owner_id = olga
    reply, shown = show(driver, OTHER, "plan acme corp")
    assert labels(reply["blocks"]) == ["Done", "Edit", "History"]  # on her own action only
    view = open_modal(driver, slack, OTHER, shown, "Edit")
    assert "description" not in inputs(view)  # she may not reword it
    assert "*Run the QBR*" in blocks_text(view["blocks"])
    redrawn = submit(driver, slack, OTHER, view, {PlanField.due_date: {TEXT: today() + timedelta(days=9)}})
    assert "*Run the QBR*\nOlga Other · due" in blocks_text(redrawn.blocks) and "in 9 days" in \
        blocks_text(redrawn.blocks)


def test_a_big_plan_stays_within_slacks_blocks_and_says_how_many_more(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        rep = session.scalar(select(Person).where(Person.slack_user_id == REP))
        make_plan(session, account=session.get(Account, world["acme_id"]), period_start=today() - timedelta(days=9),
                  period_end=today() + timedelta(days=300), customer_trends="x" * 3000, our_impact="y" * 3000,
                  objectives=[{"description": f"Objective {n}", "target": 10} for n in range(14)],
                  actions=[{"description": f"Action {n:02}", "owner": rep, "due_date": today() + timedelta(days=n)}
                           for n in range(40)])
    reply, shown = show(driver, REP, "plan acme corp")  # show() checks the 50 blocks and each block
    text = blocks_text(reply["blocks"])
    assert "…and 4 more." in text and "Objective 9" in text and "Objective 10" not in text
    listed = [n for n in range(40) if f"*Action {n:02}*" in text]
    assert listed == list(range(len(listed))) and f"…and {40 - len(listed)} more." in text
    assert "History" in labels(reply["blocks"])
    view = open_modal(driver, slack, REP, shown, "✏️ Strategy")
    assert len(inputs(view)["customer_trends"]["element"]["initial_value"]) == 3000


# ---- the words after /kam plan ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, verb, account, words, amount", [
    ("Acme", PlanVerb.show, "Acme", "", None),
    ("Acme new", PlanVerb.new, "Acme", "", None),
    ("New Horizons new", PlanVerb.new, "New Horizons", "", None),
    ("Acme  review", PlanVerb.review, "Acme", "", None),
    ("Acme history", PlanVerb.history, "Acme", "", None),
    ("Acme objective usage 45", PlanVerb.objective, "Acme", "usage", "45"),
    ("Objective Partners objective new core 1.2k", PlanVerb.objective, "Objective Partners", "new core", "1.2k"),
    ("Acme objective usage", PlanVerb.objective, "Acme", "usage", None),
    ("renew", PlanVerb.show, "renew", "", None),
    ("history", PlanVerb.show, "history", "", None),
])
def test_the_keyword_is_read_from_the_end(text, verb, account, words, amount):
    assert parse_plan_text(text).model_dump() == {"verb": verb, "account": account, "words": words,
                                                  "amount": amount}


def test_accounts_whose_names_hold_a_keyword_still_work(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        rep = session.scalar(select(Person).where(Person.slack_user_id == REP))
        review = make_account(session, name="Harbor Review", owner=rep)
        partners = make_account(session, name="Objective Partners", owner=rep)
        for account in (review, partners):
            made = make_plan(session, account=account, period_start=today() - timedelta(days=10),
                             period_end=today() + timedelta(days=300), reason="A test",
                             objectives=[{"description": "Usage seats", "target": 100, "unit": "seats"}])
            made.objectives[0].lever = Lever.raise_usage
    reply, _ = show(driver, MANAGER, "plan harbor review")
    assert "Account plan · Harbor Review" in blocks_text(reply["blocks"])
    mark = slack.mark()
    assert not driver.slash_command(MANAGER, "plan harbor review review").body
    assert slack.wait_for("views.open", after=mark).response["view"]["title"]["text"] == "Plan review"
    reply, _ = show(driver, REP, "plan objective partners objective usage 45")
    assert "Usage seats: *45 of 100 seats* (45.0%)" in blocks_text(reply["blocks"])
