"""/kam digest: a manager's own preview, opting out and back in, choosing day and hour;
reps are told the digest is for managers."""

from datetime import timedelta

from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot import digests
from bot.app import web_client
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.delivery.models import NotificationPreference
from kam_core.enums import InteractionKind
from kam_core.interactions.models import Interaction
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of


def blocks_text(blocks: list[dict]) -> str:
    """Every text a reader sees in the blocks: sections, context lines and buttons."""
    parts = []
    for block in blocks:
        parts.append((block.get("text") or {}).get("text", ""))
        for element in block.get("elements", []):
            parts.append(element["text"] if isinstance(element["text"], str) else element["text"]["text"])
        parts.append(((block.get("accessory") or {}).get("text") or {}).get("text", ""))
    return "\n".join(parts)


def complaint_last_week(local, world, text="Invoice <wrong> again"):
    with transaction(local.runtime.sessions) as session:
        from kam_core.enums import Source

        session.add(Interaction(account_id=world["acme_id"], kind=InteractionKind.complaint,
                                occurred_at=utcnow() - timedelta(days=7), author_id=world["rep_id"], text=text,
                                source=Source.console, created_at=utcnow()))


def test_a_manager_sees_their_own_digest_as_a_private_preview(driver, local, world):
    complaint_last_week(local, world)
    reply = ack_of(driver.slash_command(MANAGER, "digest"))
    assert reply["response_type"] == "ephemeral" and len(reply["blocks"]) <= 50
    for block in reply["blocks"]:
        Block.parse(block).validate_json()
    text = blocks_text(reply["blocks"])
    assert "Weekly digest" in text and "Mia Manager's team: 2 people, 3 accounts" in text
    assert "Invoice &lt;wrong&gt; again" in text and "every Monday at 08:00" in text
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "Acme Corporation" in [b["text"]["text"] for b in buttons]


def test_a_button_in_the_digest_opens_the_accounts_card(driver, slack, local, world):
    complaint_last_week(local, world)
    mark = driver.mark()
    reply = ack_of(driver.slash_command(MANAGER, "digest"))
    shown = driver.replies_since(mark, MANAGER)[0]
    button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Acme Corporation")
    driver.block_action(MANAGER, button["action_id"], button["value"], message=shown)
    assert "Key account" in blocks_text(slack.wait_for("response_url").params["blocks"])


def test_the_button_works_in_the_digest_sent_by_dm_too(driver, slack, local, world):
    complaint_last_week(local, world)
    slack.add_user(MANAGER, email="mia@acme.test", name="Mia", tz="UTC")
    digests.send(local.runtime, web_client(local.settings), manager_email="mia@acme.test",
                 week=(utcnow() - timedelta(days=7)).strftime("%G-W%V"))
    [message] = slack.messages_in(slack.dm_channel_for(MANAGER))
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Acme Corporation")
    driver.block_action(MANAGER, button["action_id"], button["value"],
                        message={**message, "channel": slack.dm_channel_for(MANAGER)})
    assert "Key account" in blocks_text(slack.wait_for("response_url").params["blocks"])


def test_a_rep_is_told_the_digest_is_for_managers(driver, world):
    reply = ack_of(driver.slash_command(REP, "digest"))
    assert "for managers" in reply["text"] and "/kam mine" in reply["text"]
    assert "for managers" in ack_of(driver.slash_command(REP, "digest off"))["text"]


def preference(local, world):
    with local.runtime.sessions() as session:
        return session.scalar(select(NotificationPreference).where(NotificationPreference.kind == "digest"))


def test_a_manager_turns_the_digest_off_and_on(driver, local, world):
    assert "no more weekly digests" in ack_of(driver.slash_command(MANAGER, "digest off"))["text"]
    assert preference(local, world).enabled is False
    assert "digest is off" in blocks_text(ack_of(driver.slash_command(MANAGER, "digest"))["blocks"])
    assert "is on" in ack_of(driver.slash_command(MANAGER, "digest on"))["text"]
    assert preference(local, world).enabled is True


def test_a_manager_chooses_the_day_and_hour(driver, local, world):
    done = ack_of(driver.slash_command(MANAGER, "digest day friday hour 17"))["text"]
    assert "every Friday at 17:00" in done
    assert (preference(local, world).weekday, preference(local, world).hour) == (5, 17)
    assert "every Tuesday at 17:00" in ack_of(driver.slash_command(MANAGER, "digest tue"))["text"]
    assert "every Tuesday at 09:00" in ack_of(driver.slash_command(MANAGER, "digest at 9am"))["text"]


def test_a_wrong_day_or_hour_says_what_to_write(driver, local, world):
    assert "“funday” is not a weekday" in ack_of(driver.slash_command(MANAGER, "digest day funday"))["text"]
    assert "“25” is not an hour" in ack_of(driver.slash_command(MANAGER, "digest hour 25"))["text"]
    assert "`/kam digest off`" in ack_of(driver.slash_command(MANAGER, "digest day"))["text"]
    assert preference(local, world) is None
