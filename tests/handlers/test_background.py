"""Slack has its answer before the bot's slower Slack calls are made (handlers/background.py): a slow
modal or DM never makes a button or a form look broken, and an error in that later work still reaches
the user with a reference."""

from handlers.ids import ActionId
from tests.handlers.conftest import REP
from tests.handlers.test_log_modal import filled, open_modal
from tests.handlers.test_notes import ack, button, interactions, text_of


def test_a_button_is_answered_while_the_modal_it_opens_is_still_on_its_way(driver, slack, world):
    mark = driver.mark()
    card = ack(driver.slash_command(REP, "acme corp"))
    slow = slack.hold_next("views.open", longest=5)
    try:
        response = driver.block_action(REP, ActionId.log_interaction, message=driver.replies_since(mark, REP)[0])
        assert response.status == 200 and not response.body
        assert slack.calls_to("views.open") == []  # Slack's answer did not wait for the modal
    finally:
        slow.set()
    view = slack.wait_for("views.open").response["view"]
    assert button(card["blocks"], ActionId.log_interaction)["value"] == str(world["acme_id"])
    assert view["private_metadata"] and "Acme Corporation" in str(view["blocks"])


def test_a_saved_form_closes_before_its_confirmation_is_posted(driver, slack, local, world):
    view = open_modal(driver, slack, "log acme corp")
    slow = slack.hold_next("chat.postMessage", longest=5)
    try:
        response = driver.view_submission(REP, view, filled(world["acme_id"]))
        assert response.status == 200 and not response.body  # the form closes at once
        assert [i.text for i in interactions(local)] == ["Met the CFO, budget approved"]
        assert slack.calls_to("chat.postMessage") == []
    finally:
        slow.set()
    confirmation = slack.wait_for("chat.postMessage")
    assert "Acme Corporation" in text_of(confirmation.params["blocks"])


def test_an_error_after_the_answer_still_reaches_the_user_with_a_reference(driver, slack, world):
    mark = driver.mark()
    ack(driver.slash_command(REP, "acme corp"))
    card = driver.replies_since(mark, REP)[0]
    response = driver.block_action(REP, ActionId.show_opportunities, value="not-an-account", message=card)
    assert response.status == 200
    told = slack.wait_for("response_url")
    assert "Sorry, something went wrong on our side" in told.params["text"]
    assert "reference" in told.params["text"]
