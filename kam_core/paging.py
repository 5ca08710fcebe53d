"""A page of a longer list (`/kam mine`, `/kam history`): where it starts, and what turning it needs."""

from pydantic import BaseModel


class Paged(BaseModel):
    offset: int  # of the first item in the whole list
    page_size: int
    total: int

    @property
    def shown(self) -> int:
        return len(getattr(self, "items"))

    @property
    def first(self) -> int:
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.offset + self.shown

    @property
    def more(self) -> int:
        return self.total - self.last

    @property
    def next_offset(self) -> int | None:
        return self.last if self.more > 0 else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.page_size) if self.offset > 0 else None
