"""Under gunicorn, as production runs it, every worker notices a pipeline change: the priority matrix's
"high value" threshold (the open pipeline's median) follows stage moves made through Slack, whichever
worker made them and whichever worker answers next. Before, bot.wsgi never installed the ORM change
watchers, and each worker kept the threshold it first computed."""

import json

from bot.emulator import FakeSlack, SlackDriver
from bot.web import SLACK_PATH
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.schema import upgrade
from tests.deploy.gunicorn import gunicorn
from tests.factories import make_account, make_opportunity, make_person, stage_named
from tests.handlers.test_opportunities import blocks_text, buttons

REP = "U0REP"
DEALS = {"Small": 100_000, "Middle": 200_000, "Large": 300_000, "Huge": 400_000}  # 60 % likely, each


def seed(url: str) -> tuple[dict[str, int], str]:
    """A rep's account with four open deals; returns their ids by name and the Closed Lost stage's id."""
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        rep = make_person(session, name="Ray Rep", email="ray@acme.test", slack_user_id=REP)
        acme = make_account(session, name="Acme Corporation", owner=rep)
        ids = {name: make_opportunity(session, account=acme, name=name, amount=amount, probability=60).id
               for name, amount in DEALS.items()}
        lost = str(stage_named(session, "Closed Lost").id)
    engine.dispose()
    return ids, lost


def quadrant_of(blocks: list[dict], deal: str) -> str:
    """The quadrant on the deal's row: the first part of the line under its name."""
    text = blocks_text(blocks)
    return text[text.index(f"*{deal}*"):].split("\n")[1].split(" · ")[0]


def opps_from_both_workers(driver: SlackDriver, log_path, *, at_most: int = 60) -> list[dict]:
    """`/kam opps acme`, again until each of the two workers has answered it at least once."""
    start = len(log_path.read_text().splitlines())
    replies = []
    for _ in range(at_most):
        response = driver.slash_command(REP, "opps acme")
        assert response.status == 200
        replies.append(response.json)
        lines = [json.loads(line) for line in log_path.read_text().splitlines()[start:] if line.startswith("{")]
        if len({line["pid"] for line in lines if line.get("command") == "kam opps"}) == 2:
            return replies
    raise AssertionError(f"one worker answered all {at_most} requests")


def lose(driver: SlackDriver, slack: FakeSlack, deal_id: int, lost_stage: str) -> None:
    """Move the deal to Closed Lost as a rep does: /kam opps, its Move stage button, the modal."""
    mark = driver.mark()
    driver.slash_command(REP, "opps acme")
    listing = driver.replies_since(mark, REP)[0]
    button = next(b for b in buttons(listing.blocks) if b["value"].split(":")[0] == str(deal_id))
    calls = slack.mark()
    driver.block_action(REP, button["action_id"], button["value"], message=listing)
    view = slack.wait_for("views.open", after=calls).response["view"]
    answer = driver.view_submission(REP, view, {"stage": {"kam.stage_select": lost_stage}})
    assert answer.status == 200 and not answer.json  # the modal closed: the move is saved
    slack.wait_for("chat.postEphemeral", lambda c: "Closed Lost" in c.params["text"], after=calls)


def test_every_worker_uses_the_new_high_value_threshold_after_stages_move_in_slack(tmp_path):
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    ids, lost_stage = seed(url)
    with FakeSlack() as slack, gunicorn(tmp_path, database_url=url, slack_api_url=slack.api_url,
                                        bot_token=slack.bot_token, workers=2) as (base, secret, log_path, _):
        driver = SlackDriver(base + SLACK_PATH, secret, slack)
        # Open amounts 100k-400k: the median is 300k, so the 200k deal is likely but not high value.
        before = opps_from_both_workers(driver, log_path)
        assert {quadrant_of(reply["blocks"], "Middle") for reply in before} == {"⚡ Quick win"}

        lose(driver, slack, ids["Huge"], lost_stage)
        lose(driver, slack, ids["Large"], lost_stage)

        # Open now: 100k and 200k, median 200k: the 200k deal is high value, in every worker's answer.
        after = opps_from_both_workers(driver, log_path)
        assert {quadrant_of(reply["blocks"], "Middle") for reply in after} == {"🔥 Act now"}
        assert {quadrant_of(reply["blocks"], "Small") for reply in after} == {"⚡ Quick win"}
