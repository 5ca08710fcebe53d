"""/kam opps and the move-stage modal, end to end through the emulator."""

from datetime import timedelta

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import func, select

from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.enums import Lever, Role
from kam_core.opportunities.models import Opportunity, StageChange
from kam_core.opportunities.service import move_stage
from kam_core.people.models import Person
from tests.factories import make_account, make_opportunity, make_person, stage_named
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_commands import ack_of

TODAY = utcnow().date()


def valid_message(blocks: list[dict]) -> list[dict]:
    assert len(blocks) <= 50
    for block in blocks:
        Block.parse(block).validate_json()
    return blocks


def blocks_text(blocks: list[dict]) -> str:
    """Every text a user reads in the blocks (sections, context, buttons), one per line."""
    def texts(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                yield node["text"]
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for item in node:
                yield from texts(item)
    return "\n".join(texts(blocks))


def buttons(blocks: list[dict]) -> list[dict]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    return found + [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def add_deals(local, account_id: int, *deals: dict) -> list[int]:
    with transaction(local.runtime.sessions) as session:
        account = session.get(Account, account_id)
        return [make_opportunity(session, account=account, **deal).id for deal in deals]


def show_opps(driver, user: str, text: str):
    mark = driver.mark()
    reply = ack_of(driver.slash_command(user, text))
    valid_message(reply["blocks"])
    return reply, driver.replies_since(mark, user)[0]


def open_stage_modal(driver, slack, user: str, shown, row: int = 0) -> dict:
    button = buttons(shown.blocks)[row]
    mark = slack.mark()
    driver.block_action(user, button["action_id"], button["value"], message=shown)
    view = slack.wait_for("views.open", after=mark).response["view"]
    View(**view).validate_json()
    return view


def stage_of(local, opportunity_id: int) -> str:
    with transaction(local.runtime.sessions) as session:
        return session.get(Opportunity, opportunity_id).stage.name


def stage_id(local, name: str) -> str:
    with transaction(local.runtime.sessions) as session:
        return str(stage_named(session, name).id)


def test_opps_lists_open_deals_by_priority_with_stage_amount_close_date_lever_and_quadrant(driver, local, world):
    add_deals(local, world["acme_id"],
              {"name": "Small sure", "stage": "Negotiation/Review", "amount": 2000, "lever": Lever.raise_usage,
               "expected_close_date": TODAY + timedelta(days=10)},
              {"name": "Long shot", "stage": "Prospecting", "amount": 80000, "lever": Lever.new_adjacent},
              {"name": "Big sure", "stage": "Proposal/Price Quote", "amount": 50000, "lever": Lever.cross_sell,
               "expected_close_date": TODAY - timedelta(days=3), "next_step": "Send <the> quote"},
              {"name": "Already won", "stage": "Closed Won", "amount": 99000})
    reply, _ = show_opps(driver, REP, "opps acme corp")
    rows = [b["text"]["text"] for b in reply["blocks"] if b.get("accessory")]
    assert [row.split("*")[1] for row in rows] == ["Big sure", "Small sure", "Long shot"]
    big, small, long_shot = rows
    assert big.startswith("*Big sure* · Proposal/Price Quote · *50k USD* (70%)\n🔥 Act now · cross-sell · ")
    assert "passed 3 days ago" in big and "⚠️" in big and "Send &lt;the&gt; quote" in big
    assert "Quick win" in small and "in 10 days" in small and "⚠️" not in small
    assert "Opportunistic" in long_shot and "no close date" in long_shot
    assert "Already won" not in blocks_text(reply["blocks"])
    assert [b["text"]["text"] for b in buttons(reply["blocks"])] == ["Move stage"] * 3 + ["Edit", "Close",
                                                                                        "History"] * 3
    assert len({b["action_id"] for b in buttons(reply["blocks"])}) == 12


def test_sixty_deals_show_as_many_as_fit_in_one_message_with_their_buttons_and_say_how_many_more(driver, slack,
                                                                                                 local, world):
    add_deals(local, world["acme_id"], *({"name": f"Deal {n:02}", "amount": 1000 + n} for n in range(60)))
    reply, _ = show_opps(driver, REP, "opps acme corporation")
    # Each deal is its row and its buttons (two blocks): 23 fit in Slack's 50 with the header and the notes.
    assert [b["text"]["text"] for b in buttons(reply["blocks"])].count("Move stage") == 23
    assert "…and 37 more" in blocks_text(reply["blocks"])
    # The same list through the card's button goes through Slack's own block checks.
    card = show_opps(driver, REP, "acme corporation")[1]
    opps_button = next(b for b in buttons(card.blocks) if b["action_id"] == "kam.show_opportunities")
    driver.block_action(REP, opps_button["action_id"], message=card)
    posted = slack.wait_for("response_url")
    assert posted.ok and "…and 37 more" in blocks_text(valid_message(posted.params["blocks"]))


def test_an_account_without_open_deals_says_so(driver, local, world):
    add_deals(local, world["acme_id"], {"name": "Lost one", "stage": "Closed Lost"})
    reply, _ = show_opps(driver, REP, "opps acme corp")
    assert "*Acme Corporation* has no open opportunities" in reply["text"]


def test_an_ambiguous_name_asks_which_and_the_choice_lists_its_deals(driver, slack, local, world):
    add_deals(local, world["acme_id"], {"name": "Renewal 2027"})
    reply, shown = show_opps(driver, REP, "opps acm")
    choice = next(b for b in buttons(reply["blocks"]) if b["text"]["text"] == "Acme Corporation")
    assert choice["action_id"].startswith("kam.show_opportunities:")
    driver.block_action(REP, choice["action_id"], message=shown)
    assert "Renewal 2027" in blocks_text(valid_message(slack.wait_for("response_url").params["blocks"]))


def test_moving_a_stage_in_the_modal_is_stored_once_when_the_same_view_is_submitted_twice(driver, slack, local,
                                                                                          world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting", "amount": 50000})
    _, shown = show_opps(driver, REP, "opps acme corp")
    view = open_stage_modal(driver, slack, REP, shown)
    chooser = view["blocks"][1]["element"]
    assert chooser["initial_option"]["text"]["text"].startswith("Prospecting")
    assert "Closed Won" in [o["text"]["text"] for o in chooser["options"]]

    negotiation = stage_id(local, "Negotiation/Review")
    for _ in range(2):
        response = driver.view_submission(REP, view, {"stage": {"kam.stage_select": negotiation}})
        assert response.status == 200 and not response.json
    assert slack.open_views(REP) == []
    confirmation = slack.wait_for("chat.postEphemeral")
    assert confirmation.params["channel"] == "C0GENERAL" and confirmation.params["user"] == REP
    assert "*Big sure* (Acme Corporation) is now in *Negotiation/Review*" in confirmation.params["text"]
    valid_message(confirmation.params["blocks"])
    assert stage_of(local, deal) == "Negotiation/Review"
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(StageChange)
                              .where(StageChange.opportunity_id == deal)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "move_stage", AuditEntry.entity_id == deal)) == 1


def test_the_list_is_refreshed_after_a_move_so_the_deal_can_be_moved_again(driver, slack, local, world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting"})
    _, shown = show_opps(driver, REP, "opps acme corp")
    view = open_stage_modal(driver, slack, REP, shown)
    mark = driver.mark()
    driver.view_submission(REP, view, {"stage": {"kam.stage_select": stage_id(local, "Negotiation/Review")}})
    slack.wait_for("response_url", lambda c: c.params.get("replace_original"))
    refreshed = next(r for r in driver.replies_since(mark, REP) if r.kind == "response_url")
    assert "Negotiation/Review" in blocks_text(valid_message(refreshed.blocks))

    view = open_stage_modal(driver, slack, REP, refreshed)
    assert view["blocks"][1]["element"]["initial_option"]["text"]["text"].startswith("Negotiation/Review")
    response = driver.view_submission(REP, view, {"stage": {"kam.stage_select": stage_id(local, "Closed Won")}})
    assert response.status == 200 and not response.json
    assert stage_of(local, deal) == "Closed Won"


def test_a_move_after_someone_else_changed_the_deal_keeps_the_modal_open_with_who_and_reload(driver, slack,
                                                                                              local, world):
    [deal] = add_deals(local, world["acme_id"], {"name": "Big sure", "stage": "Prospecting"})
    _, shown = show_opps(driver, REP, "opps acme corp")
    view = open_stage_modal(driver, slack, REP, shown)
    with transaction(local.runtime.sessions) as session:
        manager = session.scalar(select(Person).where(Person.slack_user_id == MANAGER))
        move_stage(session, actor=Actor.of(manager), opportunity_id=deal,
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=utcnow())

    response = driver.view_submission(REP, view, {"stage": {"kam.stage_select": stage_id(local, "Closed Won")}})
    assert response.json["response_action"] == "errors"
    error = response.json["errors"]["stage"]
    assert "Mia Manager" in error and "Reload" in error
    assert [v["id"] for v in slack.open_views(REP)] == [view["id"]]
    assert stage_of(local, deal) == "Qualification"


def test_a_rep_is_not_offered_to_move_another_reps_deal_and_is_told_who_can(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        other = make_person(session, role=Role.rep, name="Olga Other", email="olga@acme.test")
        initech = make_account(session, name="Initech", owner=other)
        deal = make_opportunity(session, account=initech, name="Initech upsell").id
    reply, _ = show_opps(driver, REP, "opps initech")
    assert "*Initech upsell*" in blocks_text(reply["blocks"]) and buttons(reply["blocks"]) == []
    assert ("Only the deal's owner, the account's owner or account team, their manager or an admin can move this "
            "deal.") in blocks_text(reply["blocks"])
    assert stage_of(local, deal) == "Prospecting"
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(StageChange)) == 0
