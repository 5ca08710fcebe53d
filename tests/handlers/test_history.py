"""An account's history through the emulator: `/kam history`, the card's History button, Next / Previous
redrawing the list in place, Open showing a note in full; and `/kam log <kind> ...` choosing the kind."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from handlers.ids import ActionId
from kam_core.accounts.models import Account
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import FollowUpStatus, InteractionKind
from kam_core.interactions.models import Interaction
from kam_core.people.models import Person
from templates import slack_escape
from tests.factories import make_account, make_follow_up, make_interaction, make_person
from tests.handlers.conftest import REP, over_http_and_socket
from tests.handlers.test_commands import ack_of
from tests.handlers.test_mine import blocks_text

NOW = utcnow()
TODAY = NOW.date()
LONG_NOTE = "Met <the> CFO & the board.\n" + "Budget & timing <details> discussed at length. " * 90 + "\nThe end."


@pytest.fixture
def acme_history(local, world):
    """Acme Corporation: 13 interactions a day apart, the newest a visit by Mia whose follow-up is overdue,
    the second a call whose follow-up is done, the third the long note full of & < >."""
    with transaction(local.runtime.sessions) as session:
        acme = session.get(Account, world["acme_id"])
        mia = session.scalar(select(Person).where(Person.name == "Mia Manager"))
        for n in range(13, 3, -1):
            make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=n), text=f"Old touch {n}")
        long = make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=3), text=LONG_NOTE)
        call = make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=2), kind=InteractionKind.call,
                                text="Called about renewal\nsecond line\nthird line")
        make_follow_up(session, account=acme, due_on=TODAY - timedelta(days=1), title="Send the <quote>",
                       status=FollowUpStatus.done, interaction_id=call.id)
        visit = make_interaction(session, account=acme, occurred_at=NOW - timedelta(days=1), author=mia,
                                 kind=InteractionKind.visit, text="Site visit, met ops")
        make_follow_up(session, account=acme, due_on=TODAY - timedelta(days=1), title="Book the demo",
                       interaction_id=visit.id)
        return {"long_id": long.id}


def rows(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and b.get("accessory", {}).get(
        "action_id", "").startswith(ActionId.open_interaction)]


def open_buttons(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id", "").startswith(
        ActionId.open_interaction)]


def page_buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]
            if e["action_id"].startswith(ActionId.page_history)}


def tap(driver, slack, shown, pressed: dict):
    """Tap a button of a message; the bot's answer (through the response_url) and how it was shown."""
    mark = driver.mark()
    driver.block_action(REP, pressed["action_id"], pressed["value"], message=shown)
    answer = slack.wait_for("response_url", after=mark.calls)
    blocks_text(answer.params["blocks"])  # valid Block Kit
    return answer.params, driver.replies_since(mark, REP)[-1]


@over_http_and_socket
def test_history_lists_the_newest_first_with_who_kind_first_lines_and_follow_up_state(driver, acme_history):
    reply = ack_of(driver.slash_command(REP, "history acme corp"))
    listed = rows(reply["blocks"])
    assert len(listed) == 10
    day = (NOW - timedelta(days=1)).strftime("%a %-d %b %Y")
    assert listed[0].startswith(f"1. *{day}, ") and " · Visit · Mia Manager\nSite visit, met ops" in listed[0]
    assert "Follow-up “Book the demo” due" in listed[0] and listed[0].endswith("· ⚠️ overdue")
    assert " · Call · Ray Rep\nCalled about renewal\nsecond line…\n" in listed[1] and listed[1].endswith("✅ done")
    assert "“Send the &lt;quote&gt;”" in listed[1]
    assert listed[2].startswith("3. ") and "Met &lt;the&gt; CFO &amp; the board." in listed[2]
    assert len(listed[2]) < 400 and "…" in listed[2]
    text = blocks_text(reply["blocks"])
    assert "*History of Acme Corporation*, newest first · 1–10 of 13:" in text and "1–10 of 13 · and 3 more" in text
    assert list(page_buttons(reply["blocks"])) == ["Next 3"]
    assert reply["text"] == "History of Acme Corporation: 13 interactions"


