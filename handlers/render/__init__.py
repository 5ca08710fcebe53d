"""Block Kit builders: structure here, every word from templates/."""

from pydantic import BaseModel


class Message(BaseModel):
    """A chat message: `text` is the notification/fallback, `blocks` the layout."""

    text: str
    blocks: list[dict] = []

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": self.blocks}
