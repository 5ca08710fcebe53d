"""A name that is no account, through real HTTP: a "did you mean" only when plausible, and always
the way to look accounts up; `/kam find <words>` lists them with an Open button."""

import pytest
from slack_sdk.models.blocks import Block

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from kam_core.accounts.models import AccountAlias
from kam_core.db import transaction
from kam_core.people.models import Person
from tests.factories import make_account, make_person
from tests.handlers.conftest import REP, over_http_and_socket

# The demo's names offered for "genepoint" and "foo bar" in issue #14, and a few real ones.
ACCOUNTS = {
    "东莞博华能源股份有限公司": ["Bohua Energy"],
    "济南汇科食品有限公司": ["Huike Foods"],
    "北京华信科技有限公司": ["Huaxin Technology"],
    "Starbucks Corporation": ["Starbucks"],
    "Genentech, Inc.": [],
    "General Mills, Inc.": [],
}
FIND_HINT = "type `/kam find` with a word of its name, or its first letters"


@pytest.fixture
def names(local, world):
    with transaction(local.runtime.sessions) as session:
        rep = session.get(Person, world["rep_id"])
        for name, aliases in ACCOUNTS.items():
            account = make_account(session, name=name, owner=rep)
            session.add_all(AccountAlias(account=account, alias=a) for a in aliases)


def ack(response) -> dict:
    assert response.status == 200
    return response.json


def text_of(blocks: list[dict]) -> str:
    parts = []
    for block in blocks:
        Block.parse(block)  # valid Block Kit, or this raises
        parts.append((block.get("text") or {}).get("text", ""))
        for element in block.get("elements", []):
            text = element.get("text", "") if isinstance(element, dict) else ""
            parts.append(text.get("text", "") if isinstance(text, dict) else text)
    return "\n".join(parts)


def open_buttons(blocks: list[dict]) -> list[tuple[str, dict]]:
    """(the row's text, its button) for each row with an Open button."""
    return [(b["text"]["text"], b["accessory"]) for b in blocks if b.get("accessory", {}).get("type") == "button"]


@pytest.mark.parametrize("typed", ["genepoint", "foo bar"])
def test_a_name_like_no_account_offers_no_guess_and_says_how_to_find_one(driver, names, typed):
    reply = ack(driver.slash_command(REP, typed))
    text = reply["text"]
    assert text.startswith(f"No account called “{typed}”. To look it up, {FIND_HINT}.")
    assert "Did you mean" not in text


def test_a_near_miss_still_gets_its_did_you_mean_and_the_way_to_find_others(driver, names):
    text = ack(driver.slash_command(REP, "Starbucks Coffee"))["text"]
    assert "No account called “Starbucks Coffee”. Did you mean “Starbucks Corporation”?" in text
    assert f"If not, {FIND_HINT}." in text


def test_a_note_for_no_account_gets_the_same_answer_and_comes_back(driver, names):
    text = text_of(ack(driver.slash_command(REP, "log genepoint: Met the CFO"))["blocks"])
    assert f"No account called “genepoint”. To look it up, {FIND_HINT}." in text
    assert "Did you mean" not in text and "```Met the CFO```" in text


@over_http_and_socket
def test_find_lists_the_names_with_the_letters_and_open_shows_the_card(driver, slack, names):
    mark = driver.mark()
    reply = ack(driver.slash_command(REP, "find gene"))
    assert reply["response_type"] == "ephemeral"
    assert "Accounts with “gene” in their name or alias" in text_of(reply["blocks"])
    rows = open_buttons(reply["blocks"])
    assert [row for row, _ in rows] == ["*Genentech, Inc.*", "*General Mills, Inc.*"]
    assert {b["text"]["text"] for _, b in rows} == {"Open"}
    shown = driver.replies_since(mark, REP)[0]
    driver.block_action(REP, rows[1][1]["action_id"], rows[1][1]["value"], message=shown)
    posted = slack.wait_for("response_url")
    assert "General Mills, Inc." in text_of(posted.params["blocks"])
    assert "Open pipeline" in text_of(posted.params["blocks"])


def test_find_says_which_alias_holds_the_words(driver, names):
    rows = open_buttons(ack(driver.slash_command(REP, "find energy"))["blocks"])
    assert [row for row, _ in rows] == ["*东莞博华能源股份有限公司* — alias “Bohua Energy”"]


def test_find_with_nothing_found_or_nothing_typed_says_what_to_type(driver, names):
    nothing = ack(driver.slash_command(REP, "find genepoint"))
    assert "No account has “genepoint” in its name or alias. Try fewer words" in text_of(nothing["blocks"])
    assert open_buttons(nothing["blocks"]) == []
    empty = ack(driver.slash_command(REP, "find"))
    assert "Which account? Type a word of its name or alias, or its first letters: `/kam find acme`." in empty["text"]


def test_find_lists_ten_and_says_there_are_more(driver, local, world):
    with transaction(local.runtime.sessions) as session:
        for n in range(12):
            make_account(session, name=f"Nimbus {n:02d} Ltd")
    blocks = ack(driver.slash_command(REP, "find nim"))["blocks"]
    assert len(open_buttons(blocks)) == 10
    assert "Only the first 10 are shown: add a word or more letters to narrow it down." in text_of(blocks)


def test_find_never_names_another_teams_account(database_url):
    with LocalBot(Settings(KAM_DATABASE_URL=database_url, KAM_VISIBILITY="team")) as bot:
        with transaction(bot.runtime.sessions) as session:
            make_account(session, name="Zenith West Robotics", owner=make_person(session, team="West"))
            make_account(session, name="Zenith East Foods", owner=make_person(session, team="East"))
            make_person(session, team="East", slack_user_id="U0EAST")
        blocks = ack(bot.driver.slash_command("U0EAST", "find zenith"))["blocks"]
        assert [row for row, _ in open_buttons(blocks)] == ["*Zenith East Foods*"]
        assert "West" not in text_of(blocks)
