"""Who may do what: the role × action table of docs/permissions.md, read from the file, enforced in
kam_core (services called with Actors) and checked again through the Slack surfaces that exist. Import
and linking users have no Slack surface (CLI only), and no Slack surface shows another team's digest
(`/kam digest` is always the manager's own), so those rows are checked in kam_core alone.

With KAM_VISIBILITY=team a rep (or a manager) reads and logs only on their own team's accounts."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from kam_core.accounts.aliases import learn_alias, learned_aliases, remove_learned_alias
from kam_core.accounts.models import Account, AccountAlias, AccountTeamMember
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.digests.builder import build_digest
from kam_core.digests.week import week_key
from kam_core.enums import AliasSource, Role, Source, TeamRole, Tier
from kam_core.errors import Forbidden, NotLinked
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.interactions.models import Interaction
from kam_core.interactions.service import log_interaction
from kam_core.opportunities.models import Opportunity
from kam_core.opportunities.editing import close_opportunity, create_opportunity, update_opportunity
from kam_core.fx.rates import set_rate
from kam_core.opportunities.lost_reasons import add_lost_reason
from kam_core.opportunities.service import move_stage, team_pipeline
from kam_core.people.models import Person
from kam_core.people.service import by_slack_id, link_slack
from kam_core.plans.editing import create_plan, record_review, update_plan
from kam_core.plans.schemas import PlanChanges
from kam_core.policy import Policy
from kam_core.tiers.service import set_tier
from tests.factories import make_account, make_opportunity, make_person, make_plan, stage_named
from tests.handlers.test_opportunities import blocks_text, valid_message
from tests.security.conftest import bot_on_fresh_db

ROLES = ("rep", "manager", "admin")
SLACK = {"rep": "U0RAY", "manager": "U0MIA", "admin": "U0ADA", "unlinked": "U0NOBODY"}
ACCOUNTS = {"rep": "Acme Corporation", "manager": "Mia Minerals", "admin": "Ada Analytics"}
NOT_LINKED = "is not linked to a KAM user"
WHO_MAY_MOVE = "Only the deal's owner, the account's owner or account team, their manager or an admin can move"
DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def documented_matrix() -> dict[str, tuple[bool, bool, bool]]:
    """docs/permissions.md's "Role × action" table: case → allowed for (rep, manager, admin)."""
    section = DOC.read_text(encoding="utf-8").split("## Role × action", 1)[1]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("|")]
    header, _rule, *cases = rows
    assert header == ["case", *ROLES]
    matrix = {}
    for case, *cells in cases:
        assert all(cell in ("yes", "no") for cell in cells), (case, cells)
        matrix[case] = tuple(cell == "yes" for cell in cells)
    return matrix


@dataclass
class World:
    """Two teams. East: manager Mia, reps Ray and Rita. West: manager Wes, rep Will. Admin Ada.
    Everyone owns one account with one "… renewal" deal on it; Otto, in no team, owns a "… side deal" on
    the accounts of Ray, Mia and Ada, and Joint Ventures, whose account team is Ray, Mia and Ada.
    Nia is not linked to Slack yet."""

    people: dict[str, int]
    accounts: dict[str, int]
    deals: dict[str, int]
    # deal key → (account name, deal name): what /kam opps shows
    shown: dict[str, tuple[str, str]]


