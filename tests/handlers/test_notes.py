"""`/kam log <account>: <text>` through real HTTP: saved at once, confirmed with Undo; the note comes
back whenever it cannot be saved."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from handlers.ids import ActionId
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.enums import Source
from kam_core.errors import Forbidden, InvalidInput
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.service import log_interaction, undo_interaction
from kam_core.people.models import Person
from kam_core.policy import Policy
from templates import slack_escape
from tests.factories import make_account, make_person
from tests.handlers.conftest import REP, STRANGER, over_http_and_socket


# ---- helpers shared by the notes tests ----------------------------------------------------------

def valid_blocks(blocks: list[dict]) -> list[dict]:
    for block in blocks:
        Block.parse(block)  # valid Block Kit, or this raises
    return blocks


def valid_view(view: dict) -> dict:
    shown = {k: v for k, v in view.items() if k in ("type", "title", "submit", "close", "blocks", "callback_id",
                                                  "private_metadata", "external_id")}
    View(**shown).validate_json()
    return view


def text_of(blocks: list[dict]) -> str:
    parts = []
    for block in valid_blocks(blocks or []):
        parts.append((block.get("text") or {}).get("text", ""))
        for element in block.get("elements", []):
            parts.append(element.get("text", {}).get("text", "") if isinstance(element.get("text"), dict)
                         else element.get("text", ""))
    return "\n".join(parts)


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button(blocks: list[dict], action_id: str) -> dict:
    return next(b for b in buttons(blocks) if b["action_id"] == action_id)


def interactions(local) -> list[Interaction]:
    with transaction(local.runtime.sessions) as session:
        rows = session.scalars(select(Interaction).order_by(Interaction.id)).all()
        for row in rows:
            _ = row.account.name, [c.name for c in row.contacts]
        return list(rows)


def follow_ups(local) -> list[FollowUp]:
    with transaction(local.runtime.sessions) as session:
        return list(session.scalars(select(FollowUp).order_by(FollowUp.id)))


def set_timezone(local, person_id: int, zone: str) -> None:
    with transaction(local.runtime.sessions) as session:
        session.get(Person, person_id).timezone = zone


def ack(response) -> dict:
    assert response.status == 200
    return response.json


# ---- quick log ----------------------------------------------------------------------------------

@over_http_and_socket
def test_a_quick_log_with_a_next_step_saves_the_note_and_the_follow_up_in_the_reps_timezone(driver, local, world):
    set_timezone(local, world["rep_id"], "Pacific/Kiritimati")  # UTC+14: their today is often not UTC's
    note = "Met the CFO, budget approved. Next step: send quote in 3 days"
    reply = ack(driver.slash_command(REP, f"log acme corp: {note}"))
    due = datetime.now(ZoneInfo("Pacific/Kiritimati")).date() + timedelta(days=3)
    text = text_of(reply["blocks"])
    assert "Saved to *Acme Corporation*" in text and "Met the CFO, budget approved" in text
    assert "send quote" in text and due.strftime("%-d %b %Y") in text
    assert button(reply["blocks"], ActionId.undo_interaction)
    [stored] = interactions(local)
    assert (stored.account.name, stored.source, stored.next_step, stored.follow_up_on) == (
        "Acme Corporation", Source.slash_command, "send quote", due)
    assert stored.idempotency_key.startswith("cmd:")
    [follow_up] = follow_ups(local)
    assert (follow_up.title, follow_up.due_on, follow_up.owner_id) == ("send quote", due, world["rep_id"])


def test_a_next_step_without_a_date_is_stored_and_the_reply_says_what_to_type(driver, local, world):
    reply = ack(driver.slash_command(REP, "log acme corp: good call, next: send quote by the blue moon"))
    text = text_of(reply["blocks"])
    assert "did not understand the date “the blue moon”" in text and "no follow-up was created" in text
    assert "by Friday" in text
    [stored] = interactions(local)
    assert (stored.next_step, stored.follow_up_on) == ("send quote by the blue moon", None)
    assert follow_ups(local) == []


def test_what_the_rep_typed_is_escaped_in_the_confirmation(driver, world):
    reply = ack(driver.slash_command(REP, "log acme corp: told <!channel> about <https://evil|our docs> & more"))
    text = text_of(reply["blocks"])
    assert "&lt;!channel&gt;" in text and "&lt;https://evil|our docs&gt; &amp; more" in text
    assert "<!channel>" not in text


def test_a_note_too_long_comes_back_whole_and_nothing_is_saved(driver, local, world):
    note = ("Met <the> CFO & team. " + "All the details. " * 200).strip()
    assert len(note) > 3000
    reply = ack(driver.slash_command(REP, f"log acme corp: {note}"))
    assert f"is {len(note)} characters; the limit is 3000" in reply["text"]
    code = [b["text"]["text"] for b in valid_blocks(reply["blocks"]) if b["text"]["text"].startswith("```")]
    assert "".join(c.strip("`") for c in code) == slack_escape(note)
    assert interactions(local) == []


def test_an_unknown_account_says_so_and_gives_the_note_back(driver, local, world):
    reply = ack(driver.slash_command(REP, "log Umbrella Pharmaceuticals: Met the CFO"))
    text = text_of(reply["blocks"])
    assert "No account called “Umbrella Pharmaceuticals”" in text and "```Met the CFO```" in text
    assert interactions(local) == []


def test_a_save_the_rules_refuse_gives_the_note_back(database_url):
    with LocalBot(Settings(KAM_DATABASE_URL=database_url, KAM_VISIBILITY="team")) as bot:
        with transaction(bot.runtime.sessions) as session:
            make_account(session, name="Acme Corporation", owner=make_person(session, team="East"))
            make_person(session, team="West", slack_user_id="U0WEST")
        reply = ack(bot.driver.slash_command("U0WEST", "log acme corp: Met the CFO & <b>"))
        text = text_of(reply["blocks"])
        # Another team's account is not even named back (team visibility), and the note returns.
        assert "No account called “acme corp”" in text and "```Met the CFO &amp; &lt;b&gt;```" in text
        assert interactions(bot) == []


def test_an_ambiguous_name_offers_candidates_and_a_tap_saves_the_note_there_once(driver, slack, local, world):
    mark = driver.mark()
    reply = ack(driver.slash_command(REP, "log acm: Met the CFO, next: call back tomorrow"))
    choices = buttons(valid_blocks(reply["blocks"]))
    assert [c["text"]["text"] for c in choices] == ["Acme Corporation", "Acme Logistics GmbH"]
    assert "Tap the one to save your note to" in reply["text"]
    shown = driver.replies_since(mark, REP)[0]
    for _ in range(2):  # a double tap
        before = slack.mark()
        driver.block_action(REP, choices[1]["action_id"], message=shown)
        slack.wait_for("response_url", after=before)
    [stored] = interactions(local)
    assert (stored.account.name, stored.text) == ("Acme Logistics GmbH", "Met the CFO, next: call back tomorrow")
    confirmations = [c for c in slack.calls_to("response_url")]
    assert confirmations[0].params["replace_original"] is True
    assert "Saved to *Acme Logistics GmbH*" in text_of(confirmations[0].params["blocks"])
    assert "already saved before" in text_of(confirmations[1].params["blocks"])
    assert len(follow_ups(local)) == 1


def test_an_ambiguous_name_with_a_note_too_long_for_a_button_opens_the_form_with_the_note(driver, slack, local,
                                                                                         world):
    note = "Long meeting notes. " * 110  # over what a button value carries, under 3000
    reply = ack(driver.slash_command(REP, f"log acm: {note}"))
    assert "opened the log form" in reply["text"]
    view = valid_view(slack.wait_for("views.open").response["view"])
    notes = next(b for b in view["blocks"] if b["block_id"] == "notes")
    assert notes["element"]["initial_value"] == note.strip()
    assert interactions(local) == []


@over_http_and_socket
def test_undo_removes_the_note_and_its_follow_up(driver, slack, local, world):
    mark = driver.mark()
    reply = ack(driver.slash_command(REP, "log acme corp: Met the CFO, next: send quote by Friday"))
    assert len(follow_ups(local)) == 1
    driver.block_action(REP, ActionId.undo_interaction, message=driver.replies_since(mark, REP)[0])
    removed = slack.wait_for("response_url")
    assert removed.params["replace_original"] is True
    assert "Removed your note from *Acme Corporation* and its follow-up “send quote”" in removed.params["text"]
    assert interactions(local) == [] and follow_ups(local) == []
    with transaction(local.runtime.sessions) as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "undo_interaction")).one()
        assert audit.actor_id == world["rep_id"]
    assert button(reply["blocks"], ActionId.undo_interaction)["value"] == str(audit.entity_id)


def test_an_unlinked_user_is_told_how_to_get_linked(driver, local, world):
    reply = ack(driver.slash_command(STRANGER, "log acme corp: Met the CFO"))
    assert "not linked" in reply["text"]
    assert interactions(local) == []


# ---- undo rules (service) -----------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def logged(session):
    rep = make_person(session, name="Ray Rep", team="East")
    account = make_account(session, name="Acme", owner=rep)
    stored = log_interaction(session, actor=Actor.of(rep), policy=Policy(), account_id=account.id, text="Met",
                             source=Source.slash_command, now=NOW)
    return rep, stored


def test_only_the_author_may_undo(session, logged):
    _, stored = logged
    other = make_person(session, name="Olga Other", team="East")
    with pytest.raises(Forbidden):
        undo_interaction(session, actor=Actor.of(other), interaction_id=stored.id, now=NOW)


def test_undo_is_refused_after_an_hour(session, logged):
    rep, stored = logged
    with pytest.raises(InvalidInput):
        undo_interaction(session, actor=Actor.of(rep), interaction_id=stored.id, now=NOW + timedelta(minutes=61))
    assert undo_interaction(session, actor=Actor.of(rep), interaction_id=stored.id,
                            now=NOW + timedelta(minutes=59)).id == stored.id


def test_an_unlinked_rep_gets_their_note_back(driver, world):
    reply = driver.slash_command("U0NOBODY", "log acme: met the CFO <!channel>, budget approved").json
    assert "not linked" in reply["text"]
    shown = " ".join(b["text"]["text"] for b in reply["blocks"] if b.get("text"))
    assert "met the CFO &lt;!channel&gt;, budget approved" in shown
