"""Slack's API fails after the bot saved something: the save stays (once), and the confirmation is sent
again or reaches the user another way (a DM, the response_url of the button they pressed)."""

import pytest

from handlers.ids import ActionId
from kam_core.enums import ActionStatus
from kam_core.interactions.models import Interaction
from kam_core.opportunities.models import StageChange
from tests.handlers.conftest import REP
from tests.handlers.test_log_modal import filled, open_modal
from tests.handlers.test_notes import text_of
from tests.handlers.test_opportunities import (
    add_deals, blocks_text, buttons, open_stage_modal, show_opps, stage_id, stage_of, valid_message,
)
from tests.handlers.test_plans import done_buttons, plan, show_plan, status_of  # noqa: F401 - `plan` is a fixture
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.reliability.helpers import count


@pytest.mark.parametrize("error, status", [("internal_error", 200), ("service_unavailable", 503),
                                           ("ratelimited", 429)])
def test_the_log_forms_confirmation_is_sent_again_when_slack_fails_once(driver, slack, local, world, error, status):
    view = open_modal(driver, slack)
    if status == 429:
        slack.rate_limit_next("chat.postMessage")
    else:
        slack.fail_next("chat.postMessage", error, status=status)
    before = slack.mark()

    assert driver.view_submission(REP, view, filled(world["acme_id"])).status == 200

    failed = slack.wait_for("chat.postMessage", after=before)
    assert not failed.ok
    confirmed = slack.wait_for("chat.postMessage", lambda c: c.ok, after=before)
    assert confirmed.params["channel"] == REP
    assert "Saved to *Acme Corporation*" in text_of(confirmed.params["blocks"])
    assert count(local, Interaction) == 1


def test_a_dm_save_whose_message_cannot_be_updated_is_confirmed_through_the_response_url(driver, slack, local,
                                                                                        world):
    before = slack.mark()
    driver.message_im(REP, "acme: quick call, all good")
    preview = dm_reply(slack, before)
    slack.fail_next("chat.update", "message_not_found")
    before = slack.mark()

    driver.block_action(REP, ActionId.save_draft, message={**preview.response["message"],
                                                           "channel": preview.response["channel"]})

    assert not slack.wait_for("chat.update", after=before).ok
    answer = slack.wait_for("response_url", after=before)
    assert answer.ok and answer.params["replace_original"] is True
    assert "Saved to *Acme Corporation*" in text_of(answer.params["blocks"])
    assert count(local, Interaction) == 1


def test_a_stage_move_is_confirmed_through_the_response_url_when_slack_refuses_the_ephemeral_and_the_dm(
        driver, slack, local, world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting"})
    _, shown = show_opps(driver, REP, "opps acme corp")
    view = open_stage_modal(driver, slack, REP, shown)
    slack.fail_next("chat.postEphemeral", "channel_not_found")
    slack.fail_next("chat.postMessage", "not_allowed_token_type")
    before = slack.mark()

    driver.view_submission(REP, view, {"stage": {"kam.stage_select": stage_id(local, "Negotiation/Review")}})

    told = slack.wait_for("response_url", lambda c: c.params.get("replace_original") is False, after=before)
    assert "*Big sure* (Acme Corporation) is now in *Negotiation/Review*" in told.params["text"]
    valid_message(told.params["blocks"])
    assert stage_of(local, deal) == "Negotiation/Review"
    assert count(local, StageChange, StageChange.opportunity_id == deal) == 1


def test_a_plan_action_done_when_the_response_url_fails_shows_the_plan_by_dm(driver, slack, local, plan):  # noqa: F811
    reply, shown = show_plan(driver, REP, "plan acme corp")
    call_cfo = done_buttons(reply["blocks"])[0]
    slack.fail_next("response_url", "expired_url", status=404)
    before = slack.mark()

    driver.block_action(REP, call_cfo["action_id"], message=shown)

    assert not slack.wait_for("response_url", after=before).ok
    dm = slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == REP, after=before)
    text = blocks_text(valid_message(dm.params["blocks"]))
    assert "Run the QBR" in text and "Call the CFO" not in text
    assert status_of(local, plan["Call the CFO"]) == ActionStatus.done