def build_world(session) -> World:
    ada = make_person(session, role=Role.admin, name="Ada Admin", email="ada@acme.test", slack_user_id="U0ADA")
    mia = make_person(session, role=Role.manager, name="Mia Manager", email="mia@acme.test", team="East",
                      slack_user_id="U0MIA")
    wes = make_person(session, role=Role.manager, name="Wes West", email="wes@acme.test", team="West",
                      slack_user_id="U0WES")
    ray = make_person(session, name="Ray Rep", email="ray@acme.test", manager=mia, slack_user_id="U0RAY")
    rita = make_person(session, name="Rita Rep", email="rita@acme.test", manager=mia, slack_user_id="U0RITA")
    will = make_person(session, name="Will West", email="will@acme.test", manager=wes, slack_user_id="U0WILL")
    otto = make_person(session, name="Otto Outside", email="otto@acme.test", slack_user_id="U0OTTO")
    nia = make_person(session, name="Nia New", email="nia@acme.test")
    owners = {"ray": (ray, "Acme Corporation"), "rita": (rita, "Rita Retail"), "will": (will, "Westwind Foods"),
              "mia": (mia, "Mia Minerals"), "ada": (ada, "Ada Analytics"), "joint": (otto, "Joint Ventures")}
    accounts, deals, shown = {}, {}, {}

    def deal(key, account, name, owner=None):
        deals[key] = make_opportunity(session, account=account, name=name, amount=50_000, owner=owner).id
        shown[key] = (account.name, name)

    for key, (owner, name) in owners.items():
        account = make_account(session, name=name, owner=owner)
        accounts[key] = account.id
        deal(key, account, f"{name} renewal")
        if key in ("ray", "mia", "ada"):
            deal(f"{key}_side", account, f"{name} side deal", owner=otto)
    for member in (ray, mia, ada):
        session.add(AccountTeamMember(account_id=accounts["joint"], person_id=member.id, role=TeamRole.sales))
    session.flush()
    people = {p.email.split("@")[0]: p.id for p in (ada, mia, wes, ray, rita, will, otto, nia)}
    return World(people=people, accounts=accounts, deals=deals, shown=shown)


# ---- kam_core: the services themselves -----------------------------------------------------------

ME = {"rep": "ray", "manager": "mia", "admin": "ada"}


def actor_of(session, world: World, role: str) -> Actor:
    return Actor.of(session.get(Person, world.people[ME[role]]))


def read_card(session, world, actor, role, policy, tmp_path):
    account_card(session, actor=actor, account_id=world.accounts[ME[role]], policy=policy, today=date.today())


def log_note(session, world, actor, role, policy, tmp_path):
    log_interaction(session, actor=actor, policy=policy, account_id=world.accounts[ME[role]], text="Met the buyer",
                    source=Source.slash_command)


# Which deal each case moves, per role. Rita is in Ray's team (they share Mia) and in Mia's; Ada has no
# team, so hers is any deal not her own. Will's deal is another team's for all three.
WHICH_DEAL = {
    "move their own deal": lambda role: ME[role],
    "move someone else's deal on an account they own": lambda role: f"{ME[role]}_side",
    "move a deal on an account whose account team they are on": lambda role: "joint",
    "move a deal of someone in their team": lambda role: "rita",
    "move a deal of another team": lambda role: "will",
}
# Which account each tier case re-tiers, per role.
WHICH_ACCOUNT = {
    "set the tier of their own account": lambda role: ME[role],
    "set the tier of an account of their team": lambda role: "rita",
    "set the tier of another team's account": lambda role: "will",
}


def move(whose):
    def moving(session, world, actor, role, policy, tmp_path):
        move_stage(session, actor=actor, opportunity_id=world.deals[whose(role)],
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=utcnow())
    return moving


def tier(which):
    def tiering(session, world, actor, role, policy, tmp_path):
        set_tier(session, actor=actor, account_id=world.accounts[which(role)], tier=Tier.key, reason="strategic logo")
    return tiering


def west_digest(session, world, actor, role, policy, tmp_path):
    build_digest(session, actor=actor, policy=policy, manager_id=world.people["wes"], week=week_key(date.today()))


def west_pipeline(session, world, actor, role, policy, tmp_path):
    team_pipeline(session, actor=actor, manager_id=world.people["wes"], policy=policy, today=date.today())


