from datetime import date, datetime

from pydantic import BaseModel

from kam_core.enums import FollowUpStatus, InteractionKind, Sentiment, Source


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
