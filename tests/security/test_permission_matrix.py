"""Who may do what: a role × action matrix, enforced in kam_core (services called with Actors) and
checked again through the Slack surfaces that exist. Import and linking users have no Slack surface
(CLI only), and no Slack surface shows another team's digest (`/kam digest` is always the
manager's own), so those rows are checked in kam_core alone.

With KAM_VISIBILITY=team a rep (or a manager) reads and logs only on their own team's accounts."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.clock import utcnow
from kam_core.db import transaction
from kam_core.digests.builder import build_digest
from kam_core.digests.week import week_key
from kam_core.enums import Role, Source, Tier
from kam_core.errors import Forbidden, NotLinked
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.interactions.models import Interaction
from kam_core.interactions.service import log_interaction
from kam_core.opportunities.models import Opportunity
from kam_core.opportunities.service import move_stage, team_pipeline
from kam_core.people.models import Person
from kam_core.people.service import by_slack_id, link_slack
from kam_core.policy import Policy
from kam_core.tiers.service import set_tier
from tests.factories import make_account, make_opportunity, make_person, stage_named
from tests.handlers.test_opportunities import blocks_text, buttons, valid_message
from tests.security.conftest import bot_on_fresh_db

ROLES = ("rep", "manager", "admin")
SLACK = {"rep": "U0RAY", "manager": "U0MIA", "admin": "U0ADA", "unlinked": "U0NOBODY"}
ACCOUNTS = {"rep": "Acme Corporation", "manager": "Mia Minerals", "admin": "Ada Analytics"}
NOT_ALLOWED, NOT_LINKED = "You are not allowed to", "is not linked to a KAM user"


@dataclass
class World:
    """Two teams. East: manager Mia, reps Ray and Rita. West: manager Wes, rep Will. Admin Ada.
    Everyone owns one account with one deal on it; Nia is not linked to Slack yet."""

    people: dict[str, int]
    accounts: dict[str, int]
    deals: dict[str, int]


def build_world(session) -> World:
    ada = make_person(session, role=Role.admin, name="Ada Admin", email="ada@acme.test", slack_user_id="U0ADA")
    mia = make_person(session, role=Role.manager, name="Mia Manager", email="mia@acme.test", team="East",
                      slack_user_id="U0MIA")
    wes = make_person(session, role=Role.manager, name="Wes West", email="wes@acme.test", team="West",
                      slack_user_id="U0WES")
    ray = make_person(session, name="Ray Rep", email="ray@acme.test", manager=mia, slack_user_id="U0RAY")
    rita = make_person(session, name="Rita Rep", email="rita@acme.test", manager=mia, slack_user_id="U0RITA")
    will = make_person(session, name="Will West", email="will@acme.test", manager=wes, slack_user_id="U0WILL")
    nia = make_person(session, name="Nia New", email="nia@acme.test")
    owners = {"ray": (ray, "Acme Corporation"), "rita": (rita, "Rita Retail"), "will": (will, "Westwind Foods"),
              "mia": (mia, "Mia Minerals"), "ada": (ada, "Ada Analytics")}
    accounts, deals = {}, {}
    for key, (owner, name) in owners.items():
        account = make_account(session, name=name, owner=owner)
        accounts[key] = account.id
        deals[key] = make_opportunity(session, account=account, name=f"{name} renewal", amount=50_000).id
    people = {p.email.split("@")[0]: p.id for p in (ada, mia, wes, ray, rita, will, nia)}
    return World(people=people, accounts=accounts, deals=deals)


# ---- kam_core: the services themselves -----------------------------------------------------------

ME = {"rep": "ray", "manager": "mia", "admin": "ada"}
# Whose deal is "another's": a teammate's for the rep, another team's for the manager and the admin.
OTHERS_DEAL = {"rep": "rita", "manager": "will", "admin": "will"}


def actor_of(session, world: World, role: str) -> Actor:
    return Actor.of(session.get(Person, world.people[ME[role]]))


def read_card(session, world, actor, role, policy, tmp_path):
    account_card(session, actor=actor, account_id=world.accounts[ME[role]], policy=policy, today=date.today())


def log_note(session, world, actor, role, policy, tmp_path):
    log_interaction(session, actor=actor, policy=policy, account_id=world.accounts[ME[role]], text="Met the buyer",
                    source=Source.slash_command)


def move(whose):
    def moving(session, world, actor, role, policy, tmp_path):
        move_stage(session, actor=actor, opportunity_id=world.deals[whose(role)],
                   stage_id=stage_named(session, "Qualification").id, expected_version=None, now=utcnow())
    return moving


def tier(session, world, actor, role, policy, tmp_path):
    set_tier(session, actor=actor, account_id=world.accounts["rita"], tier=Tier.key, reason="strategic logo")


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


#              action                          (service, writes?)                 rep    manager admin
MATRIX = {
    "read card": (read_card, False, (True, True, True)),
    "log an interaction": (log_note, True, (True, True, True)),
    "move own deal's stage": (move(lambda role: ME[role]), True, (True, True, True)),
    "move another's deal's stage": (move(lambda role: OTHERS_DEAL[role]), True, (False, False, True)),
    "set a tier": (tier, True, (False, True, True)),
    "see another team's digest": (west_digest, False, (False, False, True)),
    "see another team's pipeline": (west_pipeline, False, (False, False, True)),
    "import data": (import_csv, True, (False, False, True)),
    "link users": (link_user, True, (False, False, True)),
}
CASES = [pytest.param(action, role, allowed[ROLES.index(role)], id=f"{role} may{'' if allowed[ROLES.index(role)] else ' not'} {action}")
         for action, (_, _, allowed) in MATRIX.items() for role in ROLES]


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("action, role, allowed", CASES)
def test_the_services_enforce_the_matrix(session, tmp_path, action, role, allowed):
    world = build_world(session)
    actor = actor_of(session, world, role)
    service, writes, _ = MATRIX[action]
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


@pytest.mark.parametrize("role, tier_allowed", [("rep", False), ("manager", True), ("admin", True),
                                                ("unlinked", False)])
def test_tier_through_slack(bot, role, tier_allowed):
    before = counts(bot)
    text = said(bot.driver.slash_command(SLACK[role], "tier Rita Retail important strategic logo"))
    if tier_allowed:
        assert "is now tiered *important*" in text
        assert counts(bot)[1] > before[1]
    else:
        assert (NOT_LINKED if role == "unlinked" else NOT_ALLOWED) in text
        assert counts(bot) == before


def stage_modal_for(local, user: str, account: str) -> dict:
    """/kam opps ACCOUNT, then the deal's Move stage button: the stage modal that opens."""
    driver, slack = local.driver, local.slack
    mark = driver.mark()
    reply = driver.slash_command(user, f"opps {account}")
    assert "renewal" in said(reply)
    shown = driver.replies_since(mark, user)[0]
    button = next(b for b in buttons(shown.blocks) if b["action_id"].startswith("kam.move_stage"))
    calls = slack.mark()
    driver.block_action(user, button["action_id"], button["value"], message=shown)
    return slack.wait_for("views.open", after=calls).response["view"]


