"""A numeric date follows the rep's Slack locale, kept when they are linked on first contact: 12/03 is
12 March for an en-GB rep and 3 December for an en-US one; the answer says the day in words."""

from datetime import date

import pytest

from kam_core.db import transaction
from kam_core.people.models import Person
from tests.factories import make_person
from tests.handlers.test_commands import ack_of
from tests.handlers.test_notes import follow_ups, text_of


def next_occurrence(month: int, day: int, today: date) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


@pytest.mark.parametrize(("locale", "month", "day"), [("en-GB", 3, 12), ("en-US", 12, 3)])
def test_twelve_slash_three_is_read_in_the_reps_slack_locale(driver, slack, local, world, locale, month, day):
    with transaction(local.runtime.sessions) as session:
        make_person(session, name="Lee Local", email="lee@acme.test")
    slack.add_user("U0LOCALE", email="lee@acme.test", tz="UTC", locale=locale)

    reply = ack_of(driver.slash_command("U0LOCALE", "log acme corp: met procurement, next: call back on 12/03"))

    with transaction(local.runtime.sessions) as session:
        lee = session.query(Person).filter_by(email="lee@acme.test").one()
        assert lee.locale == locale
        today = date.today()
    due = next_occurrence(month, day, today)
    assert [f.due_on for f in follow_ups(local)] == [due]
    assert due.strftime("%-d %b %Y") in text_of(reply["blocks"])  # shown back in words before anything else