def import_csv(session, world, actor, role, policy, tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text("name\nImported Industries\n", encoding="utf-8")
    import_accounts_csv(session, file=csv, actor=actor, policy=policy)


def link_user(session, world, actor, role, policy, tmp_path):
    link_slack(session, actor=actor, email="nia@acme.test", slack_user_id="U0NIA")


# Which account's plan each plan case creates, edits or reviews, per role.
WHICH_PLAN = {
    "create a plan for an account they own": lambda role: ME[role],
    "create a plan for an account of their team": lambda role: "rita",
    "edit a plan of an account whose account team they are on": lambda role: "joint",
    "edit a plan of another team's account": lambda role: "will",
    "record a review of a plan of an account they own": lambda role: ME[role],
    "record a review of a plan of an account of their team": lambda role: "rita",
    "record a review of a plan of another team's account": lambda role: "will",
}


def plan_case(case):
    which = WHICH_PLAN[case]

    def planning(session, world, actor, role, policy, tmp_path):
        account_id, now = world.accounts[which(role)], utcnow()
        at = {"now": now, "today": now.date(), "policy": policy}
        if case.startswith("create"):
            create_plan(session, actor=actor, account_id=account_id, period_start=date(2026, 1, 1),
                        period_end=date(2026, 12, 31), reason="strategic logo", **at)
            return
        plan = make_plan(session, account=session.get(Account, account_id))
        if case.startswith("edit"):
            update_plan(session, actor=actor, plan_id=plan.id, changes=PlanChanges(our_impact="Halves close time"),
                        **at)
        else:
            record_review(session, actor=actor, plan_id=plan.id, reviewed_on=now.date(), notes="On track", **at)
    return planning


# Which account each create-a-deal case adds to, and which deal each edit or close case changes, per role.
CREATE_ON = {
    "create a deal on an account they own": lambda role: ME[role],
    "create a deal on an account whose account team they are on": lambda role: "joint",
    "create a deal on an account of their team": lambda role: "rita",
    "create a deal on another team's account": lambda role: "will",
}
EDIT_DEAL = {
    "edit their own deal": lambda role: ME[role],
    "edit a deal of someone in their team": lambda role: "rita",
    "edit a deal of another team": lambda role: "will",
}
CLOSE_DEAL = {
    "close someone else's deal on an account they own": lambda role: f"{ME[role]}_side",
    "close a deal of someone in their team": lambda role: "rita",
    "close someone else's deal": lambda role: "will",
}


def create_deal(which):
    def creating(session, world, actor, role, policy, tmp_path):
        now = utcnow()
        create_opportunity(session, actor=actor, account_id=world.accounts[which(role)], name="New business",
                           amount="10k", expected_close_date=now.date() + timedelta(days=30),
                           stage_id=stage_named(session, "Prospecting").id, now=now, today=now.date(), policy=policy)
    return creating


def edit_deal(whose):
    def editing(session, world, actor, role, policy, tmp_path):
        now = utcnow()
        update_opportunity(session, actor=actor, opportunity_id=world.deals[whose(role)], expected_version=None,
                           amount="75k", next_step="Send the quote", now=now, today=now.date(), policy=policy)
    return editing


def close_deal(whose):
    def closing(session, world, actor, role, policy, tmp_path):
        now = utcnow()
        close_opportunity(session, actor=actor, opportunity_id=world.deals[whose(role)], expected_version=None,
                          outcome="won", now=now, today=now.date(), policy=policy)
    return closing


def add_reason(session, world, actor, role, policy, tmp_path):
    add_lost_reason(session, actor=actor, name="Went in-house")


def change_rate(session, world, actor, role, policy, tmp_path):
    set_rate(session, actor=actor, reporting="USD", currency="EUR", rate="1.08", valid_from=date(2026, 1, 1),
             today=date(2026, 6, 1))


def teach_alias(session, world, actor, role, policy, tmp_path):
    learn_alias(session, actor=actor, policy=policy, account_id=world.accounts["will"], query="westwind",
                now=utcnow())


def list_aliases(session, world, actor, role, policy, tmp_path):
    learned_aliases(session, actor=actor, account_id=world.accounts["will"])


def remove_alias(session, world, actor, role, policy, tmp_path):
    # Taught a moment before, without an audit entry of its own, so only the removal is counted.
    session.add(AccountAlias(account_id=world.accounts["will"], alias="westwind", source=AliasSource.learned,
                             learned_at=utcnow(), query="westwind"))
    session.flush()
    remove_learned_alias(session, actor=actor, account_id=world.accounts["will"], alias="westwind", now=utcnow())


# Each case of the documented table: (the service call, does it write?)
SERVICES = {
    "read an account card": (read_card, False),
    "log an interaction": (log_note, True),
    **{case: (move(whose), True) for case, whose in WHICH_DEAL.items()},
    **{case: (tier(which), True) for case, which in WHICH_ACCOUNT.items()},
    "see another team's digest": (west_digest, False),
    "see another team's pipeline": (west_pipeline, False),
    "import data": (import_csv, True),
    "link users": (link_user, True),
    **{case: (plan_case(case), True) for case in WHICH_PLAN},
    **{case: (create_deal(which), True) for case, which in CREATE_ON.items()},
    **{case: (edit_deal(whose), True) for case, whose in EDIT_DEAL.items()},
    **{case: (close_deal(whose), True) for case, whose in CLOSE_DEAL.items()},
    "change the lost reasons": (add_reason, True),
    "change the exchange rates": (change_rate, True),
    "teach an alias by choosing an account among candidates": (teach_alias, True),
    "list the learned aliases of an account": (list_aliases, False),
    "remove a learned alias": (remove_alias, True),
}
MATRIX = documented_matrix()


def allowed_in_doc(case: str, role: str) -> bool:
    return MATRIX[case][ROLES.index(role)]


CASES = [pytest.param(case, role, allowed_in_doc(case, role),
                      id=f"{role} may{'' if allowed_in_doc(case, role) else ' not'} {case}")
         for case in MATRIX for role in ROLES]


def test_every_documented_case_is_checked_and_every_check_documented():
    assert set(MATRIX) == set(SERVICES)


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("action, role, allowed", CASES)
def test_the_services_enforce_the_matrix(session, tmp_path, action, role, allowed):
    world = build_world(session)
    actor = actor_of(session, world, role)
    service, writes = SERVICES[action]
    before = audit_count(session)
    if allowed:
        service(session, world, actor, role, Policy(), tmp_path)
        assert audit_count(session) > before if writes else audit_count(session) == before
    else:
        with pytest.raises(Forbidden):
            service(session, world, actor, role, Policy(), tmp_path)
        assert audit_count(session) == before


def test_a_manager_moves_a_report_s_deal_but_a_rep_not_a_teammate_s(session):
    world = build_world(session)
    qualification = stage_named(session, "Qualification").id
    mia, ray = actor_of(session, world, "manager"), actor_of(session, world, "rep")
    moved = move_stage(session, actor=mia, opportunity_id=world.deals["ray"], stage_id=qualification,
                       expected_version=None, now=utcnow())
    assert moved.stage == "Qualification"
    with pytest.raises(Forbidden):
        move_stage(session, actor=ray, opportunity_id=world.deals["rita"], stage_id=qualification,
                   expected_version=None, now=utcnow())


def test_an_unlinked_slack_user_has_no_actor_at_all(session):
    build_world(session)
    with pytest.raises(NotLinked):
        by_slack_id(session, SLACK["unlinked"])


TEAM = Policy(visibility="team")


@pytest.mark.parametrize("role, account, allowed", [
    ("rep", "ray", True), ("rep", "rita", True), ("rep", "will", False),
    ("manager", "ray", True), ("manager", "will", False), ("admin", "will", True),
], ids=lambda value: str(value))
def test_with_team_visibility_only_the_own_team_s_accounts_can_be_read_or_logged(session, role, account, allowed):
    world = build_world(session)
    actor = actor_of(session, world, role)
    account_id = world.accounts[account]

    def read():
        account_card(session, actor=actor, account_id=account_id, policy=TEAM, today=date.today())

    def log():
        log_interaction(session, actor=actor, policy=TEAM, account_id=account_id, text="Met the buyer",
                        source=Source.modal)

    for attempt in (read, log):
        if allowed:
            attempt()
        else:
            with pytest.raises(Forbidden):
                attempt()
    # The default lets everyone read every account.
    account_card(session, actor=actor, account_id=account_id, policy=Policy(), today=date.today())


# ---- the same rules through Slack ------------------------------------------------------------------

@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("matrix")) as local:
        with transaction(local.runtime.sessions) as session:
            local.world = build_world(session)
        yield local


