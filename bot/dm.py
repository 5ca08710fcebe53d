"""Direct messages from the bot to one person, for scheduled jobs (digests, reminders).

A message goes out as chat.postMessage with channel=<the user's Slack id>: Slack
posts it into the app's DM with that user (opening the DM if needed), so there is
no conversations.open round trip and no im:write scope. The WebClient from
bot.app.web_client waits out a 429 (Retry-After) and retries; any other Slack
error raises, and kam_core.delivery records it for the next run.
"""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


class SlackMessenger:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def timezone_of(self, user_id: str) -> str | None:
        try:
            return (self.client.users_info(user=user_id).get("user") or {}).get("tz") or None
        except (SlackApiError, OSError):  # best effort: the stored timezone serves meanwhile
            return None

    def post(self, user_id: str, message: dict) -> tuple[str | None, str | None]:
        answer = self.client.chat_postMessage(channel=user_id, **message)
        return answer.get("channel"), answer.get("ts")
