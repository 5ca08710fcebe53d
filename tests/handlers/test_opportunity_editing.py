"""Creating, editing and closing deals in Slack, and a deal's history, end to end through the emulator:
the card's New deal button and `/kam opp new`, the forms' inline errors, Edit / Close / History on
/kam opps, lost reasons an admin adds with the CLI, and who is offered (and allowed) what."""

from datetime import timedelta
from decimal import Decimal

from slack_sdk.models.views import View
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as kam_cli
from kam_core.accounts.models import Account
from kam_core.db import transaction
from kam_core.enums import Role
from kam_core.opportunities.models import Opportunity
from tests.factories import make_person, stage_named
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of
from tests.handlers.test_opportunities import TODAY, add_deals, blocks_text, buttons, show_opps, valid_message

INPUT = "kam.deal_input"
OTHER = "U0OLGA"


def valid_view(view: dict) -> dict:
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    return view


def card_of(driver, user: str, account: str):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(user, account))
    return reply, driver.replies_since(mark, user)[0]


def press(driver, slack, user: str, shown, button: dict) -> dict:
    mark = slack.mark()
    driver.block_action(user, button["action_id"], button["value"], message=shown)
    return valid_view(slack.wait_for("views.open", after=mark).response["view"])


def button_named(blocks, text: str, n: int = 0) -> dict:
    return [b for b in buttons(blocks) if b["text"]["text"] == text][n]


def options(view: dict, block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [o["text"]["text"] for o in block["element"]["options"]]


def option_value(view: dict, block_id: str, label: str) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return next(o["value"] for o in block["element"]["options"] if o["text"]["text"].startswith(label))


def deal_fields(view: dict, **fields) -> dict:
    values = {"name": "Fleet renewal", "amount": "50k", "currency": "USD",
              "expected_close_date": (TODAY + timedelta(days=30)).isoformat(),
              "stage_id": option_value(view, "stage_id", "Qualification"), **fields}
    return {block: {INPUT: value} for block, value in values.items()}


def deal_named(local, name: str) -> Opportunity:
    with transaction(local.runtime.sessions) as session:
        deal = session.scalar(select(Opportunity).where(Opportunity.name == name))
        session.expunge(deal)
        return deal


def confirmation(slack, mark, text: str):
    return slack.wait_for("chat.postEphemeral", lambda c: text in c.params["text"], after=mark)


def test_a_deal_made_from_the_card_s_new_deal_button_is_owned_by_the_rep_and_listed(driver, slack, local, world):
    _, card = card_of(driver, REP, "acme corp")
    view = press(driver, slack, REP, card, button_named(card.blocks, "New deal"))
    assert view["title"]["text"] == "New deal"
    assert [b.get("block_id") for b in view["blocks"] if b["type"] == "input"] == [
        "name", "lever", "amount", "currency", "expected_close_date", "stage_id", "probability", "next_step"]
    assert "Closed Won" not in " ".join(options(view, "stage_id")) and "Qualification (20%)" in options(view,
                                                                                                       "stage_id")
    assert "cross-sell" in options(view, "lever")
    mark = slack.mark()
    response = driver.view_submission(REP, view, deal_fields(view, lever="cross_sell", next_step="Send the quote"))
    assert response.status == 200 and not response.json
    told = confirmation(slack, mark, "New deal")
    assert "New deal *Fleet renewal* on *Acme Corporation*: Qualification, *50k USD* (20%)" in told.params["text"]
    valid_message(told.params["blocks"])
    deal = deal_named(local, "Fleet renewal")
    assert (deal.owner_id, deal.amount, deal.probability, deal.next_step) == (world["rep_id"], Decimal("50000"), None,
                                                                              "Send the quote")
    reply, _ = show_opps(driver, REP, "opps acme corp")
    assert "*Fleet renewal* · Qualification · *50k USD* (20%)" in blocks_text(reply["blocks"])


def test_kam_opp_new_opens_the_form_for_the_account_named_and_keeps_a_given_probability(driver, slack, local, world):
    mark = slack.mark()
    assert driver.slash_command(REP, "opp new acme corporation").status == 200
    view = valid_view(slack.wait_for("views.open", after=mark).response["view"])
    assert "Acme Corporation" in blocks_text(view["blocks"])
    assert driver.view_submission(REP, view, deal_fields(view, name="Support upsell", probability="60")).status == 200
    confirmation(slack, mark, "Support upsell")
    assert deal_named(local, "Support upsell").probability == 60
    # `deals new` is the same command; an ambiguous name asks which, and the choice opens the form.
    asked = driver.mark()
    reply = ack_of(driver.slash_command(REP, "deals new acm"))
    choice = button_named(reply["blocks"], "Acme Logistics GmbH")
    assert choice["action_id"].startswith("kam.new_opportunity:")
    view = press(driver, slack, REP, driver.replies_since(asked, REP)[0], choice)
    assert "Acme Logistics GmbH" in blocks_text(view["blocks"])


def test_the_form_s_problems_show_under_their_inputs_and_nothing_is_saved(driver, slack, local, world):
    mark = slack.mark()
    driver.slash_command(REP, "opp new acme corporation")
    view = slack.wait_for("views.open", after=mark).response["view"]
    response = driver.view_submission(REP, view, deal_fields(
        view, name="Fleet", amount="a lot", currency="dollars", probability="150",
        expected_close_date=(TODAY - timedelta(days=3)).isoformat()))
    errors = response.json["errors"]
    assert response.json["response_action"] == "errors"
    assert errors == {
        "amount": "“a lot” is not an amount; write it like 50000, 50,000, 50k or 1.2m.",
        "currency": "“dollars” is not a currency code; write the 3-letter code, e.g. USD, EUR, CNY.",
        "expected_close_date": "This date is in the past; pick today or a later day.",
        "probability": "“150” is not a probability; write a whole percent from 0 to 100, or leave it empty for "
                       "the stage's."}
    assert [v["id"] for v in slack.open_views(REP)] == [view["id"]]
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(Opportunity).where(Opportunity.name == "Fleet")) is None


