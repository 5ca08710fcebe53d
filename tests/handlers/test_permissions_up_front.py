"""Permissions said up front, end to end through the emulator (docs/permissions.md): a control a person
may not use is not offered, or says who can; a refusal names who can, never "ask your manager"."""

import pytest
from sqlalchemy import func, select

from kam_core.accounts.models import Account, AccountTeamMember
from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.enums import Role, TeamRole, Tier
from kam_core.people.models import Person
from tests.factories import make_account, make_opportunity, make_person
from tests.handlers.conftest import MANAGER, REP
from tests.handlers.test_opportunities import blocks_text, buttons, show_opps, stage_id, stage_of

WEST_MANAGER, WEST_REP, WEST_TEAM_MEMBER = "U0WES", "U0WANDA", "U0WILL"
WHO_CAN_MOVE = ("🔒 Only the deal's owner, the account's owner or account team, their manager or an admin can move "
                "this deal.")
WHO_CAN_TIER = ("You are not allowed to set this account's tier: only the manager of the account owner's team or an "
                "admin can.")


@pytest.fixture
def west(local, world):
    """Team West beside the world's East (Mia, Ray): manager Wes, reps Wanda and Will; Will sits on the
    account team of Ray's Acme Corporation, which has one open deal of Ray's."""
    with transaction(local.runtime.sessions) as session:
        wes = make_person(session, role=Role.manager, name="Wes West", email="wes@acme.test", team="West",
                          slack_user_id=WEST_MANAGER)
        make_person(session, name="Wanda West", email="wanda@acme.test", manager=wes, slack_user_id=WEST_REP)
        will = make_person(session, name="Will West", email="will@acme.test", manager=wes,
                           slack_user_id=WEST_TEAM_MEMBER)
        acme = session.get(Account, world["acme_id"])
        session.add(AccountTeamMember(account_id=acme.id, person_id=will.id, role=TeamRole.solution_engineer))
        deal = make_opportunity(session, account=acme, name="Fleet renewal", amount=40_000).id
        westwind = make_account(session, name="Westwind Foods", owner=will)
        make_opportunity(session, account=westwind, name="Westwind pilot", amount=9_000)
    return {"deal": deal}


def audits(local) -> int:
    with local.runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def west_account_id(local, name: str) -> int:
    with local.runtime.sessions() as session:
        return session.scalar(select(Account.id).where(Account.name == name))


def test_another_team_s_manager_sees_no_move_button_but_who_can_move(driver, local, west):
    reply, _ = show_opps(driver, WEST_MANAGER, "opps acme corporation")
    text = blocks_text(reply["blocks"])
    assert "*Fleet renewal*" in text and "Ray Rep" in text
    assert buttons(reply["blocks"]) == []
    assert WHO_CAN_MOVE in text
    # The deal's own team sees the button as before.
    for user in (REP, MANAGER):
        reply, _ = show_opps(driver, user, "opps acme corporation")
        assert [b["text"]["text"] for b in buttons(reply["blocks"])] == ["Move stage", "Edit", "Close", "History"]
        assert "🔒" not in blocks_text(reply["blocks"])


def test_another_team_s_manager_cannot_re_tier_the_account_and_is_told_who_can(driver, local, west):
    before = audits(local)
    refused = driver.slash_command(WEST_MANAGER, "tier acme corporation key Strategic logo").json
    assert WHO_CAN_TIER in refused["text"]
    assert "ask your manager" not in refused["text"].lower()
    assert audits(local) == before
    with local.runtime.sessions() as session:
        assert session.get(Account, west_account_id(local, "Acme Corporation")).tier_override is None
    # Their own team's account they re-tier.
    done = driver.slash_command(WEST_MANAGER, "tier westwind key Strategic logo").json
    assert "*Westwind Foods* is now tiered *key*" in done["text"]
    with local.runtime.sessions() as session:
        assert session.get(Account, west_account_id(local, "Westwind Foods")).tier_override == Tier.key


def test_an_account_team_member_who_is_not_the_owner_moves_the_deal(driver, slack, local, west):
    reply, shown = show_opps(driver, WEST_TEAM_MEMBER, "opps acme corporation")
    button, *_edit_close_history = buttons(reply["blocks"])
    assert "🔒" not in blocks_text(reply["blocks"])
    mark = slack.mark()
    driver.block_action(WEST_TEAM_MEMBER, button["action_id"], button["value"], message=shown)
    view = slack.wait_for("views.open", after=mark).response["view"]
    response = driver.view_submission(WEST_TEAM_MEMBER, view,
                                      {"stage": {"kam.stage_select": stage_id(local, "Qualification")}})
    assert response.status == 200 and not response.json
    assert stage_of(local, west["deal"]) == "Qualification"
    confirmation = slack.wait_for("chat.postEphemeral")
    assert "*Fleet renewal* (Acme Corporation) is now in *Qualification*" in confirmation.params["text"]


def test_a_rep_of_another_team_sees_no_move_button(driver, local, west):
    reply, _ = show_opps(driver, WEST_REP, "opps acme corporation")
    text = blocks_text(reply["blocks"])
    assert "*Fleet renewal*" in text
    assert buttons(reply["blocks"]) == []
    assert WHO_CAN_MOVE in text
    # Their own team's deals, on an account they neither own nor work on, they may not move either;
    # their manager may.
    reply, _ = show_opps(driver, WEST_REP, "opps westwind")
    assert buttons(reply["blocks"]) == [] and WHO_CAN_MOVE in blocks_text(reply["blocks"])
    reply, _ = show_opps(driver, WEST_MANAGER, "opps westwind")
    assert [b["text"]["text"] for b in buttons(reply["blocks"])] == ["Move stage", "Edit", "Close", "History"]


def test_in_a_list_of_deals_some_movable_the_line_says_which_it_is_about(driver, local, west):
    with transaction(local.runtime.sessions) as session:
        westwind = session.get(Account, west_account_id(local, "Westwind Foods"))
        wanda = session.scalar(select(Person).where(Person.slack_user_id == WEST_REP))
        make_opportunity(session, account=westwind, name="Wanda's upsell", amount=5_000, owner=wanda)
    reply, _ = show_opps(driver, WEST_REP, "opps westwind")
    rows = {b["text"]["text"].split("*")[1]: b for b in reply["blocks"] if b["type"] == "section" and "·" in
            b["text"]["text"]}
    assert "accessory" in rows["Wanda's upsell"] and "accessory" not in rows["Westwind pilot"]
    assert ("🔒 Only the deal's owner, the account's owner or account team, their manager or an admin can move the "
            "deals without a “Move stage” button.") in blocks_text(reply["blocks"])