@over_http_and_socket
def test_the_cards_history_button_and_next_previous_redraw_the_list_in_place(driver, slack, acme_history):
    mark = driver.mark()
    card = ack_of(driver.slash_command(REP, "acme corp"))
    history_button = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
                          if e["action_id"] == ActionId.show_history)
    first, shown = tap(driver, slack, driver.replies_since(mark, REP)[0], history_button)
    assert first["replace_original"] is False  # the card stays; the history comes under it
    assert rows(first["blocks"])[0].startswith("1. ") and len(rows(first["blocks"])) == 10

    second, shown = tap(driver, slack, shown, page_buttons(first["blocks"])["Next 3"])
    assert second["replace_original"] is True
    assert [r.split(".")[0] for r in rows(second["blocks"])] == ["11", "12", "13"]
    assert rows(second["blocks"])[-1].split("\n")[1] == "Old touch 13"
    assert "11–13 of 13: that's all of them" in blocks_text(second["blocks"])
    assert list(page_buttons(second["blocks"])) == ["Previous"]

    back, _ = tap(driver, slack, shown, page_buttons(second["blocks"])["Previous"])
    assert back["replace_original"] is True and rows(back["blocks"]) == rows(first["blocks"])


def test_open_shows_the_whole_note_escaped_in_sections_within_slacks_limit(driver, slack, acme_history):
    mark = driver.mark()
    listing = ack_of(driver.slash_command(REP, "history acme corp"))
    opened, _ = tap(driver, slack, driver.replies_since(mark, REP)[0], open_buttons(listing["blocks"])[2])
    assert opened["replace_original"] is False and opened["response_type"] == "ephemeral"
    sections = [b["text"]["text"] for b in opened["blocks"] if b["type"] == "section"]
    assert sections[0].startswith("*Note* on *Acme Corporation* · ") and sections[0].endswith(" · Ray Rep")
    body = sections[1:]
    assert len(body) >= 2 and all(len(s) <= 3000 for s in body)  # the escaped note is over 3000 characters
    assert " ".join(body).split() == slack_escape(LONG_NOTE).split()
    assert "<the>" not in " ".join(body)


def test_open_shows_the_follow_up_and_who_took_part(driver, slack, acme_history):
    mark = driver.mark()
    listing = ack_of(driver.slash_command(REP, "history acme corp"))
    opened, _ = tap(driver, slack, driver.replies_since(mark, REP)[0], open_buttons(listing["blocks"])[0])
    text = blocks_text(opened["blocks"])
    assert text.startswith("*Visit* on *Acme Corporation* · ") and "Site visit, met ops" in text
    assert "Follow-up “Book the demo” due" in text and "⚠️ overdue" in text


def test_an_account_with_no_interactions_says_so_and_how_to_log_one(driver, world):
    reply = ack_of(driver.slash_command(REP, "history globex"))
    assert reply["text"] == "History of Globex &lt;script&gt;: nothing logged yet"
    text = blocks_text(reply["blocks"])
    assert "Nothing has been logged for *Globex &lt;script&gt;* yet" in text and "/kam log call" in text
    assert rows(reply["blocks"]) == [] and page_buttons(reply["blocks"]) == {}


