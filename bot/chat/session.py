"""One person's conversation with the bot through the emulator."""

import time

from bot.chat.text import Choice, Screen, screen_of
from bot.emulator import Reply
from bot.emulator.local_bot import LocalBot

QUIET_SECONDS = 0.4
MAX_WAIT_SECONDS = 10.0


class ChatSession:
    def __init__(self, local: LocalBot, user_id: str) -> None:
        self.local = local
        self.user_id = user_id
        self.choices: list[Choice] = []

    @property
    def driver(self):
        return self.local.driver

    def send(self, text: str) -> list[Reply]:
        """`/kam …` is a slash command; anything else is a direct message to the bot."""
        mark = self.driver.mark()
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            self.driver.slash_command(self.user_id, rest.strip(), command=command)
        else:
            self.driver.message_im(self.user_id, text)
        return self._replies(mark)

    def press(self, choice: Choice) -> list[Reply]:
        mark = self.driver.mark()
        if choice.reply.view:
            self.driver.block_action(self.user_id, choice.action_id, choice.value, choice.block_id,
                                     view=choice.reply.view["id"])
        else:
            self.driver.block_action(self.user_id, choice.action_id, choice.value, choice.block_id,
                                     message=choice.reply)
        return self._replies(mark)

    def dispatch(self, view: dict, block_id: str, action_id: str, value, values: dict) -> dict:
        """A choice in an input whose block has dispatch_action: Slack tells the bot at once (block_actions
        with the form's state). The view as it is afterwards: the bot may have updated it."""
        mark = self.driver.mark()
        self.driver.block_action(self.user_id, action_id, value, block_id, view=view["id"], values=values)
        self._settle(mark.calls)
        return self.local.slack.view(view["id"]) or view

    def submit(self, view_id: str, values: dict) -> list[Reply]:
        mark = self.driver.mark()
        self.driver.view_submission(self.user_id, view_id, values)
        return self._replies(mark)

    def suggest(self, view_id: str, block_id: str, action_id: str, typed: str) -> list[dict]:
        response = self.driver.block_suggestion(self.user_id, action_id, typed, block_id, view=view_id)
        return (response.json or {}).get("options", [])

    def open_modal(self) -> dict | None:
        views = self.local.slack.open_views(self.user_id)
        return views[-1] if views else None

    def close_modal(self, view: dict) -> None:
        """The person closes the modal (its close button, or Esc): Slack tells the bot only when the view
        asked for it (notify_on_close)."""
        if view.get("notify_on_close"):
            self.driver.view_closed(self.user_id, view["id"])
        else:
            self.local.slack.close_views(self.user_id)

    def open_home(self) -> list[Reply]:
        """The person opens the app's Home tab."""
        mark = self.driver.mark()
        self.driver.app_home_opened(self.user_id)
        return self._replies(mark)

    def shortcut(self, callback_id: str) -> list[Reply]:
        """A global shortcut, from the composer's shortcut menu."""
        mark = self.driver.mark()
        self.driver.shortcut(self.user_id, callback_id)
        return self._replies(mark)

    def message_shortcut(self, callback_id: str, text: str) -> list[Reply]:
        """A message shortcut, from the "More actions" menu of a message saying `text` (the person's own,
        in #general)."""
        mark = self.driver.mark()
        self.driver.message_action(self.user_id, callback_id, text)
        return self._replies(mark)

    def names(self) -> dict[str, str]:
        """Slack user id -> the name Slack shows in a mention."""
        users = dict(self.local.slack.workspace.users)
        return {uid: u["profile"].get("display_name") or u.get("real_name") or u["name"] for uid, u in users.items()}

    def screen(self, replies: list[Reply]) -> Screen:
        screen = screen_of(replies, start=1, names=self.names())
        self.choices = screen.choices
        return screen

    def _replies(self, mark) -> list[Reply]:
        self._settle(mark.calls)
        return self.driver.replies_since(mark, self.user_id)

    def _settle(self, after: int) -> None:
        """Wait until the bot has been quiet for a moment: after its ack, a listener
        may still be posting on a worker thread."""
        slack = self.local.slack
        seen = after
        deadline = time.monotonic() + MAX_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                slack.wait_for(None, after=seen, timeout=QUIET_SECONDS)
            except TimeoutError:
                return
            seen = slack.mark()
