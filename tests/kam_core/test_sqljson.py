"""One statement for the rows of several tables (kam_core.sqljson), on both back ends."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from kam_core.accounts.models import Account, Contact
from kam_core.enums import BuyingRole
from kam_core.interactions.models import Interaction
from kam_core.sqljson import as_datetime, as_decimal, json_row, json_rows, row_of, rows_of
from tests.conftest import count_statements
from tests.factories import make_account, make_contact, make_interaction


def test_rows_of_two_tables_come_in_one_statement_in_the_subquerys_order(session):
    acme = make_account(session, name="Acme")
    make_contact(session, account=acme, name="Zoe", buying_role=BuyingRole.champion)
    make_contact(session, account=acme, name="Ann", buying_role=BuyingRole.decision_maker)
    when = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    make_interaction(session, account=acme, occurred_at=when, text="call")
    other = make_account(session, name="Other")  # its rows must stay out of Acme's
    make_contact(session, account=other, name="Bob")
    make_interaction(session, account=other, occurred_at=datetime(2026, 12, 1, tzinfo=UTC), text="later")
    session.flush()
    statement = select(
        Account.name,
        json_rows(select(Contact.name, Contact.buying_role).where(Contact.account_id == Account.id)
                  .correlate(Account).order_by(Contact.name)).label("contacts"),
        json_row(select(Interaction.occurred_at, Interaction.text).where(Interaction.account_id == Account.id)
                 .correlate(Account).order_by(Interaction.occurred_at.desc())).label("last"),
    ).where(Account.id == acme.id)
    rows = []
    assert count_statements(session, lambda: rows.append(session.execute(statement).one())) == 1
    row = rows[0]
    assert row.name == "Acme"
    assert rows_of(row.contacts) == [{"name": "Ann", "buying_role": "decision_maker"},
                                     {"name": "Zoe", "buying_role": "champion"}]
    last = row_of(row.last)
    assert as_datetime(last["occurred_at"]) == when and last["text"] == "call"


def test_nothing_to_gather_is_an_empty_list_or_none(session):
    lonely = make_account(session, name="Lonely")
    busy = make_account(session, name="Busy")
    make_contact(session, account=busy, name="Bob")
    make_interaction(session, account=busy, occurred_at=datetime(2026, 12, 1, tzinfo=UTC))
    session.flush()
    row = session.execute(select(
        json_rows(select(Contact.name).where(Contact.account_id == Account.id).correlate(Account)).label("contacts"),
        json_row(select(Interaction.text).where(Interaction.account_id == Account.id).correlate(Account)).label("last"),
    ).where(Account.id == lonely.id)).one()
    assert rows_of(row.contacts) == [] and row_of(row.last) is None


def test_money_keeps_its_cents():
    assert as_decimal(1234.56) == Decimal("1234.56") and as_decimal(None) is None
