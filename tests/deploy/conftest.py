"""Shared by the deployment tests: a migrated database holding a linked rep and one account."""

import pytest

from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.schema import upgrade
from tests.factories import make_account, make_person, make_value

REP = "U0REP"
ACCOUNT = "Acme Corporation"


def seed(url: str, *, account: str = ACCOUNT) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        rep = make_person(session, name="Ray Rep", email="ray@acme.test", slack_user_id=REP)
        make_value(session, account=make_account(session, name=account, owner=rep), revenue=900_000,
                   profit=400_000)
    engine.dispose()


@pytest.fixture
def seeded_sqlite(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    seed(url)
    return url
