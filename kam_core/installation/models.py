from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kam_core.base import Base


class Installation(Base):
    """Whether the app is installed in a workspace (Slack's team id): an uninstall or a revoked bot
    token pauses everything the bot sends there until a working token for it is seen again."""

    __tablename__ = "installations"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    active: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str | None] = mapped_column(String(200))  # the Slack event that paused it (a code)
    changed_at: Mapped[datetime]
