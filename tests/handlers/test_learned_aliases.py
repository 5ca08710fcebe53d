"""Through Slack: a rep chooses a candidate for what they typed, and the next person's same words open
that account at once; a "did you mean" accepted teaches the same; an admin lists and removes learned
aliases with `/kam aliases` (others are refused); two accounts claiming one text ask again.
("acm" could be Acme Corporation or Acme Logistics GmbH.)"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kam_core.accounts.aliases import learn_alias
from kam_core.accounts.models import Account, AccountAlias
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.enums import AliasSource, Role
from kam_core.policy import Policy
from tests.factories import make_person
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_notes import ack, buttons, text_of

LOGISTICS = "Acme Logistics GmbH"
ADMIN = "U0ADMIN"


@pytest.fixture
def admin(local, world):
    with transaction(local.runtime.sessions) as session:
        make_person(session, role=Role.admin, name="Ada Admin", email="ada@acme.test", slack_user_id=ADMIN)


def tap(driver, slack, user, reply, mark, label) -> dict:
    """Tap the button labelled `label` on the answer; what the bot sent to the response_url then."""
    chosen = next(b for b in buttons(reply["blocks"]) if b["text"]["text"] == label)
    before = slack.mark()
    driver.block_action(user, chosen["action_id"], message=driver.replies_since(mark, user)[0])
    return slack.wait_for("response_url", after=before).params


def choose(driver, slack, user, text, label=LOGISTICS) -> dict:
    mark = driver.mark()
    reply = ack(driver.slash_command(user, text))
    assert [b["text"]["text"] for b in buttons(reply["blocks"])] == ["Acme Corporation", LOGISTICS], \
        text_of(reply["blocks"])
    return tap(driver, slack, user, reply, mark, label)


def learned(local) -> list[tuple]:
    with transaction(local.runtime.sessions) as session:
        return [(a.alias, a.account.name, a.source, a.learned_by.name if a.learned_by else None, a.query)
                for a in session.scalars(select(AccountAlias).where(AccountAlias.source == AliasSource.learned))]


def test_a_chosen_candidate_makes_the_next_persons_same_query_open_the_card(driver, slack, local, world):
    assert LOGISTICS in text_of(choose(driver, slack, REP, "acm")["blocks"])
    assert learned(local) == [("acm", LOGISTICS, AliasSource.learned, "Ray Rep", "acm")]
    with transaction(local.runtime.sessions) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "learn_alias"))
        assert (entry.actor_id, entry.changes) == (world["rep_id"], {"alias": "acm", "query": "acm"})

    card = text_of(ack(driver.slash_command(MANAGER, "acm"))["blocks"])  # the next person: the card at once
    assert LOGISTICS in card and "*Last touch:*" in card and "Which one?" not in card


def test_choosing_for_another_verb_teaches_too(driver, slack, local, world):
    choose(driver, slack, REP, "opps acm")
    assert learned(local) == [("acm", LOGISTICS, AliasSource.learned, "Ray Rep", "acm")]
    assert "Which one?" not in text_of(ack(driver.slash_command(MANAGER, "history acm"))["blocks"])


def test_a_did_you_mean_has_a_yes_button_that_opens_the_account_and_teaches_it(driver, slack, local, world):
    mark = driver.mark()
    reply = ack(driver.slash_command(REP, "acme corporatoin"))
    assert "No account called “acme corporatoin”. Did you mean “Acme Corporation”?" in text_of(reply["blocks"])
    answer = tap(driver, slack, REP, reply, mark, "Yes, Acme Corporation")
    assert "Acme Corporation" in text_of(answer["blocks"]) and "*Last touch:*" in text_of(answer["blocks"])
    assert learned(local) == [("acme corporatoin", "Acme Corporation", AliasSource.learned, "Ray Rep",
                               "acme corporatoin")]
    assert "*Last touch:*" in text_of(ack(driver.slash_command(MANAGER, "Acme Corporatoin"))["blocks"])


def test_two_accounts_claiming_a_learned_alias_ask_again(driver, slack, local, world):
    choose(driver, slack, REP, "acm")
    with transaction(local.runtime.sessions) as session:  # someone else taught it for the other account
        corporation = session.scalar(select(Account).where(Account.name == "Acme Corporation"))
        learn_alias(session, actor=Actor.system("test"), policy=Policy(), account_id=corporation.id, query="acm",
                    now=datetime.now(UTC))
    reply = ack(driver.slash_command(MANAGER, "acm"))
    assert {b["text"]["text"] for b in buttons(reply["blocks"])} == {"Acme Corporation", LOGISTICS}


def test_an_admin_lists_and_removes_a_learned_alias_and_the_query_no_longer_matches(driver, slack, local, world,
                                                                                   admin):
    choose(driver, slack, REP, "acm")
    mark = driver.mark()
    listing = ack(driver.slash_command(ADMIN, f"aliases {LOGISTICS}"))
    shown = text_of(listing["blocks"])
    assert f"*{LOGISTICS}* has 1 learned alias" in shown
    assert "“acm” — taught by Ray Rep on" in shown and "from “acm”" in shown
    [remove] = [b["accessory"] for b in listing["blocks"] if b.get("accessory", {}).get("text", {}).get("text")
                == "Remove"]
    before = slack.mark()
    driver.block_action(ADMIN, remove["action_id"], message=driver.replies_since(mark, ADMIN)[0])
    after = slack.wait_for("response_url", after=before).params
    assert after["replace_original"] is True
    assert f"Removed “acm” from *{LOGISTICS}*" in text_of(after["blocks"])
    assert f"*{LOGISTICS}* has no learned aliases." in text_of(after["blocks"])
    assert learned(local) == []
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "remove_alias")) is not None
    assert "Which one?" in text_of(ack(driver.slash_command(REP, "acm"))["blocks"])


@pytest.mark.parametrize("user", [REP, MANAGER])
def test_others_are_refused_the_aliases_list(driver, world, user):
    answer = text_of(ack(driver.slash_command(user, "aliases acm"))["blocks"])
    assert answer == "You are not allowed to see or remove the aliases the team taught: only an admin can."


def test_a_notes_did_you_mean_saves_the_note_there_and_teaches_the_name(driver, slack, local, world):
    mark = driver.mark()
    reply = ack(driver.slash_command(REP, "log acme corporatoin: Met the CFO"))
    shown = text_of(reply["blocks"])
    assert "Did you mean “Acme Corporation”?" in shown and "Met the CFO" in shown  # the note comes back too
    answer = tap(driver, slack, REP, reply, mark, "Yes, Acme Corporation")
    assert "Saved to *Acme Corporation*" in text_of(answer["blocks"])
    assert learned(local) == [("acme corporatoin", "Acme Corporation", AliasSource.learned, "Ray Rep",
                               "acme corporatoin")]