def test_a_name_that_could_be_several_accounts_asks_and_the_choice_shows_the_history(driver, slack, acme_history):
    mark = driver.mark()
    question = ack_of(driver.slash_command(REP, "history acm"))
    choice = next(e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Acme Corporation")
    answer, _ = tap(driver, slack, driver.replies_since(mark, REP)[0], choice)
    assert "*History of Acme Corporation*" in blocks_text(answer["blocks"])


def test_history_without_an_account_says_how_to_ask(driver, world):
    assert ack_of(driver.slash_command(REP, "history"))["text"] == "Which account? Try `/kam history Acme`."


def test_with_team_visibility_another_teams_history_is_not_even_named(database_url):
    with LocalBot(Settings(KAM_DATABASE_URL=database_url, KAM_VISIBILITY="team")) as bot:
        with transaction(bot.runtime.sessions) as session:
            acme = make_account(session, name="Acme Corporation", owner=make_person(session, team="East"))
            make_interaction(session, account=acme, occurred_at=NOW, text="East's secret")
            make_person(session, team="West", slack_user_id="U0WEST")
        reply = ack_of(bot.driver.slash_command("U0WEST", "history acme corp"))
        assert "No account called “acme corp”" in reply["text"]
        assert "secret" not in blocks_text(reply["blocks"])


# ---- /kam log <kind> ----------------------------------------------------------------------------

def logged(local) -> list[tuple[str, InteractionKind, str]]:
    with transaction(local.runtime.sessions) as session:
        return [(i.account.name, i.kind, i.text) for i in session.scalars(select(Interaction).order_by(Interaction.id))]


@pytest.mark.parametrize("kind", ["call", "meeting", "visit", "email", "complaint", "note"])
def test_the_first_word_after_log_is_the_kind(driver, local, world, kind):
    reply = ack_of(driver.slash_command(REP, f"log {kind} acme corp: talked renewal"))
    assert reply["text"].startswith(f":white_check_mark: {kind.capitalize()} logged. Saved to *Acme Corporation*")
    assert logged(local) == [("Acme Corporation", InteractionKind(kind), "talked renewal")]


def test_without_a_kind_word_it_is_a_note_and_the_kind_word_is_case_blind(driver, local, world):
    ack_of(driver.slash_command(REP, "log acme corp: plain note"))
    ack_of(driver.slash_command(REP, "log CALL acme corp: shouted call"))
    assert [(kind, text) for _, kind, text in logged(local)] == [
        (InteractionKind.note, "plain note"), (InteractionKind.call, "shouted call")]


@pytest.fixture
def visit_scotland(local, world):
    with transaction(local.runtime.sessions) as session:
        rep = session.get(Person, world["rep_id"])
        make_account(session, name="Visit Scotland", owner=rep)


def test_a_company_named_with_a_kind_word_gets_a_note_and_the_word_repeated_logs_that_kind(driver, local,
                                                                                           visit_scotland):
    first = ack_of(driver.slash_command(REP, "log Visit Scotland: tourism board meeting"))
    assert first["text"].startswith(":white_check_mark: Note logged. Saved to *Visit Scotland*")
    ack_of(driver.slash_command(REP, "log visit Visit Scotland: went to Edinburgh"))
    ack_of(driver.slash_command(REP, "log note visit scotland: a note, said so"))
    ack_of(driver.slash_command(REP, "log visit acme corp: a visit elsewhere"))
    assert logged(local) == [
        ("Visit Scotland", InteractionKind.note, "tourism board meeting"),
        ("Visit Scotland", InteractionKind.visit, "went to Edinburgh"),
        ("Visit Scotland", InteractionKind.note, "a note, said so"),
        ("Acme Corporation", InteractionKind.visit, "a visit elsewhere"),
    ]


def test_log_kind_and_account_without_text_opens_the_form_with_both_chosen(driver, slack, world):
    driver.slash_command(REP, "log meeting acme corp")
    view = slack.wait_for("views.open").response["view"]
    blocks = {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}
    assert blocks["kind"]["element"]["initial_option"]["value"] == "meeting"
    assert blocks["account"]["element"]["initial_option"]["text"]["text"] == "Acme Corporation"


def test_an_ambiguous_name_after_a_kind_keeps_the_kind_through_the_candidate_tap(driver, slack, local, world):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(REP, "log complaint acm: the delivery was late"))
    choice = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Acme Logistics GmbH")
    saved, _ = tap(driver, slack, driver.replies_since(mark, REP)[0], choice)
    assert saved["text"].startswith(":white_check_mark: Complaint logged. Saved to *Acme Logistics GmbH*")
    assert logged(local) == [("Acme Logistics GmbH", InteractionKind.complaint, "the delivery was late")]
