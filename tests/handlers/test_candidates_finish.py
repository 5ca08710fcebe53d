"""Every /kam verb that asks "which one did you mean?" finishes what it started when a candidate is
chosen, and says what it did: the card, the deals, the plan, the tier change with its reason, the note
with its text and its follow-up date. ("acm" could be Acme Corporation or Acme Logistics GmbH.)"""

import pytest
from sqlalchemy import select

from kam_core.accounts.models import Account
from kam_core.db import transaction
from kam_core.enums import Tier
from tests.factories import make_opportunity, make_plan
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_notes import ack, buttons, follow_ups, interactions, text_of

LOGISTICS = "Acme Logistics GmbH"


@pytest.fixture
def logistics(local, world) -> int:
    """Acme Logistics has a deal and a plan of its own, so each answer can be told apart."""
    with transaction(local.runtime.sessions) as session:
        account = session.scalar(select(Account).where(Account.name == LOGISTICS))
        make_opportunity(session, account=account, name="Fleet telematics 2027", amount=80_000)
        make_plan(session, account=account)
        return account.id


def choose_logistics(driver, slack, user: str, text: str) -> dict:
    """Send the command, check it asks which account, tap Acme Logistics; what the bot answered then."""
    mark = driver.mark()
    reply = ack(driver.slash_command(user, text))
    choices = buttons(reply["blocks"])
    assert [c["text"]["text"] for c in choices] == ["Acme Corporation", LOGISTICS], text_of(reply["blocks"])
    before = slack.mark()
    driver.block_action(user, choices[1]["action_id"], message=driver.replies_since(mark, user)[0])
    return slack.wait_for("response_url", after=before).params


@pytest.mark.parametrize("text, shows", [
    ("acm", "*Last touch:*"),  # the card
    ("opps acm", "Fleet telematics 2027"),
    ("plan acm", f"Account plan · {LOGISTICS}"),
])
def test_a_read_verb_shows_the_chosen_accounts_answer(driver, slack, logistics, text, shows):
    answer = text_of(choose_logistics(driver, slack, REP, text)["blocks"])
    assert LOGISTICS in answer and shows in answer


def test_a_tier_change_is_made_on_the_chosen_account_with_its_reason(driver, slack, local, logistics):
    answer = choose_logistics(driver, slack, MANAGER, "tier acm important Strategic partner in Bavaria")
    assert answer["replace_original"] is True  # the question gives way to what was done
    assert text_of(answer["blocks"]) == \
        f"*{LOGISTICS}* is now tiered *important*. Reason recorded: “Strategic partner in Bavaria”."
    with transaction(local.runtime.sessions) as session:
        account = session.get(Account, logistics)
        assert (account.tier_override, account.tier_override_reason) == (Tier.important, "Strategic partner in Bavaria")


def test_a_note_is_saved_on_the_chosen_account_with_its_text_and_follow_up(driver, slack, local, logistics):
    answer = choose_logistics(driver, slack, REP, "log acm: Met the fleet manager, next: send the pilot plan tomorrow")
    assert f"Saved to *{LOGISTICS}*" in text_of(answer["blocks"])
    [note] = interactions(local)
    assert (note.account.name, note.text) == (LOGISTICS, "Met the fleet manager, next: send the pilot plan tomorrow")
    [follow_up] = follow_ups(local)
    assert follow_up.title == "send the pilot plan" and follow_up.account_id == logistics


def test_a_note_without_an_account_asks_which_and_gives_the_note_back(driver, world):
    answer = text_of(ack(driver.slash_command(REP, "log : Met the fleet manager, next: call back tomorrow"))["blocks"])
    assert "Which account?" in answer
    assert "Met the fleet manager, next: call back tomorrow" in answer
