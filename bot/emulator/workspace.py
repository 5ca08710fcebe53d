"""What Slack remembers about one workspace: users, DMs, messages, modals, Home tabs, triggers and
response URLs, and the Web API methods that read and change it.

Not thread-safe on its own: FakeSlack holds its lock around every call.
"""

import itertools
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from bot.emulator import checks

TEAM_ID = "T0KAMTEAM"
TEAM_DOMAIN = "kam-test"
APP_ID = "A0KAMAPP"
BOT_USER_ID = "U0KAMBOT"
BOT_ID = "B0KAMBOT"
RESPONSE_URL_USES = 5


class SlackError(Exception):
    """An `{"ok": false, "error": ...}` answer, with optional extra fields."""

    def __init__(self, error: str, **extra: Any):
        super().__init__(f"{error} {extra}" if extra else error)
        self.error = error
        self.extra = extra

    def body(self) -> dict:
        return {"ok": False, "error": self.error, **self.extra}


@dataclass
class Trigger:
    user_id: str
    used: bool = False


@dataclass
class ResponseUrl:
    user_id: str
    channel_id: str
    message_ts: str | None
    uses: int = 0


def _require(params: dict, *names: str) -> None:
    for name in names:
        if not params.get(name):
            problem = f"[ERROR] missing required field: {name}"
            raise SlackError("invalid_arguments", response_metadata={"messages": [problem]})


def _view_of_type(params: dict, kind: str) -> None:
    if not isinstance(params["view"], dict) or params["view"].get("type") != kind:
        raise SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] view must be a {kind} view"]})


def _check(problems: list[str], error: str) -> None:
    if problems:
        raise SlackError(error, errors=problems, response_metadata={"messages": problems})


