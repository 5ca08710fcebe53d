"""An account's history (kam_core.interactions.history): newest first, paged, follow-up states, visibility,
and a page in two statements whatever its size."""

from datetime import UTC, date, datetime, timedelta

import pytest

from kam_core.actors import Actor
from kam_core.enums import FollowUpStatus, InteractionKind, Source
from kam_core.errors import Forbidden, NotFound
from kam_core.interactions.history import account_history, interaction_detail
from kam_core.interactions.schemas import FollowUpState
from kam_core.interactions.service import log_interaction, undo_interaction
from kam_core.policy import Policy
from tests.conftest import count_statements
from tests.factories import make_account, make_contact, make_follow_up, make_interaction, make_person

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def acme(session):
    """Ray's account with 23 interactions, one a day back from yesterday, by Ray and (every third) by Bea."""
    ray = make_person(session, name="Ray Rep", team="East")
    bea = make_person(session, name="Bea Rep", team="East")
    account = make_account(session, name="Acme", owner=ray)
    for n in range(23):
        make_interaction(session, account=account, occurred_at=NOW - timedelta(days=n + 1),
                         author=bea if n % 3 == 0 else ray, text=f"Touch {n + 1} days ago",
                         kind=list(InteractionKind)[n % 6])
    return account


def history(session, account, *, actor=None, offset=0, limit=10, policy=Policy(), today=TODAY, zone="UTC"):
    return account_history(session, actor=actor or Actor.of(account.owner), account_id=account.id, policy=policy,
                           today=today, zone=zone, offset=offset, limit=limit)


def test_the_newest_come_first_ten_at_a_time_with_the_total(session, acme):
    page = history(session, acme)
    assert [i.text for i in page.items] == [f"Touch {n} days ago" for n in range(1, 11)]
    assert (page.total, page.first, page.last, page.more, page.next_offset, page.previous_offset) == (
        23, 1, 10, 13, 10, None)
    assert page.items[0].author_name == "Bea Rep" and page.items[1].author_name == "Ray Rep"
    assert [i.kind for i in page.items[:3]] == [InteractionKind.call, InteractionKind.meeting, InteractionKind.visit]


def test_the_pages_hold_every_interaction_once_and_a_stale_offset_gives_the_last_page(session, acme):
    pages = [history(session, acme, offset=offset) for offset in (0, 10, 20)]
    texts = [i.text for p in pages for i in p.items]
    assert len(texts) == 23 == len(set(texts))
    assert (pages[2].first, pages[2].last, pages[2].more, pages[2].next_offset, pages[2].previous_offset) == (
        21, 23, 0, None, 10)
    past_the_end = history(session, acme, offset=40)
    assert (past_the_end.offset, [i.text for i in past_the_end.items]) == (20, [i.text for i in pages[2].items])


def test_same_moment_interactions_keep_a_stable_order_the_later_logged_first(session):
    account = make_account(session, name="Tied", owner=make_person(session))
    first = make_interaction(session, account=account, occurred_at=NOW, text="first")
    second = make_interaction(session, account=account, occurred_at=NOW, text="second")
    assert [i.id for i in history(session, account).items] == [second.id, first.id]


def test_follow_ups_show_open_overdue_done_and_cancelled_as_of_the_viewers_today(session):
    account = make_account(session, name="Acme", owner=make_person(session))
    due = {}
    for n, (status, due_on) in enumerate([(FollowUpStatus.open, TODAY), (FollowUpStatus.open, TODAY - timedelta(1)),
                                          (FollowUpStatus.done, TODAY - timedelta(9)),
                                          (FollowUpStatus.cancelled, TODAY + timedelta(3))]):
        interaction = make_interaction(session, account=account, occurred_at=NOW - timedelta(days=10 + n),
                                       text=f"n{n}", follow_up_on=due_on)
        make_follow_up(session, account=account, due_on=due_on, status=status, interaction_id=interaction.id,
                       title=f"step {n}")
        due[f"n{n}"] = due_on
    make_interaction(session, account=account, occurred_at=NOW - timedelta(days=30), text="no follow-up")
    items = history(session, account).items
    assert [(i.text, i.follow_up.state if i.follow_up else None) for i in items] == [
        ("n0", FollowUpState.open), ("n1", FollowUpState.overdue), ("n2", FollowUpState.done),
        ("n3", FollowUpState.cancelled), ("no follow-up", None)]
    assert (items[1].follow_up.title, items[1].follow_up.due_on) == ("step 1", due["n1"])
    # Where the viewer is a day later, today's follow-up is overdue too.
    assert history(session, account, today=TODAY + timedelta(1)).items[0].follow_up.state == FollowUpState.overdue


