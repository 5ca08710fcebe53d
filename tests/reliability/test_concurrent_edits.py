"""Two people change the same deal or plan action at the same moment (real concurrent requests through the
bot, on SQLite and PostgreSQL): exactly one change is stored, the other person is told who changed it and
to reload, and nothing is silently overwritten."""

from kam_core.audit.models import AuditEntry
from kam_core.enums import ActionStatus
from kam_core.opportunities.models import StageChange
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_opportunities import (
    add_deals, blocks_text, buttons, open_stage_modal, show_opps, stage_id, stage_of, valid_message,
)
from tests.handlers.test_plans import plan, show_plan, status_of  # noqa: F401 - `plan` is a fixture
from tests.reliability.helpers import all_at_once, count, wait_for_calls

NAMES = {REP: "Ray Rep", MANAGER: "Mia Manager"}


def test_two_stage_moves_at_once_one_wins_and_the_other_is_told_who_moved_it(driver, slack, local, world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting"})
    views = {user: open_stage_modal(driver, slack, user, show_opps(driver, user, "opps acme corp")[1])
             for user in (REP, MANAGER)}
    wanted = {REP: stage_id(local, "Negotiation/Review"), MANAGER: stage_id(local, "Closed Lost")}

    answers = dict(zip((REP, MANAGER), all_at_once(*[
        lambda user=user: driver.view_submission(user, views[user], {"stage": {"kam.stage_select": wanted[user]}})
        for user in (REP, MANAGER)])))

    [winner] = [user for user, answer in answers.items() if not answer.json]
    [loser] = [user for user in answers if user != winner]
    refusal = answers[loser].json
    assert refusal["response_action"] == "errors"
    assert refusal["errors"]["stage"] == (f"This opportunity was changed by {NAMES[winner]} a moment ago. "
                                          "Reload it and try again.")
    assert [v["id"] for v in slack.open_views(loser)] == [views[loser]["id"]]  # their choice is still there
    assert slack.open_views(winner) == []
    assert stage_id(local, stage_of(local, deal)) == wanted[winner]
    assert count(local, StageChange, StageChange.opportunity_id == deal) == 1
    assert count(local, AuditEntry, AuditEntry.action == "move_stage", AuditEntry.entity_id == deal) == 1


def test_two_people_marking_the_same_plan_action_done_at_once_one_change_and_the_other_is_told(
        driver, slack, local, plan):  # noqa: F811
    shown = {user: show_plan(driver, user, "plan acme corp")[1] for user in (REP, MANAGER)}
    done = {user: next(b for b in buttons(shown[user].blocks) if b["action_id"].startswith("kam.complete_action")
                       and b["value"].startswith(f"{plan['Call the CFO']}:")) for user in (REP, MANAGER)}
    before = slack.mark()

    all_at_once(*[lambda user=user: driver.block_action(user, done[user]["action_id"], message=shown[user])
                  for user in (REP, MANAGER)])

    answers = {slack.response_target(c.params["response_url_token"]).user_id: c
               for c in wait_for_calls(slack, "response_url", 2, after=before)}
    [winner] = [user for user, call in answers.items() if call.params.get("replace_original") is True]
    [loser] = [user for user in answers if user != winner]
    told = answers[loser].params
    assert told["response_type"] == "ephemeral" and told["replace_original"] is False
    assert told["text"] == f"This plan action was changed by {NAMES[winner]} a moment ago. Reload it and try again."
    valid_message(told["blocks"])
    assert "Call the CFO" not in blocks_text(valid_message(answers[winner].params["blocks"]))
    assert status_of(local, plan["Call the CFO"]) == ActionStatus.done
    assert count(local, AuditEntry, AuditEntry.action == "complete_plan_action",
                 AuditEntry.entity_id == plan["Call the CFO"]) == 1
