"""Who should hear what, when: the reminder builder at injected times, reps in different timezones."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from kam_core.delivery.service import set_preference
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.enums import ActionStatus, FollowUpStatus, Tier
from kam_core.policy import Policy
from kam_core.reminders.builder import FOLLOW_UP_ROWS, due_reminders
from kam_core.reminders.schemas import Kind
from tests.factories import (make_account, make_action, make_contact, make_follow_up, make_interaction, make_person,
                             make_plan)

POLICY = Policy()
LONG_AGO = datetime(2029, 12, 1, tzinfo=UTC)
# Wednesday 16 January 2030, 22:30 UTC: 17:30 in New York (16th), 07:30 in Tokyo (17th).
EVENING_UTC = datetime(2030, 1, 16, 22, 30, tzinfo=UTC)


def due(session, now, kinds=tuple(Kind), default_timezone="UTC"):
    return due_reminders(session, policy=POLICY, now=now, default_timezone=default_timezone, kinds=kinds)


def of(reminders, person, kind):
    return [r for r in reminders if r.recipient.person_id == person.id and r.kind == kind]


def rep(session, name, tz, **fields):
    return make_person(session, name=name, timezone=tz, slack_user_id=f"U{name.upper()}", **fields)


def key_account(session, owner, **fields):
    return make_account(session, owner=owner, computed_tier=Tier.key, **fields)


def follow_up(session, account, due_on, **fields):
    return make_follow_up(session, account=account, due_on=due_on, created_at=LONG_AGO, **fields)


def test_follow_ups_reach_each_rep_at_their_own_local_morning(session):
    nina = rep(session, "nina", "America/New_York")
    tom = rep(session, "tom", "Asia/Tokyo")
    ninas = make_account(session, owner=nina, name="Nina's Account")
    toms = make_account(session, owner=tom)
    overdue = follow_up(session, ninas, date(2030, 1, 14), title="Send the quote")
    today = follow_up(session, ninas, date(2030, 1, 16), title="Call the CFO")
    follow_up(session, ninas, date(2030, 1, 17), title="Not yet")
    follow_up(session, ninas, date(2030, 1, 10), status=FollowUpStatus.done)
    toms_own = follow_up(session, toms, date(2030, 1, 17))

    evening = due(session, EVENING_UTC, kinds=(Kind.followups,))
    [ninas_dm] = of(evening, nina, Kind.followups)
    assert ninas_dm.period_key == "2030-01-16"
    assert [f.id for f in ninas_dm.follow_ups.items] == [overdue.id, today.id]
    assert ninas_dm.follow_ups.overdue == 1 and ninas_dm.follow_ups.total == 2
    assert ninas_dm.follow_ups.items[0].account_name == "Nina's Account"
    assert of(evening, tom, Kind.followups) == []  # 07:30 in Tokyo: not yet

    an_hour_later = due(session, EVENING_UTC + timedelta(hours=1), kinds=(Kind.followups,))
    [toms_dm] = of(an_hour_later, tom, Kind.followups)
    assert toms_dm.period_key == "2030-01-17" and [f.id for f in toms_dm.follow_ups.items] == [toms_own.id]


def test_the_default_timezone_applies_when_a_persons_zone_is_unknown(session):
    nobody_knows = rep(session, "una", "UTC")
    account = make_account(session, owner=nobody_knows)
    follow_up(session, account, date(2030, 1, 16))
    # 07:30 UTC is before 08:00 in UTC but 08:30 in Berlin, the configured default.
    early = datetime(2030, 1, 16, 6, 30, tzinfo=UTC)
    assert of(due(session, early, default_timezone="Europe/Berlin"), nobody_knows, Kind.followups) == []
    assert of(due(session, early + timedelta(hours=1), default_timezone="Europe/Berlin"), nobody_knows,
              Kind.followups)


def test_a_long_list_is_capped_and_counts_the_rest(session):
    busy = rep(session, "busy", "UTC")
    account = make_account(session, owner=busy)
    for n in range(FOLLOW_UP_ROWS + 5):
        follow_up(session, account, date(2030, 1, 1) + timedelta(days=n % 10))
    [dm] = of(due(session, datetime(2030, 1, 16, 9, tzinfo=UTC)), busy, Kind.followups)
    assert len(dm.follow_ups.items) == FOLLOW_UP_ROWS and dm.follow_ups.more == 5


def test_a_follow_up_added_after_the_morning_does_not_start_a_morning_dm(session):
    late = rep(session, "late", "UTC")
    account = make_account(session, owner=late)
    make_follow_up(session, account=account, due_on=date(2030, 1, 16),
                   created_at=datetime(2030, 1, 16, 15, tzinfo=UTC))
    assert of(due(session, datetime(2030, 1, 16, 16, tzinfo=UTC)), late, Kind.followups) == []


def test_each_kind_can_be_turned_off_or_moved_to_another_hour(session):
    quiet = rep(session, "quiet", "UTC")
    account = key_account(session, quiet)
    follow_up(session, account, date(2030, 1, 16))
    set_preference(session, person_id=quiet.id, kind="followups", enabled=False)
    set_preference(session, person_id=quiet.id, kind="cadence", hour=10)
    at_nine = due(session, datetime(2030, 1, 16, 9, tzinfo=UTC))
    assert of(at_nine, quiet, Kind.followups) == [] and of(at_nine, quiet, Kind.cadence) == []
    assert of(due(session, datetime(2030, 1, 16, 10, tzinfo=UTC)), quiet, Kind.cadence)


def test_people_without_slack_or_inactive_get_nothing(session):
    unlinked = make_person(session, name="Unlinked")
    gone = rep(session, "gone", "UTC", active=False)
    for person in (unlinked, gone):
        follow_up(session, make_account(session, owner=person), date(2030, 1, 16))
    reminders = due(session, datetime(2030, 1, 16, 9, tzinfo=UTC))
    assert of(reminders, unlinked, Kind.followups) == [] and of(reminders, gone, Kind.followups) == []


def test_cadence_nudges_only_key_accounts_past_their_cadence(session):
    owner = rep(session, "kim", "UTC")
    quiet = key_account(session, owner, name="Quiet Key")
    make_interaction(session, account=quiet, occurred_at=datetime(2029, 12, 20, tzinfo=UTC))
    never = key_account(session, owner, name="Never Touched Key")
    fresh = key_account(session, owner, name="Fresh Key")
    make_interaction(session, account=fresh, occurred_at=datetime(2030, 1, 10, tzinfo=UTC))
    make_account(session, owner=owner, computed_tier=Tier.important, name="Quiet Important")
    demoted = key_account(session, owner, name="Overridden Down", tier_override=Tier.general)
    promoted = make_account(session, owner=owner, name="Overridden Up", tier_override=Tier.key)
    make_interaction(session, account=promoted, occurred_at=datetime(2030, 1, 12, tzinfo=UTC))

    nudges = of(due(session, datetime(2030, 1, 16, 9, tzinfo=UTC)), owner, Kind.cadence)
    by_account = {n.cadence.account_name: n for n in nudges}
    assert set(by_account) == {"Quiet Key", "Never Touched Key"}
    assert by_account["Quiet Key"].cadence.days_since_touch == 27
    assert by_account["Quiet Key"].period_key == f"2030-W03:{quiet.id}"
    assert by_account["Never Touched Key"].cadence.days_since_touch is None
    assert demoted.id not in {n.cadence.account_id for n in nudges} and never.id in {n.cadence.account_id
                                                                                    for n in nudges}


def test_care_touches_cover_birthdays_and_renewals_in_the_next_seven_days(session):
    owner = rep(session, "cara", "UTC")
    account = make_account(session, owner=owner, name="Care Co", renewal_date=date(2030, 1, 23))
    make_account(session, owner=owner, name="Later Co", renewal_date=date(2030, 1, 24))
    make_account(session, owner=owner, name="Past Co", renewal_date=date(2030, 1, 15))
    make_contact(session, account=account, name="Bea", title="CFO", birthday=date(1980, 1, 19))
    make_contact(session, account=account, name="Today", birthday=date(1975, 1, 16))
    make_contact(session, account=account, name="Too Far", birthday=date(1980, 1, 25))
    make_contact(session, account=account, name="Was Yesterday", birthday=date(1980, 1, 15))

    [dm] = of(due(session, datetime(2030, 1, 16, 9, tzinfo=UTC)), owner, Kind.care)
    assert [(i.kind, i.contact_name or i.account_name, i.days_until) for i in dm.care.items] == [
        ("birthday", "Today", 0), ("birthday", "Bea", 3), ("renewal", "Care Co", 7)]
    assert dm.care.items[1].key.startswith("birthday:") and dm.care.items[1].on == date(2030, 1, 19)


def test_care_touches_wrap_the_year_and_keep_leap_day_birthdays(session):
    owner = rep(session, "yara", "UTC")
    account = make_account(session, owner=owner)
    make_contact(session, account=account, name="New Year", birthday=date(1990, 1, 2))
    make_contact(session, account=account, name="Leap", birthday=date(1988, 2, 29))
    [dm] = of(due(session, datetime(2030, 12, 29, 9, tzinfo=UTC)), owner, Kind.care)
    assert [(i.contact_name, i.on) for i in dm.care.items] == [("New Year", date(2031, 1, 2))]
    [dm] = of(due(session, datetime(2031, 2, 25, 9, tzinfo=UTC)), owner, Kind.care)
    assert [(i.contact_name, i.on) for i in dm.care.items] == [("Leap", date(2031, 2, 28))]


@pytest.mark.parametrize("kind", list(Kind))
def test_statements_do_not_grow_with_accounts_or_reps(session, kind):
    def statements_for(reps: int, accounts_each: int) -> int:
        for n in range(reps):
            person = rep(session, f"s{kind}{reps}x{n}", "UTC")
            for _ in range(accounts_each):
                account = key_account(session, person, renewal_date=date(2030, 1, 18))
                make_contact(session, account=account, birthday=date(1980, 1, 17))
                follow_up(session, account, date(2030, 1, 15))
                plan = make_plan(session, account=account, period_start=date(2030, 1, 1),
                                 period_end=date(2030, 12, 31))
                make_action(session, plan=plan, owner=person, due_date=date(2030, 1, 15))
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(session.bind, "before_cursor_execute", listener)
        try:
            due(session, datetime(2030, 1, 16, 9, tzinfo=UTC), kinds=(kind,))
        finally:
            event.remove(session.bind, "before_cursor_execute", listener)
        return len(seen)

    small = statements_for(2, 2)
    large = statements_for(6, 8)
    assert 0 < large == small


def test_plan_actions_reach_their_owner_due_by_the_owners_local_date(session):
    nina = rep(session, "anna", "America/New_York")
    sam = rep(session, "sam", "UTC")  # an account team member who owns none of the accounts
    plan = make_plan(session, account=make_account(session, owner=nina, name="Planned Co"),
                     period_start=date(2030, 1, 1), period_end=date(2030, 12, 31))
    overdue = make_action(session, plan=plan, owner=nina, due_date=date(2030, 1, 10), description="Meet the CFO")
    today = make_action(session, plan=plan, owner=nina, due_date=date(2030, 1, 16),
                        status=ActionStatus.in_progress)
    make_action(session, plan=plan, owner=nina, due_date=date(2030, 1, 17))  # tomorrow in New York
    make_action(session, plan=plan, owner=nina, due_date=date(2030, 1, 9), status=ActionStatus.done)
    make_action(session, plan=plan, owner=nina, due_date=date(2030, 1, 9), status=ActionStatus.cancelled)
    make_action(session, plan=plan, owner=nina)  # no due date: never "due"
    sams = make_action(session, plan=plan, owner=sam, due_date=date(2030, 1, 16))

    reminders = due(session, EVENING_UTC, kinds=(Kind.actions,))
    [ninas] = of(reminders, nina, Kind.actions)
    assert ninas.period_key == "2030-01-16"
    assert [(a.id, a.account_name) for a in ninas.actions.items] == [(overdue.id, "Planned Co"),
                                                                     (today.id, "Planned Co")]
    assert (ninas.actions.total, ninas.actions.overdue) == (2, 1) and ninas.actions.items[0].version == 1
    [sams_dm] = of(reminders, sam, Kind.actions)
    assert [a.id for a in sams_dm.actions.items] == [sams.id]


def test_an_action_added_or_moved_after_the_morning_does_not_start_the_dm(session):
    late = rep(session, "lena", "UTC")
    plan = make_plan(session, account=make_account(session, owner=late), period_start=date(2030, 1, 1),
                     period_end=date(2030, 12, 31))
    action = make_action(session, plan=plan, owner=late, due_date=date(2030, 1, 16))
    record(session, actor=Actor.system("test"), action="add_plan_action", entity="plan_action",
           entity_id=action.id, changes={}, at=datetime(2030, 1, 16, 15, tzinfo=UTC))
    assert of(due(session, datetime(2030, 1, 16, 16, tzinfo=UTC)), late, Kind.actions) == []
    assert of(due(session, datetime(2030, 1, 17, 9, tzinfo=UTC)), late, Kind.actions)  # overdue the next morning


def test_plan_actions_can_be_turned_off_on_their_own(session):
    quiet = rep(session, "quinn", "UTC")
    account = make_account(session, owner=quiet)
    follow_up(session, account, date(2030, 1, 16))
    plan = make_plan(session, account=account, period_start=date(2030, 1, 1), period_end=date(2030, 12, 31))
    make_action(session, plan=plan, owner=quiet, due_date=date(2030, 1, 16))
    set_preference(session, person_id=quiet.id, kind="actions", enabled=False)
    at_nine = due(session, datetime(2030, 1, 16, 9, tzinfo=UTC))
    assert of(at_nine, quiet, Kind.actions) == [] and of(at_nine, quiet, Kind.followups)
