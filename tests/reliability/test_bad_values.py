"""Values no one meant: notes longer than Slack allows, empty notes, dates in the past or absurdly far
ahead, amounts that are negative, too large or not numbers. Every surface that takes them answers with
a clear message (what was wrong, what to do) and loses nothing the user typed."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from handlers.ids import ActionId, BlockId
from kam_core.accounts.models import Account, TierChange
from kam_core.db import make_engine
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.opportunities.models import Opportunity
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_log_modal import block, filled, open_modal, today_of
from tests.handlers.test_notes import text_of
from tests.handlers.test_shortcuts_and_dm import dm_reply
from tests.reliability.helpers import count

LONG_NOTE = "Met the CFO; " + "budget talk <&> " * 220  # 3,533 characters: over Slack's 3,000


def kept_note(blocks: list[dict]) -> str:
    """The note as the bot gave it back: the code-block sections after "Here is your note", unescaped."""
    chunks = [b["text"]["text"] for b in blocks if b["text"]["text"].startswith("```")]
    return "".join(c.strip("`") for c in chunks).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---- /kam log ---------------------------------------------------------------------------------

def test_a_quick_log_longer_than_slack_allows_says_by_how_much_and_gives_the_note_back(driver, local, world):
    reply = driver.slash_command(REP, f"log acme corp: {LONG_NOTE}").json
    length = len(LONG_NOTE.strip())
    assert reply["text"] == (f"Your note is {length} characters; the limit is 3000. "
                             f"Shorten it by {length - 3000} characters and send it again.")
    assert kept_note(reply["blocks"]) == LONG_NOTE.strip()
    assert count(local, Interaction) == 0


def test_a_quick_log_with_an_empty_note_opens_the_form_for_that_account(driver, slack, local, world):
    before = slack.mark()
    assert not driver.slash_command(REP, "log acme corp:   ").body
    view = slack.wait_for("views.open", after=before).response["view"]
    assert block(view, BlockId.account)["element"]["initial_option"]["value"] == str(world["acme_id"])
    assert count(local, Interaction) == 0


@pytest.mark.parametrize("when, why", [("1/2/2020", "“1/2/2020” is in the past"),
                                       ("2999-12-31", "“2999-12-31” is more than 2 years ahead")])
def test_a_quick_log_whose_follow_up_date_is_past_or_absurd_saves_the_note_and_says_why_no_follow_up(
        driver, local, world, when, why):
    reply = driver.slash_command(REP, f"log acme corp: called the buyer, next: send the quote by {when}").json
    text = text_of(reply["blocks"])
    assert "Saved to *Acme Corporation*" in text
    assert f"but {why}, so no follow-up was created" in text
    assert count(local, Interaction) == 1 and count(local, FollowUp) == 0


# ---- the log form -----------------------------------------------------------------------------

def test_the_log_form_names_each_bad_value_next_to_its_field_and_stays_open(driver, slack, local, world):
    view = open_modal(driver, slack)
    today = today_of(local, world["rep_id"])
    values = filled(world["acme_id"], **{
        BlockId.occurred_on: {ActionId.occurred_on_pick: date(1900, 1, 1)},
        BlockId.follow_up_on: {ActionId.follow_up_pick: date(2999, 1, 1)}})

    errors = driver.view_submission(REP, view, values).json["errors"]

    assert errors == {BlockId.occurred_on: "This date is more than 10 years ago; pick a later day.",
                      BlockId.follow_up_on: "This date is more than 2 years ahead; pick a nearer day."}
    values[BlockId.occurred_on] = {ActionId.occurred_on_pick: today + timedelta(days=1)}
    values[BlockId.follow_up_on] = {ActionId.follow_up_pick: today - timedelta(days=1)}
    values[BlockId.notes] = {ActionId.notes_input: "  "}
    errors = driver.view_submission(REP, view, values).json["errors"]
    assert errors == {BlockId.occurred_on: "This date is in the future; pick today or an earlier day.",
                      BlockId.follow_up_on: "This date is in the past; pick today or a later day.",
                      BlockId.notes: "Write what happened."}
    assert [v["id"] for v in slack.open_views(REP)] == [view["id"]]
    assert count(local, Interaction) == 0


def test_a_note_past_the_forms_limit_sent_anyway_is_refused_inline(driver, slack, local, world):
    view = open_modal(driver, slack)  # Slack's max_length stops this; an old or forged client may not
    values = filled(world["acme_id"], **{BlockId.notes: {ActionId.notes_input: LONG_NOTE}})
    errors = driver.view_submission(REP, view, values).json["errors"]
    assert errors[BlockId.notes].startswith(f"Your note is {len(LONG_NOTE.strip())} characters; the limit is 3000.")
    assert [v["id"] for v in slack.open_views(REP)] == [view["id"]]
    assert count(local, Interaction) == 0


# ---- a DM to the bot --------------------------------------------------------------------------

@pytest.mark.parametrize("said, answer", [
    (f"acme: {LONG_NOTE}", f"Your note is {len(LONG_NOTE.strip())} characters; the limit is 3000."),
    ("acme:   ", "To log a note, write to me like this"),
    ("acme: renewal talk, next: call back by 2999-12-31", "“2999-12-31” is more than 2 years ahead, so no "
                                                          "follow-up will be created"),
])
def test_a_dm_with_a_bad_value_is_answered_plainly(driver, slack, local, world, said, answer):
    before = slack.mark()
    driver.message_im(REP, said)
    assert answer in text_of(dm_reply(slack, before).params["blocks"])
    assert count(local, Interaction) == 0


# ---- /kam tier: the reason --------------------------------------------------------------------

@pytest.mark.parametrize("reason, answer", [
    ("", "reason: say why the tier changes"),
    ("x" * 600, "reason: it is 600 characters; keep it to 500"),
])
def test_a_tier_override_needs_a_reason_of_sensible_length(driver, local, world, reason, answer):
    reply = driver.slash_command(MANAGER, f"tier acme corp important {reason}").json
    assert answer in reply["text"]
    assert count(local, TierChange, TierChange.reason.is_not(None)) == 0


# ---- importers --------------------------------------------------------------------------------

def kam(*args, database):
    return CliRunner().invoke(app, [*args, "--database", database])


def rows_of(url, model) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = len(connection.execute(select(model.id)).all())
    engine.dispose()
    return found


@pytest.mark.parametrize("revenue, problem", [
    ("-5", "“-5” is negative; it must be 0 or more"),
    ("lots", "“lots” is not a number"),
    ("NaN", "“NaN” is not a number"),
    ("1e30", "“1e30” is too large; amounts stay under 100,000,000,000,000"),
])
def test_an_account_file_with_a_bad_amount_names_row_and_column_and_imports_nothing(
        database_url, tmp_path, revenue, problem):
    file = tmp_path / "accounts.csv"
    file.write_text(f"name,revenue\nGood Ltd,100\nBad Ltd,{revenue}\n", encoding="utf-8")
    result = kam("import", "accounts", str(file), database=database_url)
    assert result.exit_code == 1
    assert result.output.strip() == f"{file}, row 3, field “revenue”: {problem}. Nothing was imported."
    assert rows_of(database_url, Account) == 0


@pytest.mark.parametrize("close, problem", [
    ("9999-12-31", "“9999-12-31” is not a plausible date; years run from 1900 to 2199"),
    ("0205-03-31", "“0205-03-31” is not a plausible date; years run from 1900 to 2199"),
    ("next Friday", "“next Friday” is not a date; write it as YYYY-MM-DD"),
])
def test_a_deal_with_an_absurd_close_date_names_record_and_field_and_imports_nothing(
        database_url, tmp_path, close, problem):
    for name, records in (("Accounts.json", [{"attributes": {"referenceId": "A1"}, "Name": "Only Account"}]),
                          ("Opportunities.json", [{"attributes": {"referenceId": "O1"}, "AccountId": "@A1",
                                                   "Name": "Deal", "StageName": "Prospecting", "CloseDate": close}])):
        (tmp_path / name).write_text(json.dumps({"records": records}), encoding="utf-8")
    result = kam("import", "salesforce", str(tmp_path), database=database_url)
    assert result.exit_code == 1
    assert result.output.strip() == (f"{tmp_path / 'Opportunities.json'}, row 1, field “CloseDate”: {problem}. "
                                     "Nothing was imported.")
    assert rows_of(database_url, Opportunity) == 0 and rows_of(database_url, Account) == 0