def submit_stage(local, user: str, view: dict, stage: str):
    option = next(o for b in view["blocks"] for o in (b.get("element") or {}).get("options", [])
                  if o["text"]["text"].startswith(stage))
    return local.driver.view_submission(user, view, {"stage": {"kam.stage_select": option["value"]}})


@pytest.mark.parametrize("role, deal, allowed", [
    ("rep", "ray", True), ("manager", "mia", True), ("admin", "ada", True),  # their own deals
    ("rep", "rita", False), ("manager", "will", False), ("admin", "will", True),  # someone else's
    ("manager", "rita", True),  # a report's
], ids=lambda value: str(value))
def test_moving_a_stage_through_the_modal(bot, role, deal, allowed):
    world = bot.world
    account = {"ray": "Acme Corporation", "mia": "Mia Minerals", "ada": "Ada Analytics", "rita": "Rita Retail",
               "will": "Westwind Foods"}[deal]
    target = "Needs Analysis" if stage_of(bot, world.deals[deal]) != "Needs Analysis" else "Value Proposition"
    view = stage_modal_for(bot, SLACK[role], account)
    response = submit_stage(bot, SLACK[role], view, target)
    assert response.status == 200
    if allowed:
        assert response.json is None or "errors" not in response.json
        assert stage_of(bot, world.deals[deal]) == target
    else:
        assert NOT_ALLOWED in response.json["errors"]["stage"]
        assert stage_of(bot, world.deals[deal]) != target


def test_an_unlinked_user_submitting_a_stage_modal_moves_nothing(bot):
    deal = bot.world.deals["ray"]
    view = stage_modal_for(bot, SLACK["rep"], "Acme Corporation")
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