class Workspace:
    def __init__(self) -> None:
        self.users: dict[str, dict] = {}
        self.messages: dict[str, dict[str, dict]] = {}
        self.ephemerals: dict[str, dict] = {}
        self.views: dict[str, dict] = {}
        self.view_owner: dict[str, str] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, dict] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.members: set[str] = set()  # everyone in the workspace; profiles (users.info) only for seeded ones
        self._counter = itertools.count(1)
        self.add_user(BOT_USER_ID, email=None, name="kam", real_name="KAM bot", is_bot=True)

    # ---- identifiers -------------------------------------------------------------------------

    def _next(self) -> int:
        return next(self._counter)

    def new_ts(self) -> str:
        return f"{int(time.time())}.{self._next():06d}"

    def new_trigger_id(self, user_id: str) -> str:
        trigger_id = f"{self._next()}.{int(time.time())}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(user_id)
        return trigger_id

    def new_response_token(self, user_id: str, channel_id: str, message_ts: str | None) -> str:
        token = f"{TEAM_ID}/{self._next()}/{secrets.token_urlsafe(12)}"
        self.response_urls[token] = ResponseUrl(user_id, channel_id, message_ts)
        return token

    @staticmethod
    def dm_channel_for(user_id: str) -> str:
        """The bot's DM with a user: stable per user (U0ALICE -> D0ALICE)."""
        return "D" + user_id[1:]

    def resolve_channel(self, channel: str) -> str:
        """chat.postMessage to a user id lands in the bot's DM with that user, as in Slack."""
        return self.dm_channel_for(channel) if channel.startswith(("U", "W")) else channel

    def user_of_dm(self, channel: str) -> str | None:
        return next((uid for uid in self.members if self.dm_channel_for(uid) == channel), None)

    # ---- users -------------------------------------------------------------------------------

    def add_user(self, user_id: str, *, email: str | None, name: str, tz: str = "UTC",
                 real_name: str | None = None, is_bot: bool = False, deleted: bool = False,
                 locale: str = "en-US") -> dict:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        real = real_name or name
        self.members.add(user_id)
        self.users[user_id] = {
            "id": user_id, "team_id": TEAM_ID, "name": name, "real_name": real, "deleted": deleted,
            "is_bot": is_bot, "is_admin": False, "tz": tz, "tz_label": tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0, "locale": locale,
            "profile": {"email": email, "real_name": real, "display_name": name, "team": TEAM_ID,
                        **({"bot_id": BOT_ID} if is_bot else {})},
        }
        return self.users[user_id]

    def users_info(self, params: dict) -> dict:
        _require(params, "user")
        user = self.users.get(params["user"])
        if user is None:
            raise SlackError("user_not_found")
        if str(params.get("include_locale", "")).lower() not in ("1", "true"):
            # As Slack: the locale only when asked for.
            user = {k: v for k, v in user.items() if k != "locale"}
        return {"ok": True, "user": user}

    def auth_test(self, params: dict) -> dict:
        return {"ok": True, "url": f"https://{TEAM_DOMAIN}.slack.com/", "team": "KAM Test", "user": "kam",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def conversations_open(self, params: dict) -> dict:
        users = [u for u in (params.get("users") or "").split(",") if u]
        if params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            return {"ok": True, "channel": {"id": "G" + "".join(u[1:4] for u in users), "is_mpim": True}}
        if users[0] not in self.members:
            raise SlackError("user_not_found")
        return {"ok": True, "channel": {"id": self.dm_channel_for(users[0]), "is_im": True, "user": users[0]}}

    # ---- messages ----------------------------------------------------------------------------

    def _message(self, params: dict, ts: str) -> dict:
        if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
            raise SlackError("no_text")
        _check(checks.block_problems(params.get("blocks"), checks.MESSAGE_BLOCKS), "invalid_blocks")
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID, "team": TEAM_ID,
                   "text": params.get("text") or "", "ts": ts}
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                message[key] = params[key]
        return message

    def chat_postMessage(self, params: dict) -> dict:
        _require(params, "channel")
        channel = self.resolve_channel(params["channel"])
        if channel.startswith("D") and self.user_of_dm(channel) is None:
            raise SlackError("channel_not_found")
        message = self._message(params, self.new_ts())
        self.messages.setdefault(channel, {})[message["ts"]] = message
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def chat_postEphemeral(self, params: dict) -> dict:
        _require(params, "channel", "user")
        if params["user"] not in self.members:
            raise SlackError("user_not_in_channel")
        message = self._message(params, self.new_ts())
        self.ephemerals[message["ts"]] = {**message, "channel": self.resolve_channel(params["channel"]),
                                          "to_user": params["user"]}
        return {"ok": True, "message_ts": message["ts"]}

    def _stored(self, channel: str, ts: str) -> dict:
        message = self.messages.get(self.resolve_channel(channel), {}).get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def chat_update(self, params: dict) -> dict:
        _require(params, "channel", "ts")
        channel = self.resolve_channel(params["channel"])
        old = self._stored(channel, params["ts"])
        message = {**self._message(params, old["ts"]), "edited": {"user": BOT_USER_ID, "ts": self.new_ts()}}
        self.messages[channel][old["ts"]] = message
        return {"ok": True, "channel": channel, "ts": old["ts"], "text": message["text"], "message": message}

    def chat_delete(self, params: dict) -> dict:
        _require(params, "channel", "ts")
        channel = self.resolve_channel(params["channel"])
        self._stored(channel, params["ts"])
        del self.messages[channel][params["ts"]]
        return {"ok": True, "channel": channel, "ts": params["ts"]}

    def chat_getPermalink(self, params: dict) -> dict:
        _require(params, "channel", "message_ts")
        channel = self.resolve_channel(params["channel"])
        self._stored(channel, params["message_ts"])
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{params['message_ts'].replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    # ---- response_url ------------------------------------------------------------------------

    def respond(self, token: str, body: dict) -> tuple[int, str, str | None]:
        """A POST to a response_url. Slack answers plain text: `ok`, or an error word with 404/400.
        Also returns the ts of the message written (None when nothing was)."""
        target = self.response_urls.get(token)
        if target is None:
            return 404, "no_service", None
        if target.uses >= RESPONSE_URL_USES:
            return 404, "used_url", None
        target.uses += 1
        original = target.message_ts or ""
        if body.get("delete_original"):
            self.messages.get(target.channel_id, {}).pop(original, None)
            self.ephemerals.pop(original, None)
            return 200, "ok", None
        try:
            message = self._message(body, self.new_ts())
        except SlackError as error:
            return 400, error.error, None
        channel_messages = self.messages.setdefault(target.channel_id, {})
        if body.get("replace_original") and original in channel_messages:
            channel_messages[original] = {**message, "ts": original}
        elif body.get("replace_original") and original in self.ephemerals:
            self.ephemerals[original] = {**self.ephemerals[original], **message, "ts": original}
        elif body.get("response_type") == "in_channel":
            channel_messages[message["ts"]] = message
            return 200, "ok", message["ts"]
        else:
            self.ephemerals[message["ts"]] = {**message, "channel": target.channel_id, "to_user": target.user_id}
            return 200, "ok", message["ts"]
        return 200, "ok", original

    # ---- views -------------------------------------------------------------------------------

    def _use_trigger(self, params: dict) -> Trigger:
        _require(params, "trigger_id", "view")
        trigger = self.triggers.get(params["trigger_id"])
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("trigger_exchanged")
        trigger.used = True
        return trigger

    def _new_view(self, view: Any, user_id: str, *, root_view_id: str | None = None,
                  previous_view_id: str | None = None, view_id: str | None = None) -> dict:
        _check(checks.view_problems(view), "invalid_arguments")
        view_id = view_id or f"V{self._next():010d}"
        stored = {
            "id": view_id, "team_id": TEAM_ID, "type": view["type"], "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"), "close": view.get("close"), "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close")), "notify_on_close": bool(view.get("notify_on_close")),
            "external_id": view.get("external_id", ""), "root_view_id": root_view_id or view_id,
            "previous_view_id": previous_view_id, "app_id": APP_ID, "bot_id": BOT_ID,
        }
        self.views[view_id] = stored
        self.view_owner[view_id] = user_id
        return stored

    def views_open(self, params: dict) -> dict:
        trigger = self._use_trigger(params)
        _view_of_type(params, "modal")
        view = self._new_view(params["view"], trigger.user_id)
        self.modal_stacks[trigger.user_id] = [view["id"]]
        return {"ok": True, "view": view}

    def views_push(self, params: dict) -> dict:
        trigger = self._use_trigger(params)
        _view_of_type(params, "modal")
        stack = self.modal_stacks.get(trigger.user_id) or []
        if not stack:
            raise SlackError("not_found", response_metadata={"messages": ["[ERROR] no open modal to push onto"]})
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view = self.push_view(trigger.user_id, params["view"])
        return {"ok": True, "view": view}

    def push_view(self, user_id: str, view: dict) -> dict:
        stack = self.modal_stacks.setdefault(user_id, [])
        stored = self._new_view(view, user_id, root_view_id=stack[0] if stack else None,
                                previous_view_id=stack[-1] if stack else None)
        stack.append(stored["id"])
        return stored

    def find_view(self, view_id: str | None, external_id: str | None) -> dict:
        if external_id:
            view = next((v for v in self.views.values() if v["external_id"] == external_id), None)
        else:
            view = self.views.get(view_id or "")
        if view is None:
            raise SlackError("not_found")
        return view

    def views_update(self, params: dict) -> dict:
        _require(params, "view")
        old = self.find_view(params.get("view_id"), params.get("external_id"))
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        return {"ok": True, "view": self.replace_view(old["id"], params["view"])}

    def replace_view(self, view_id: str, view: dict) -> dict:
        old = self.find_view(view_id, None)
        return self._new_view(view, self.view_owner[view_id], root_view_id=old["root_view_id"],
                              previous_view_id=old["previous_view_id"], view_id=view_id)

    def close_views(self, user_id: str, *, all_of_them: bool) -> None:
        """What Slack does after a view_submission ack: pop the top modal (or clear the stack)."""
        stack = self.modal_stacks.get(user_id) or []
        for view_id in stack if all_of_them else stack[-1:]:
            self.views.pop(view_id, None)
        del stack[0 if all_of_them else -1:]

    def views_publish(self, params: dict) -> dict:
        _require(params, "user_id", "view")
        if params["user_id"] not in self.members:
            raise SlackError("user_not_found")
        _view_of_type(params, "home")
        old = self.homes.get(params["user_id"])
        if old and params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        view = self._new_view(params["view"], params["user_id"], view_id=old["id"] if old else None)
        self.homes[params["user_id"]] = view
        return {"ok": True, "view": view}

    def method(self, name: str) -> Callable[[dict], dict] | None:
        return {
            "auth.test": self.auth_test, "users.info": self.users_info, "conversations.open": self.conversations_open,
            "chat.postMessage": self.chat_postMessage, "chat.postEphemeral": self.chat_postEphemeral,
            "chat.update": self.chat_update, "chat.delete": self.chat_delete, "chat.getPermalink": self.chat_getPermalink,
            "views.open": self.views_open, "views.push": self.views_push, "views.update": self.views_update,
            "views.publish": self.views_publish,
        }.get(name)