def test_an_edit_of_the_amount_redraws_the_list_and_moves_the_quadrant_and_the_card_s_pipeline(driver, slack, local,
                                                                                               world):
    add_deals(local, world["acme_id"], {"name": "Big", "stage": "Proposal/Price Quote", "amount": 90_000},
              {"name": "Small", "stage": "Proposal/Price Quote", "amount": 1_000, "next_step": "Call"})
    reply, shown = show_opps(driver, REP, "opps acme corp")
    assert "Quick win" in blocks_text(reply["blocks"]).split("*Small*")[1]
    card, _ = card_of(driver, REP, "acme corp")
    assert "91k USD" in blocks_text(card["blocks"])
    view = press(driver, slack, REP, shown, button_named(shown.blocks, "Edit", 1))
    assert view["title"]["text"] == "Edit deal"
    amount = next(b for b in view["blocks"] if b.get("block_id") == "amount")
    assert amount["element"]["initial_value"] == "1000"

    mark = driver.mark()
    values = {b["block_id"]: {INPUT: b["element"].get("initial_value") or b["element"].get("initial_date")
                              or (b["element"].get("initial_option") or {}).get("value")}
              for b in view["blocks"] if b["type"] == "input"}
    values["amount"] = {INPUT: "200k"}
    assert driver.view_submission(REP, view, values).status == 200
    slack.wait_for("response_url", lambda c: c.params.get("replace_original"))
    redrawn = next(r for r in driver.replies_since(mark, REP) if r.kind == "response_url")
    row = blocks_text(valid_message(redrawn.blocks)).split("*Small*")[1]
    assert row.startswith(" · Proposal/Price Quote · *200k USD*") and "Act now" in row
    card, _ = card_of(driver, REP, "acme corp")
    assert "290k USD" in blocks_text(card["blocks"])
    with transaction(local.runtime.sessions) as session:
        deal = session.scalar(select(Opportunity).where(Opportunity.name == "Small"))
        assert (deal.amount, deal.next_step, deal.version) == (Decimal("200000"), "Call", 2)


def close_first(driver, slack, user: str):
    _, shown = show_opps(driver, user, "opps acme corp")
    return press(driver, slack, user, shown, button_named(shown.blocks, "Close"))


def test_closing_won_confirms_and_takes_the_deal_off_the_list(driver, slack, local, world):
    add_deals(local, world["acme_id"], {"name": "Renewal", "stage": "Negotiation/Review", "amount": 40_000})
    view = close_first(driver, slack, REP)
    assert options(view, "outcome") == ["🏆 Won", "Lost"]
    mark = slack.mark()
    assert driver.view_submission(REP, view, {"outcome": {INPUT: "won"}}).status == 200
    confirmation(slack, mark, "*Renewal* (Acme Corporation) is closed won: *40k USD*.")
    assert "no open opportunities" in ack_of(driver.slash_command(REP, "opps acme corp"))["text"]
    assert deal_named(local, "Renewal").closed_on is not None


