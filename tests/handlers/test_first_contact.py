"""A Slack user's first contact: linked by their Slack profile's email, fetched with users.info before
any transaction is open (a slow Slack never holds SQLite's write lock or a PostgreSQL transaction),
and the link audited like `kam users link`."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, text

from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.people.models import Person
from tests.factories import make_person
from tests.handlers.conftest import REP
from tests.handlers.test_commands import ack_of
from tests.handlers.test_notes import interactions, text_of

NEW = "U0NEWREP"


def test_first_contact_asks_slack_for_the_profile_before_any_transaction(driver, slack, local, world):
    with transaction(local.runtime.sessions) as session:
        make_person(session, name="Nia New", email="nia@acme.test")
    slack.add_user(NEW, email="Nia@Acme.test", tz="Asia/Shanghai")
    release = slack.hold_next("users.info")  # Slack is slow to answer
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(driver.slash_command, NEW, "log acme corp: intro call with their CTO")
        slack.wait_held("users.info")
        try:
            if local.settings.database_url.startswith("sqlite"):
                # Another rep's note is saved meanwhile: nobody holds the write lock while Slack is asked.
                other = ack_of(driver.slash_command(REP, "log acme corp: sent the quote"))
                assert "Saved to *Acme Corporation*" in text_of(other["blocks"])
            else:
                with local.runtime.engine.connect() as connection:
                    assert connection.scalar(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state LIKE 'idle in transaction%'")) == 0
        finally:
            release.set()
        reply = ack_of(first.result(timeout=10))
    assert "Saved to *Acme Corporation*" in text_of(reply["blocks"])
    saved = {i.text for i in interactions(local)}
    assert saved == ({"intro call with their CTO", "sent the quote"} if local.settings.database_url.startswith(
        "sqlite") else {"intro call with their CTO"})
    with transaction(local.runtime.sessions) as session:
        nia = session.scalar(select(Person).where(Person.email == "nia@acme.test"))
        assert (nia.slack_user_id, nia.timezone, nia.language) == (NEW, "Asia/Shanghai", "en")  # en-US in Slack
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "link_slack",
                                                        AuditEntry.entity_id == nia.id))
        assert audit.actor_label == "slack profile"
        assert audit.changes == {"slack_user_id": [None, NEW], "by": "Slack profile email", "language": [None, "en"]}


def test_a_profile_whose_email_nobody_has_is_told_how_to_get_linked(driver, slack, world):
    slack.add_user(NEW, email="stranger@elsewhere.test")
    reply = ack_of(driver.slash_command(NEW, "log acme corp: intro call"))
    said = text_of(reply["blocks"])
    assert "not linked" in said and "intro call" in said  # the note comes back to copy
