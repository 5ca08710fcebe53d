from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kam_core.base import Base, Timestamped
from kam_core.enums import Role


class Person(Timestamped, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    role: Mapped[Role] = mapped_column(default=Role.rep)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # "en", "zh" (templates/i18n.LANGUAGES): from the Slack locale when linked, or `/kam lang`; None: the default.
    language: Mapped[str | None] = mapped_column(String(8))
    # Their Slack locale ("en-GB"), kept from first contact: it orders their numeric dates (12/03).
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    linked_at: Mapped[datetime | None]

    manager: Mapped["Person | None"] = relationship(remote_side=[id], lazy="joined", join_depth=1)
