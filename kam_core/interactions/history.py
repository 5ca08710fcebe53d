"""An account's history: its interactions newest first, a page at a time, and one in full.

Visibility is the card's (visible_account). A note taken back (Undo) is deleted, so it is never listed.
A page is two statements: the account (and its visibility), then the page itself with its author, its
follow-up and the total (a window count) joined in.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from kam_core.accounts.access import visible_account
from kam_core.actors import Actor
from kam_core.enums import FollowUpStatus
from kam_core.errors import NotFound
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.schemas import (
    FollowUpState, HistoryFollowUp, HistoryItem, HistoryPage, InteractionDetail,
)
from kam_core.people.models import Person
from kam_core.policy import Policy
from kam_core.timezones import zone as zone_of

PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

Author = aliased(Person)
# An interaction has one follow-up (logging creates at most one); should there be more, the first is shown.
_FIRST_FOLLOW_UP = (select(func.min(FollowUp.id)).where(FollowUp.interaction_id == Interaction.id)
                    .correlate(Interaction).scalar_subquery())


def account_history(session: Session, *, actor: Actor, account_id: int, policy: Policy, today: date,
                    zone: str = "UTC", offset: int = 0, limit: int = PAGE_SIZE) -> HistoryPage:
    """`limit` interactions of the account from `offset`, newest first; past the end, the last page.
    `today` (the viewer's date) tells an overdue follow-up; `zone` (an IANA name) the times shown."""
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    rows = _page(session, account.id, offset, limit)
    if not rows and offset:  # a stale Next (notes were undone since): the last page there is
        total = session.scalar(select(func.count()).where(Interaction.account_id == account.id))
        offset = max(0, (total - 1) // limit * limit)
        rows = _page(session, account.id, offset, limit) if total else []
    tz = zone_of(zone)
    items = [_item(row, today, tz) for row in rows]
    return HistoryPage(account_id=account.id, account_name=account.name, items=items,
                       total=rows[0].total if rows else 0, offset=offset if rows else 0, page_size=limit)


def interaction_detail(session: Session, *, actor: Actor, interaction_id: int, policy: Policy, today: date,
                       zone: str = "UTC") -> InteractionDetail:
    """One interaction in full, for whoever may see its account; NotFound when it is gone (undone)."""
    interaction = session.get(Interaction, interaction_id, options=[
        joinedload(Interaction.author), selectinload(Interaction.contacts)])
    if interaction is None:
        raise NotFound(what="note", name=f"#{interaction_id}")
    account = visible_account(session, actor=actor, account_id=interaction.account_id, policy=policy)
    follow_up = session.scalar(select(FollowUp).where(FollowUp.interaction_id == interaction.id)
                               .order_by(FollowUp.id).limit(1))
    tz = zone_of(zone)
    return InteractionDetail(
        id=interaction.id, kind=interaction.kind, occurred_at=interaction.occurred_at.astimezone(tz),
        author_name=interaction.author.name if interaction.author else None, text=interaction.text,
        next_step=interaction.next_step,
        follow_up=_follow_up(follow_up.title, follow_up.due_on, follow_up.status, today) if follow_up else None,
        account_id=account.id, account_name=account.name, contacts=sorted(c.name for c in interaction.contacts),
        sentiment=interaction.sentiment, source=interaction.source)


def _page(session: Session, account_id: int, offset: int, limit: int) -> list:
    query = (
        select(Interaction.id, Interaction.kind, Interaction.occurred_at, Interaction.text, Interaction.next_step,
               Author.name.label("author_name"), FollowUp.title.label("follow_up_title"), FollowUp.due_on,
               FollowUp.status.label("follow_up_status"), func.count().over().label("total"))
        .outerjoin(Author, Author.id == Interaction.author_id)
        .outerjoin(FollowUp, FollowUp.id == _FIRST_FOLLOW_UP)
        .where(Interaction.account_id == account_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .offset(offset).limit(limit)
    )
    return list(session.execute(query))


def _item(row, today: date, tz) -> HistoryItem:
    follow_up = (_follow_up(row.follow_up_title, row.due_on, row.follow_up_status, today)
                 if row.follow_up_title is not None else None)
    return HistoryItem(id=row.id, kind=row.kind, occurred_at=row.occurred_at.astimezone(tz),
                       author_name=row.author_name, text=row.text, next_step=row.next_step, follow_up=follow_up)


def _follow_up(title: str, due_on: date, status: FollowUpStatus, today: date) -> HistoryFollowUp:
    if status == FollowUpStatus.done:
        state = FollowUpState.done
    elif status == FollowUpStatus.cancelled:
        state = FollowUpState.cancelled
    else:
        state = FollowUpState.overdue if due_on < today else FollowUpState.open
    return HistoryFollowUp(title=title, due_on=due_on, state=state)