def said(response) -> str:
    """Everything the ack shows: its text and its blocks' text (valid Block Kit, or this fails)."""
    assert response.status == 200
    body = response.json
    return body.get("text", "") + "\n" + blocks_text(valid_message(body.get("blocks") or []))


def counts(local) -> tuple[int, int]:
    with local.runtime.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Interaction)), audit_count(session))


def stage_of(local, deal_id: int) -> str:
    with local.runtime.sessions() as session:
        return session.get(Opportunity, deal_id).stage.name


SLACK_ROLES = (*ROLES, "unlinked")


@pytest.mark.parametrize("role", SLACK_ROLES)
def test_card_through_slack(bot, role):
    text = said(bot.driver.slash_command(SLACK[role], "card Acme Corporation"))
    if role == "unlinked":
        assert NOT_LINKED in text and "Open pipeline" not in text
    else:
        assert "Acme Corporation" in text and "Open pipeline" in text


@pytest.mark.parametrize("role", SLACK_ROLES)
def test_log_through_slack(bot, role):
    before = counts(bot)
    text = said(bot.driver.slash_command(SLACK[role], f"log {ACCOUNTS.get(role, 'Acme Corporation')}: "
                                                      f"call with the buyer as {role}"))
    if role == "unlinked":
        assert NOT_LINKED in text and f"call with the buyer as {role}" in text  # the note comes back
        assert counts(bot) == before
    else:
        assert "Saved to" in text
        assert counts(bot)[0] == before[0] + 1