def test_times_are_in_the_viewers_zone(session):
    account = make_account(session, name="Acme", owner=make_person(session))
    make_interaction(session, account=account, occurred_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    [item] = history(session, account, zone="Asia/Shanghai").items
    assert (item.occurred_at.date(), item.occurred_at.hour, item.occurred_at.minute) == (date(2026, 11, 21), 7, 30)


def test_an_account_without_interactions_is_an_empty_page(session):
    page = history(session, make_account(session, name="Quiet", owner=make_person(session)), offset=10)
    assert (page.items, page.total, page.first, page.next_offset, page.previous_offset) == ([], 0, 0, None, None)


def test_an_undone_note_is_not_listed_and_cannot_be_opened(session, acme):
    ray = Actor.of(acme.owner)
    stored = log_interaction(session, actor=ray, policy=Policy(), account_id=acme.id, text="Oops, wrong account",
                             source=Source.slash_command, now=NOW)
    assert history(session, acme).items[0].text == "Oops, wrong account"
    undo_interaction(session, actor=ray, interaction_id=stored.id, now=NOW)
    page = history(session, acme)
    assert page.total == 23 and "Oops, wrong account" not in [i.text for i in page.items]
    with pytest.raises(NotFound):
        interaction_detail(session, actor=ray, interaction_id=stored.id, policy=Policy(), today=TODAY)


def test_with_team_visibility_another_team_reads_neither_the_history_nor_a_note(session, acme):
    team = Policy(visibility="team")
    west = Actor.of(make_person(session, name="Wes West", team="West"))
    east = Actor.of(make_person(session, name="Eve East", team="East"))
    with pytest.raises(Forbidden):
        history(session, acme, actor=west, policy=team)
    item = history(session, acme, actor=east, policy=team).items[0]
    with pytest.raises(Forbidden):
        interaction_detail(session, actor=west, interaction_id=item.id, policy=team, today=TODAY)
    assert history(session, acme, actor=west).total == 23  # visibility "all": everyone reads it


def test_a_page_is_two_statements_however_many_items_authors_and_follow_ups(session, acme):
    for interaction_id in [i.id for i in history(session, acme, limit=23).items][::2]:
        make_follow_up(session, account=acme, due_on=TODAY, interaction_id=interaction_id)
    ray, account_id = Actor.of(acme.owner), acme.id
    session.flush()
    session.expunge_all()  # as a request's fresh session: nothing loaded yet
    for limit in (1, 10, 23):
        assert count_statements(session, lambda: account_history(
            session, actor=ray, account_id=account_id, policy=Policy(), today=TODAY, limit=limit)) == 2
    page = history(session, acme, limit=23)
    assert sum(1 for i in page.items if i.follow_up) == 12


def test_the_detail_holds_the_whole_note_who_took_part_and_its_follow_up(session):
    rep = make_person(session, name="Ray Rep")
    account = make_account(session, name="Acme", owner=rep)
    contact = make_contact(session, account=account, name="Carla CFO")
    text = "Line one\n" + "x" * 2900 + "\n<b>&</b>"
    stored = log_interaction(session, actor=Actor.of(rep), policy=Policy(), account_id=account.id, text=text,
                             kind=InteractionKind.visit, source=Source.modal, next_step="send quote",
                             follow_up_on=TODAY + timedelta(2), contact_ids=[contact.id], now=NOW, today=TODAY)
    detail = interaction_detail(session, actor=Actor.of(rep), interaction_id=stored.id, policy=Policy(),
                                today=TODAY + timedelta(5), zone="America/New_York")
    assert (detail.text, detail.kind, detail.account_name, detail.contacts) == (
        text, InteractionKind.visit, "Acme", ["Carla CFO"])
    assert (detail.follow_up.title, detail.follow_up.state) == ("send quote", FollowUpState.overdue)
    assert detail.occurred_at.hour == 10  # 15:00 UTC in New York
