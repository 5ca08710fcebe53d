"""/kam through real HTTP: signed request in, Block Kit out."""

import pytest
from slack_sdk.models.blocks import Block

from tests.handlers.conftest import MANAGER, REP, STRANGER, over_http_and_socket


def blocks_text(blocks: list[dict]) -> str:
    parts = []
    for block in blocks:
        Block.parse(block)  # valid Block Kit, or this raises
        text = block.get("text") or {}
        parts.append(text.get("text", ""))
        parts += [e.get("text", {}).get("text", "") for e in block.get("elements", []) if isinstance(e, dict)]
        if block.get("accessory"):
            parts.append(block["accessory"].get("text", {}).get("text", ""))
    return "\n".join(parts)


def ack_of(response) -> dict:
    assert response.status == 200
    return response.json


@over_http_and_socket
def test_kam_with_a_name_answers_with_the_account_card(driver, world):
    reply = ack_of(driver.slash_command(REP, "acme corp"))
    assert reply["response_type"] == "ephemeral"
    text = blocks_text(reply["blocks"])
    assert "Acme Corporation" in text and "Key account" in text and "Open pipeline" in text
    assert {e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]} == {
        "kam.log_interaction", "kam.show_opportunities", "kam.show_plan", "kam.show_history", "kam.new_opportunity"}


@over_http_and_socket
def test_an_ambiguous_name_offers_candidate_buttons_and_choosing_one_shows_its_card(driver, slack, world):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(REP, "acm"))
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Acme Corporation", "Acme Logistics GmbH"]
    shown = driver.replies_since(mark, REP)[0]
    driver.block_action(REP, buttons[1]["action_id"], buttons[1]["value"], message=shown)
    posted = slack.wait_for("response_url")
    assert "Acme Logistics GmbH" in blocks_text(posted.params["blocks"])


def test_an_unknown_name_says_so(driver, world):
    reply = ack_of(driver.slash_command(REP, "Umbrella Pharmaceuticals"))
    assert "No account called “Umbrella Pharmaceuticals”" in reply["text"]


def test_help_and_unknown_input_answer_with_the_commands(driver, world):
    for text in ("", "help"):
        assert "/kam log" in ack_of(driver.slash_command(REP, text))["text"]


def test_an_unlinked_user_is_told_how_to_get_linked_and_sees_no_data(driver, world):
    reply = ack_of(driver.slash_command(STRANGER, "acme"))
    assert "not linked" in reply["text"] and "Acme" not in reply["text"]


def test_a_slack_user_with_a_known_email_is_linked_on_first_use(driver, slack, local, world):
    from tests.factories import make_person
    from kam_core.db import transaction

    with transaction(local.runtime.sessions) as session:
        make_person(session, name="Nia New", email="nia@acme.test")
    slack.add_user("U0NIA", email="Nia@acme.test", tz="Asia/Shanghai")
    assert "Acme Corporation" in blocks_text(ack_of(driver.slash_command("U0NIA", "acme"))["blocks"])


def test_mine_and_tier_for_the_manager_and_not_for_the_rep(driver, world):
    assert "Acme Corporation" in blocks_text(ack_of(driver.slash_command(REP, "mine"))["blocks"])
    refused = ack_of(driver.slash_command(REP, "tier Acme Logistics important Big renewal"))
    assert "not allowed" in refused["text"]
    done = ack_of(driver.slash_command(MANAGER, "tier Acme Logistics important Big renewal"))
    assert "Acme Logistics GmbH* is now tiered *important*" in done["text"]


def test_names_typed_by_users_are_escaped(driver, world):
    reply = ack_of(driver.slash_command(REP, "globex"))
    assert "Globex &lt;script&gt;" in reply["text"]


def test_a_bad_signature_is_refused(driver, world):
    assert driver.raw("command=/kam&text=acme&user_id=U0REP", signature="wrong").status == 401
    assert driver.raw("command=/kam&text=acme&user_id=U0REP", timestamp=driver.stale_timestamp()).status == 401


@pytest.mark.parametrize(("typed", "shown"), [
    ("acme corp", "Acme Corporation"),
    ("opps acme corp", "Acme Corporation"),
    ("plan acme corp", "Acme Corporation"),
])
def test_reading_does_not_wait_for_another_writer_on_sqlite(driver, local, world, typed, shown):
    """The card, the deals and the plan only read: a long import elsewhere does not hold them up."""
    import sqlite3

    if not local.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock only")
    writer = sqlite3.connect(local.settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
    try:
        reply = ack_of(driver.slash_command(REP, typed))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert shown in blocks_text(reply["blocks"]) + reply.get("text", "")