TIER_CASES = [pytest.param(case, role, allowed_in_doc(case, role),
                           id=f"{role} may{'' if allowed_in_doc(case, role) else ' not'} {case}")
              for case in WHICH_ACCOUNT for role in ROLES]


@pytest.mark.parametrize("case, role, allowed", TIER_CASES)
def test_tier_through_slack(bot, case, role, allowed):
    account = bot.world.shown[WHICH_ACCOUNT[case](role)][0]
    before = counts(bot)
    text = said(bot.driver.slash_command(SLACK[role], f"tier {account} important strategic logo"))
    if allowed:
        assert f"{account}* is now tiered *important*" in text
        assert counts(bot)[1] > before[1]
    else:
        assert "You are not allowed to set this account's tier: only the manager of the account owner's team " \
               "or an admin can." in text
        assert "Ask your manager" not in text
        assert counts(bot) == before


def test_an_unlinked_user_sets_no_tier(bot):
    before = counts(bot)
    assert NOT_LINKED in said(bot.driver.slash_command(SLACK["unlinked"], "tier Rita Retail important strategic logo"))
    assert counts(bot) == before


def opps_shown(local, user: str, account: str):
    """/kam opps ACCOUNT as `user`: the message shown (valid Block Kit)."""
    mark = local.driver.mark()
    said(local.driver.slash_command(user, f"opps {account}"))
    return local.driver.replies_since(mark, user)[0]


def row_of(shown, deal_name: str) -> dict:
    return next(b for b in shown.blocks if b["type"] == "section" and f"*{deal_name}*" in b["text"]["text"])


def open_modal(local, user: str, shown, action_id: str, value: str) -> dict:
    calls = local.slack.mark()
    local.driver.block_action(user, action_id, value, message=shown)
    view = local.slack.wait_for("views.open", after=calls).response["view"]
    View(**view).validate_json()
    return view


def stage_modal_for(local, user: str, deal: str) -> dict:
    """/kam opps on the deal's account, then the deal's Move stage button: the stage modal that opens."""
    account, name = local.world.shown[deal]
    shown = opps_shown(local, user, account)
    button = row_of(shown, name)["accessory"]
    assert button["action_id"].startswith("kam.move_stage")
    return open_modal(local, user, shown, button["action_id"], button["value"])


def submit_stage(local, user: str, view: dict, stage: str):
    return local.driver.view_submission(user, view, {"stage": {"kam.stage_select": stage_id_of(local, stage)}})


def stage_id_of(local, stage: str) -> str:
    with local.runtime.sessions() as session:
        return str(stage_named(session, stage).id)


MOVE_CASES = [pytest.param(case, role, allowed_in_doc(case, role),
                           id=f"{role} may{'' if allowed_in_doc(case, role) else ' not'} {case}")
              for case in WHICH_DEAL for role in ROLES]


@pytest.mark.parametrize("case, role, allowed", MOVE_CASES)
def test_moving_a_stage_through_slack(bot, case, role, allowed):
    """The Move stage button is offered exactly on the deals the documented table lets the viewer move."""
    deal = WHICH_DEAL[case](role)
    account, name = bot.world.shown[deal]
    shown = opps_shown(bot, SLACK[role], account)
    row = row_of(shown, name)
    if allowed:
        target = "Needs Analysis" if stage_of(bot, bot.world.deals[deal]) != "Needs Analysis" else "Value Proposition"
        view = open_modal(bot, SLACK[role], shown, row["accessory"]["action_id"], row["accessory"]["value"])
        response = submit_stage(bot, SLACK[role], view, target)
        assert response.status == 200
        assert response.json is None or "errors" not in response.json
        assert stage_of(bot, bot.world.deals[deal]) == target
    else:
        assert "accessory" not in row
        assert WHO_MAY_MOVE in blocks_text(shown.blocks)


