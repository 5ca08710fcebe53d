"""Two apps in one process (two workspaces' bots, or the tests) each answer with their own settings:
the /kam verbs are routed through a table each app builds for itself, not a process-wide one."""

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from kam_core.db import make_engine, transaction
from kam_core.enums import Role
from kam_core.schema import upgrade
from tests.factories import make_person
from tests.handlers.test_commands import ack_of
from tests.handlers.test_notes import text_of

MANAGER = "U0MGR"


def bot_with_default_timezone(tmp_path, zone: str) -> LocalBot:
    url = f"sqlite:///{tmp_path / (zone.replace('/', '_') + '.db')}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return LocalBot(Settings(KAM_DATABASE_URL=url, KAM_DEFAULT_TIMEZONE=zone))


def test_each_app_in_a_process_keeps_its_own_default_timezone(tmp_path):
    with bot_with_default_timezone(tmp_path, "Asia/Shanghai") as shanghai, \
            bot_with_default_timezone(tmp_path, "Europe/Berlin") as berlin:
        for local in (shanghai, berlin):
            with transaction(local.runtime.sessions) as session:  # a manager whose own zone Slack never gave
                make_person(session, role=Role.manager, name="Mia Manager", email="mia@acme.test",
                            slack_user_id=MANAGER)
        assert "(Asia/Shanghai)" in text_of(ack_of(shanghai.driver.slash_command(MANAGER, "digest"))["blocks"])
        assert "(Europe/Berlin)" in text_of(ack_of(berlin.driver.slash_command(MANAGER, "digest"))["blocks"])
