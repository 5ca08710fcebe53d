"""The production entry point (gunicorn, bot.wsgi, two workers) answers each person in their own language:
a Chinese-speaking rep in Chinese, an English one in English, request after request on the same workers."""

from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.people.models import Person
from bot.emulator import FakeSlack, SlackDriver
from bot.web import SLACK_PATH
from tests.deploy.conftest import REP
from tests.deploy.gunicorn import gunicorn
from tests.factories import make_person

ZH_REP = "U0REPZH"


def text(response) -> str:
    return "\n".join(str(block) for block in response.json["blocks"])


def test_gunicorn_answers_each_person_in_their_language(seeded_sqlite, tmp_path):
    engine = make_engine(seeded_sqlite)
    with transaction(make_sessionmaker(engine)) as session:
        rep = session.query(Person).filter_by(slack_user_id=REP).one()
        make_person(session, name="张伟", email="zhang@acme.test", slack_user_id=ZH_REP, manager=rep.manager,
                    language="zh")
    engine.dispose()
    with FakeSlack() as slack, gunicorn(tmp_path, database_url=seeded_sqlite, slack_api_url=slack.api_url,
                                        bot_token=slack.bot_token) as (base, secret, _, _):
        driver = SlackDriver(base + SLACK_PATH, secret, slack)
        for _ in range(3):  # both workers, alternating people: no language carried from one request to the next
            chinese = driver.slash_command(ZH_REP, "acme")
            assert chinese.status == 200 and "历史记录" in text(chinese) and "'History'" not in text(chinese)
            english = driver.slash_command(REP, "acme")
            assert english.status == 200 and "'History'" in text(english) and "历史记录" not in text(english)
        help_zh = driver.slash_command(ZH_REP, "帮助")
        assert "记录" in text(help_zh)
