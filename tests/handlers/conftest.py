"""End-to-end fixtures: the real bot over HTTP, a FakeSlack for its Web API calls,
and a driver that sends correctly signed requests. Storage is SQLite and PostgreSQL.

A test marked @over_http_and_socket runs a second time with the bot connected over Socket Mode
(as `kam run` connects it) and the driver sending Slack's envelopes over the WebSocket."""

import pytest

from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from kam_core.db import transaction
from kam_core.enums import Role
from tests.factories import make_account, make_person, make_value

REP = "U0REP"
MANAGER = "U0MGR"
STRANGER = "U0STRANGER"


over_http_and_socket = pytest.mark.parametrize("local", ["http", "socket"], indirect=True)


@pytest.fixture
def local(database_url, request):
    socket = getattr(request, "param", "http") == "socket"
    with LocalBot(Settings(KAM_DATABASE_URL=database_url), socket=socket) as bot:
        yield bot


@pytest.fixture
def driver(local):
    return local.driver


@pytest.fixture
def slack(local):
    return local.slack


@pytest.fixture
def world(local):
    """A manager, a rep and a few accounts, committed so the bot sees them."""
    with transaction(local.runtime.sessions) as session:
        manager = make_person(session, role=Role.manager, name="Mia Manager", email="mia@acme.test",
                              slack_user_id=MANAGER, team="East")
        rep = make_person(session, role=Role.rep, name="Ray Rep", email="ray@acme.test", slack_user_id=REP,
                          manager=manager)
        acme = make_account(session, name="Acme Corporation", owner=rep)
        make_value(session, account=acme, revenue=900_000, profit=400_000)
        make_account(session, name="Acme Logistics GmbH", owner=rep)
        make_account(session, name="Globex <script>", owner=rep)
        from kam_core.actors import Actor
        from kam_core.tiers.service import recompute_tiers

        recompute_tiers(session, policy=local.runtime.policy, actor=Actor.system("test"))
        return {"acme_id": acme.id, "rep_id": rep.id}
