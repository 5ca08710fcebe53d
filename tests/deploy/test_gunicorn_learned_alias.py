"""The production entry point (gunicorn, bot.wsgi, two workers): a name a rep teaches by choosing a
candidate on one worker opens that account on every worker from the next request on, and an alias
removed is forgotten everywhere — each worker's name index follows the database, not its own memory."""

from datetime import UTC, datetime

from kam_core.accounts.aliases import remove_learned_alias_by_id
from kam_core.accounts.models import AccountAlias
from kam_core.actors import Actor
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.people.models import Person
from bot.emulator import FakeSlack, SlackDriver
from bot.web import SLACK_PATH
from tests.deploy.conftest import REP
from tests.deploy.gunicorn import gunicorn
from tests.factories import make_account
from tests.handlers.test_notes import ack, buttons, text_of

LOGISTICS = "Acme Logistics GmbH"


def test_an_alias_taught_on_one_worker_is_known_to_the_other_and_its_removal_too(seeded_sqlite, tmp_path):
    engine = make_engine(seeded_sqlite)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        rep = session.query(Person).filter_by(slack_user_id=REP).one()
        make_account(session, name=LOGISTICS, owner=rep)
    with FakeSlack() as slack, gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=slack.api_url,
                                        bot_token=slack.bot_token) as (base, secret, _, _):
        driver = SlackDriver(base + SLACK_PATH, secret, slack)
        for _ in range(4):  # both workers have built their index before anything is taught
            assert "Which one?" in text_of(ack(driver.slash_command(REP, "acm"))["blocks"])

        mark = driver.mark()
        reply = ack(driver.slash_command(REP, "acm"))
        chosen = next(b for b in buttons(reply["blocks"]) if b["text"]["text"] == LOGISTICS)
        before = slack.mark()
        driver.block_action(REP, chosen["action_id"], message=driver.replies_since(mark, REP)[0])
        assert LOGISTICS in text_of(slack.wait_for("response_url", after=before).params["blocks"])

        for _ in range(4):  # alternating workers: each opens the card at once
            card = text_of(ack(driver.slash_command(REP, "acm"))["blocks"])
            assert LOGISTICS in card and "Which one?" not in card

        with transaction(sessions) as session:  # an admin's removal, as `kam accounts aliases --remove` makes it
            alias = session.query(AccountAlias).filter_by(alias="acm").one()
            remove_learned_alias_by_id(session, actor=Actor.system("test"), alias_id=alias.id,
                                       now=datetime.now(UTC))
        for _ in range(4):
            assert "Which one?" in text_of(ack(driver.slash_command(REP, "acm"))["blocks"])
    engine.dispose()