def test_closing_lost_asks_why_keeps_the_note_and_the_history_tells_it(driver, slack, local, world):
    add_deals(local, world["acme_id"], {"name": "Renewal", "stage": "Negotiation/Review", "amount": 40_000})
    view = close_first(driver, slack, REP)
    response = driver.view_submission(REP, view, {"outcome": {INPUT: "lost"},
                                                  "lost_note": {INPUT: "They chose Initech"}})
    assert response.json["errors"] == {"lost_reason_id": "Pick why the deal was lost."}
    mark = slack.mark()
    price = option_value(view, "lost_reason_id", "Price")
    assert driver.view_submission(REP, view, {"outcome": {INPUT: "lost"}, "lost_reason_id": {INPUT: price},
                                              "lost_note": {INPUT: "They chose Initech"}}).status == 200
    told = confirmation(slack, mark, "closed lost")
    assert "*Renewal* (Acme Corporation) is closed lost: Price. “They chose Initech”" in told.params["text"]

    history = button_named(told.params["blocks"], "History")
    driver.block_action(REP, history["action_id"], history["value"], message={
        "channel": "C0GENERAL", "ts": told.response["message_ts"], "blocks": told.params["blocks"]})
    shown = valid_message(slack.wait_for("response_url", lambda c: "History" in c.params["text"],
                                         after=mark).params["blocks"])
    text = blocks_text(shown)
    assert "History · Renewal" in text and "Ray Rep closed it lost" in text
    assert "• stage Negotiation/Review → Closed Lost" in text and "• lost reason – → Price" in text
    assert "• note – → “They chose Initech”" in text


def test_a_reason_an_admin_adds_with_the_cli_is_offered_and_a_retired_one_is_not(driver, slack, local, world):
    url = local.runtime.settings.database_url
    added = CliRunner().invoke(kam_cli, ["lost-reasons", "add", "Went in-house", "--database", url])
    assert added.exit_code == 0 and "Added “Went in-house”" in added.output
    retired = CliRunner().invoke(kam_cli, ["lost-reasons", "retire", "Timing", "--database", url])
    assert retired.exit_code == 0 and "no longer offered" in retired.output
    listed = CliRunner().invoke(kam_cli, ["lost-reasons", "list", "--database", url])
    assert "Went in-house" in listed.output and "Retired (kept on the deals lost for them" in listed.output
    add_deals(local, world["acme_id"], {"name": "Renewal"})
    view = close_first(driver, slack, REP)
    offered = options(view, "lost_reason_id")
    assert offered[-1] == "Went in-house" and "Timing" not in offered


def test_someone_who_may_not_change_the_deals_is_offered_no_button_and_is_refused(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        make_person(session, role=Role.rep, name="Olga Other", email="olga@acme.test", slack_user_id=OTHER)
    [deal] = add_deals(local, world["acme_id"], {"name": "Renewal", "amount": 40_000})
    card, _ = card_of(driver, OTHER, "acme corp")
    assert "New deal" not in blocks_text(card["blocks"]) and "Log" in blocks_text(card["blocks"])
    reply, shown = show_opps(driver, OTHER, "opps acme corp")
    assert buttons(reply["blocks"]) == [] and "*Renewal*" in blocks_text(reply["blocks"])
    refused = ack_of(driver.slash_command(OTHER, "opp new acme corp"))
    assert ("You are not allowed to add a deal to this account: only its owner, its account team, the manager of "
            "its owner's team or an admin can.") in refused["text"]
    # A forged Edit button opens a modal saying who can, with nothing to submit.
    mark = slack.mark()
    forged = {"type": "button", "text": {"type": "plain_text", "text": "Edit"}, "action_id": "kam.edit_opportunity:0",
              "value": f"{deal}:1"}
    driver.block_action(OTHER, forged["action_id"], message={"channel": "C0GENERAL", "ts": "1700000000.000100",
                                                             "blocks": [{"type": "actions", "elements": [forged]}]})
    notice = slack.wait_for("views.open", after=mark).response["view"]
    assert not notice.get("submit") and "You are not allowed to change this deal" in blocks_text(notice["blocks"])
    # The manager of the account owner's team may: the card offers it.
    card, _ = card_of(driver, MANAGER, "acme corp")
    assert "New deal" in blocks_text(card["blocks"])
    with transaction(local.runtime.sessions) as session:
        assert session.get(Opportunity, deal).version == 1
        assert session.get(Account, world["acme_id"]).name == "Acme Corporation"
        assert stage_named(session, "Prospecting").id == session.get(Opportunity, deal).stage_id
