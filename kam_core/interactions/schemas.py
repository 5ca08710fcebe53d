from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel

from kam_core.enums import FollowUpStatus, InteractionKind, Sentiment, Source
from kam_core.paging import Paged


class FollowUpView(BaseModel):
    id: int
    account_id: int
    account_name: str
    title: str
    due_on: date
    status: FollowUpStatus
    owner_name: str | None
    version: int


class InteractionView(BaseModel):
    id: int
    account_id: int
    account_name: str
    kind: InteractionKind
    occurred_at: datetime
    author_name: str | None
    text: str
    sentiment: Sentiment | None
    next_step: str | None
    source: Source
    follow_up: FollowUpView | None = None
    # False when this was a retry of an interaction stored before.
    created: bool = True


class ContactChoice(BaseModel):
    id: int
    name: str
    title: str | None


class LogTarget(BaseModel):
    """An account as the log form needs it: its name and the contacts one can tick."""

    account_id: int
    account_name: str
    contacts: list[ContactChoice]


class FollowUpState(StrEnum):
    """A follow-up as the history shows it: open, overdue (open and past due where the viewer is), done."""

    open = "open"
    overdue = "overdue"
    done = "done"
    cancelled = "cancelled"


class HistoryFollowUp(BaseModel):
    title: str
    due_on: date
    state: FollowUpState


class HistoryItem(BaseModel):
    """One interaction of an account's history; `occurred_at` is in the viewer's timezone."""

    id: int
    kind: InteractionKind
    occurred_at: datetime
    author_name: str | None
    text: str
    next_step: str | None
    follow_up: HistoryFollowUp | None = None


class HistoryPage(Paged):
    """One page of an account's interactions, newest first, and what turning the page needs."""

    account_id: int
    account_name: str
    items: list[HistoryItem]


class InteractionDetail(HistoryItem):
    """One interaction in full: the history's item plus its account, who took part, sentiment, source."""

    account_id: int
    account_name: str
    contacts: list[str]
    sentiment: Sentiment | None
    source: Source