def test_a_move_button_for_a_deal_the_viewer_may_not_move_says_who_can_and_moves_nothing(bot):
    """A button from an older list (or a forged one) opens a modal saying who can, with nothing to
    submit; a forged submission is refused, naming who can."""
    deal = bot.world.deals["will"]
    before, audits = stage_of(bot, deal), counts(bot)[1]
    shown = opps_shown(bot, SLACK["rep"], "Acme Corporation")
    button = row_of(shown, "Acme Corporation renewal")["accessory"]
    view = open_modal(bot, SLACK["rep"], shown, button["action_id"], f"{deal}:1")
    assert not view.get("submit") and not [b for b in view["blocks"] if b["type"] == "input"]
    assert "Westwind Foods renewal" in blocks_text(view["blocks"])
    assert WHO_MAY_MOVE + " this deal." in blocks_text(view["blocks"])

    own = stage_modal_for(bot, SLACK["rep"], "ray")
    meta = json.loads(own["private_metadata"])
    forged = {**own, "private_metadata": json.dumps({**meta, "opportunity_id": deal, "version": None})}
    response = submit_stage(bot, SLACK["rep"], forged, "Perception Analysis")
    assert response.json["errors"]["stage"] == (
        "You are not allowed to move this deal: only the deal's owner, the account's owner or account team, "
        "their manager or an admin can.")
    assert stage_of(bot, deal) == before and counts(bot)[1] == audits


def test_an_unlinked_user_submitting_a_stage_modal_moves_nothing(bot):
    deal = bot.world.deals["ray"]
    view = stage_modal_for(bot, SLACK["rep"], "ray")
    before = stage_of(bot, deal)
    response = submit_stage(bot, SLACK["unlinked"], view, "Perception Analysis")
    assert NOT_LINKED in response.json["errors"]["stage"]
    assert stage_of(bot, deal) == before


@pytest.mark.parametrize("role", SLACK_ROLES)
def test_the_digest_command_shows_only_the_manager_s_own_team(bot, role):
    text = said(bot.driver.slash_command(SLACK[role], "digest"))
    if role == "manager":
        assert "Will West" not in text and "Westwind" not in text
    elif role == "unlinked":
        assert NOT_LINKED in text
    else:
        assert "for managers" in text


# ---- team visibility through Slack ---------------------------------------------------------------

@pytest.fixture(scope="module")
def team_bot(tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("team"), KAM_VISIBILITY="team") as local:
        with transaction(local.runtime.sessions) as session:
            local.world = build_world(session)
        yield local


@pytest.mark.parametrize("user, account, allowed", [
    ("U0RAY", "Acme Corporation", True), ("U0RAY", "Rita Retail", True), ("U0RAY", "Westwind Foods", False),
    ("U0MIA", "Westwind Foods", False), ("U0WILL", "Westwind Foods", True), ("U0ADA", "Westwind Foods", True),
], ids=lambda value: str(value))
def test_with_team_visibility_the_bot_shows_and_logs_only_the_own_team_s_accounts(team_bot, user, account, allowed):
    driver = team_bot.driver
    card = said(driver.slash_command(user, f"card {account}"))
    opps = said(driver.slash_command(user, f"opps {account}"))
    before = counts(team_bot)
    note = f"lunch with the buyer of {account} ({user})"
    logged = said(driver.slash_command(user, f"log {account}: {note}"))
    if allowed:
        assert "Open pipeline" in card and "renewal" in opps and "Saved to" in logged
        assert counts(team_bot)[0] == before[0] + 1
    else:
        # Another team's account is not even confirmed to exist: the answer is "no account called …".
        for text in (card, opps, logged):
            assert f"No account called “{account}”" in text
            assert "Open pipeline" not in text and "renewal" not in text
        assert note in logged  # the rep's note comes back, nothing is lost
        assert counts(team_bot) == before
