"""The first version of name search (the resolution issue measures and raises it)."""

import pytest

from kam_core.accounts.models import AccountAlias
from kam_core.accounts.resolver.normalise import normalise
from kam_core.accounts.resolver.resolve import Outcome, search_accounts
from tests.factories import make_account


@pytest.mark.parametrize(
    ("typed", "key"),
    [("Acme Corp.", "acme"), ("ＡＣＭＥ　Ltd", "acme"), ("GenePoint Inc", "genepoint"), ("Kan-code", "kan code"),
     ("Müller GmbH", "muller"), ("华为技术有限公司", "华为技术"), ("平安银行股份有限公司", "平安银行")],
)
def test_names_are_normalised_for_width_case_punctuation_and_legal_suffixes(typed, key):
    assert normalise(typed) == key


@pytest.fixture
def accounts(session):
    names = ["Acme Corporation", "Acme Logistics GmbH", "GenePoint", "Globex", "华为技术有限公司", "Initech Inc"]
    made = {n: make_account(session, name=n) for n in names}
    session.add(AccountAlias(account=made["华为技术有限公司"], alias="Huawei"))
    session.flush()
    return made


@pytest.mark.parametrize(
    ("typed", "outcome", "names"),
    [
        ("genepoint inc", Outcome.match, ["GenePoint"]),
        ("Initech", Outcome.match, ["Initech Inc"]),
        ("huawei", Outcome.match, ["华为技术有限公司"]),
        ("华为", Outcome.match, ["华为技术有限公司"]),
        ("glbex", Outcome.match, ["Globex"]),
        # The name without its legal suffix is exactly what was typed.
        ("acme", Outcome.match, ["Acme Corporation"]),
        ("acme log", Outcome.match, ["Acme Logistics GmbH"]),
        ("acm", Outcome.ambiguous, ["Acme Corporation", "Acme Logistics GmbH"]),
        ("Umbrella Pharmaceuticals", Outcome.none, None),
        ("", Outcome.none, []),
    ],
)
def test_search_decides_match_ambiguous_or_none(session, accounts, typed, outcome, names):
    result = search_accounts(session, query=typed)
    assert result.outcome == outcome
    if names is not None:
        assert [c.name for c in result.candidates] == names


def test_the_index_is_built_once_and_follows_renames_and_new_aliases(database_url):
    from sqlalchemy import event

    from kam_core.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        make_account(session, name="Initech Inc")
    with transaction(sessions) as session:
        assert search_accounts(session, query="initech").outcome == Outcome.match

    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: not args[2].startswith("BEGIN") and statements.append(args[2]))
    with transaction(sessions) as session:
        assert search_accounts(session, query="initech").outcome == Outcome.match
    assert len(statements) == 1 and "change_markers" in statements[0]  # no reload while nothing changed

    # Another process (its own engine) renames the account and adds an alias.
    other = make_sessionmaker(make_engine(database_url))
    with transaction(other) as session:
        from sqlalchemy import select

        from kam_core.accounts.models import Account

        account = session.scalar(select(Account).where(Account.name == "Initech Inc"))
        account.name = "Initrode Ltd"
        session.add(AccountAlias(account=account, alias="Penetrode"))
    with transaction(sessions) as session:
        assert search_accounts(session, query="initrode").best.name == "Initrode Ltd"
        assert search_accounts(session, query="penetrode").best.name == "Initrode Ltd"
        assert search_accounts(session, query="initech").outcome != Outcome.match
