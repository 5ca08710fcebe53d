"""SlackDriver: plays Slack's side towards the bot. It builds the payloads a user's action would make
Slack send, delivers them (signed HTTP POSTs to the bot's endpoint, or Socket Mode envelopes over
FakeSlack's WebSocket: see transports.py), and reads back what the bot said to that user (acks plus
the calls FakeSlack recorded), for tests and the `kam chat` terminal.
"""

import time
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from bot.emulator import payloads, signing
from bot.emulator.transports import FORM, JSON, HttpTransport, Response, Signature, SocketTransport
from bot.emulator.web_api import RESPONSE_URL, Call, FakeSlack

__all__ = ["FORM", "JSON", "Mark", "Reply", "Response", "Signature", "SlackDriver"]
STALE_SECONDS = signing.STALE_AFTER_SECONDS + 60


class Reply(BaseModel):
    """One thing the bot showed a user, in a form a terminal can print."""

    kind: Literal["ack", "response_url", "message", "message_update", "ephemeral",
                  "view_open", "view_update", "view_push", "home"]
    user_id: str | None = None
    channel: str | None = None
    ts: str | None = None
    text: str | None = None
    blocks: list[dict] | None = None
    view: dict | None = None
    response_type: str | None = None  # ephemeral / in_channel (acks and response_url posts)
    replace_original: bool = False
    delete_original: bool = False
    errors: dict[str, str] | None = None  # a view_submission answered with response_action=errors


@dataclass(frozen=True)
class Mark:
    """A point in the conversation; see SlackDriver.replies_since."""

    calls: int
    acks: int


class SlackDriver:
    """`SlackDriver(bot_url, signing_secret, slack)` speaks HTTP; `SlackDriver.over_socket(slack)` speaks
    Socket Mode to a bot connected to that FakeSlack. Every user action works the same over both."""

    def __init__(self, bot_url: str, signing_secret: str, slack: FakeSlack, *, timeout: float = 10.0,
                 transport: SocketTransport | None = None):
        self.slack = slack
        self.transport: HttpTransport | SocketTransport = transport or HttpTransport(bot_url, signing_secret, timeout)
        self._acks: list[tuple[int, Reply]] = []  # (calls recorded before the request was sent, reply)
        self._channels: dict[str, set[str]] = {}  # channels each user acted in, to attribute channel posts

    @classmethod
    def over_socket(cls, slack: FakeSlack, *, timeout: float = 10.0) -> "SlackDriver":
        return cls("", "", slack, transport=SocketTransport(slack, timeout))

    # ---- sending -----------------------------------------------------------------------------

    def raw(self, body: str | bytes, headers: dict[str, str] | None = None, *, content_type: str = FORM,
            signature: Signature = "valid", timestamp: int | None = None) -> Response:
        """Post any body over HTTP. signature="wrong" signs with another secret, "none" omits both headers;
        `timestamp` overrides the signed X-Slack-Request-Timestamp (e.g. stale_timestamp())."""
        if not isinstance(self.transport, HttpTransport):
            raise RuntimeError("raw() posts HTTP bodies; this driver speaks Socket Mode")
        return self.transport.post(body, headers, content_type=content_type, signature=signature, timestamp=timestamp)

    @staticmethod
    def stale_timestamp() -> int:
        """A request timestamp older than the 5 minutes Slack apps must accept."""
        return int(time.time()) - STALE_SECONDS

    def _acting(self, user_id: str, channel_id: str | None = None) -> None:
        self.slack.add_member(user_id)
        if channel_id:
            self._channels.setdefault(user_id, set()).add(channel_id)

    def _interactive(self, payload: dict) -> Response:
        return self.transport.interactive(payload)

    # ---- what a user does --------------------------------------------------------------------

    def slash_command(self, user_id: str, text: str, command: str = "/kam", channel_id: str = "C0GENERAL",
                      channel_name: str = "general") -> Response:
        self._acting(user_id, channel_id)
        fields = payloads.slash_command(
            user_id=user_id, text=text, command=command, channel_id=channel_id, channel_name=channel_name,
            response_url=self.slack.response_url_for(user_id, channel_id),
            trigger_id=self.slack.new_trigger_id(user_id))
        before = self.slack.mark()
        response = self.transport.command(fields)
        self._record_slash_ack(before, user_id, channel_id, response)
        return response

    def block_action(self, user_id: str, action_id: str, value: Any = None, block_id: str | None = None, *,
                     view: dict | str | None = None, message: dict | Reply | None = None,
                     channel_id: str | None = None, values: dict[str, dict[str, Any]] | None = None) -> Response:
        """A click or choice in a message (pass `message`, e.g. a Reply or slack.message(...)) or in a
        view (pass `view` or its id; `values` fills the view's inputs). Buttons default to their value."""
        if view is not None:
            view = self._view(view)
            self._acting(user_id)
            state = payloads.state_values(view, values)
            payload = payloads.block_actions(
                user_id=user_id, action=payloads.action(view["blocks"], action_id, value, block_id),
                trigger_id=self.slack.new_trigger_id(user_id), container={"type": "view", "view_id": view["id"]},
                view=view, state=state)
            return self._interactive(payload)
        if message is None:
            raise ValueError("block_action needs the message or the view holding the element")
        if isinstance(message, Reply):
            channel_id = channel_id or message.channel
            message = self.slack.message(channel_id or "", message.ts or "") or {
                "type": "message", "text": message.text or "", "blocks": message.blocks or [], "ts": message.ts}
        channel_id = channel_id or message.get("channel")
        if not channel_id or not message.get("ts"):
            raise ValueError("block_action on a message needs its channel_id and ts")
        self._acting(user_id, channel_id)
        ephemeral = "to_user" in (self.slack.message(channel_id, message["ts"]) or {})
        payload = payloads.block_actions(
            user_id=user_id, action=payloads.action(message.get("blocks") or [], action_id, value, block_id),
            trigger_id=self.slack.new_trigger_id(user_id),
            container={"type": "message", "message_ts": message["ts"], "channel_id": channel_id,
                       "is_ephemeral": ephemeral},
            channel={"id": channel_id, "name": channel_id.lower()},
            message=None if ephemeral else {k: v for k, v in message.items() if k not in ("channel", "to_user")},
            response_url=self.slack.response_url_for(user_id, channel_id, message["ts"]))
        return self._interactive(payload)

    def view_submission(self, user_id: str, view: dict | str, values: dict[str, dict[str, Any]] | None = None
                        ) -> Response:
        """Submit a modal (the dict views.open returned, or its id) with inputs {block_id: {action_id: value}};
        values: str for text inputs, option value (or option dict) for selects and radios, list for
        multi-selects and checkboxes, "YYYY-MM-DD" or date for datepickers (anything else raises ValueError:
        Slack's date picker cannot send it). Then applies the ack's
        response_action to the fake's modal stack, as Slack would."""
        view = self._view(view)
        self._acting(user_id)
        payload = payloads.view_submission(user_id=user_id, view=view, state=payloads.state_values(view, values),
                                           trigger_id=self.slack.new_trigger_id(user_id))
        before = self.slack.mark()
        response = self._interactive(payload)
        if response.status == 200:
            self._apply_response_action(before, user_id, view, response.json or {})
        return response

    def view_closed(self, user_id: str, view: dict | str) -> Response:
        view = self._view(view)
        self._acting(user_id)
        response = self._interactive(payloads.view_closed(user_id=user_id, view=view))
        self.slack.close_views(user_id)
        return response

    def block_suggestion(self, user_id: str, action_id: str, value: str, block_id: str | None = None,
                         view: dict | str | None = None) -> Response:
        """Typing into an external_select; the options JSON the bot answers is in `.json`."""
        view = self._view(view) if view is not None else None
        if block_id is None:
            found = payloads.find_element(view["blocks"], action_id) if view else None
            block_id = found[0] if found else action_id
        self._acting(user_id)
        return self._interactive(payloads.block_suggestion(user_id=user_id, action_id=action_id,
                                                           block_id=block_id, value=value, view=view))

    def shortcut(self, user_id: str, callback_id: str) -> Response:
        """A global shortcut (from the lightning menu)."""
        self._acting(user_id)
        return self._interactive(payloads.global_shortcut(user_id=user_id, callback_id=callback_id,
                                                          trigger_id=self.slack.new_trigger_id(user_id)))

    def message_action(self, user_id: str, callback_id: str, text: str, channel_id: str = "C0GENERAL",
                       ts: str | None = None, author_id: str | None = None) -> Response:
        """A message shortcut on a message `text` (by `author_id`, default the acting user)."""
        self._acting(user_id, channel_id)
        message = {"type": "message", "user": author_id or user_id, "text": text, "ts": ts or payloads._now_ts()}
        payload = payloads.message_shortcut(
            user_id=user_id, callback_id=callback_id, trigger_id=self.slack.new_trigger_id(user_id),
            channel={"id": channel_id, "name": channel_id.lower()}, message=message,
            response_url=self.slack.response_url_for(user_id, channel_id))
        return self._interactive(payload)

    def event(self, event: dict, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str = "http_timeout") -> Response:
        """An Events API delivery; retry_num marks it as Slack's retry (X-Slack-Retry-Num / -Reason over HTTP,
        retry_attempt / retry_reason in Socket Mode)."""
        if event.get("user"):
            self._acting(event["user"], event.get("channel"))
        return self.transport.event(payloads.event_callback(event, event_id), retry_num, retry_reason)

    def app_home_opened(self, user_id: str, tab: str = "home") -> Response:
        return self.event(payloads.app_home_opened(user_id=user_id, channel=self.slack.dm_channel_for(user_id),
                                                   tab=tab, view=self.slack.home_of(user_id)))

    def message_im(self, user_id: str, text: str) -> Response:
        """The user writes to the bot in its DM (a message.im event)."""
        return self.event(payloads.message_im(user_id=user_id, text=text, channel=self.slack.dm_channel_for(user_id)))

    # ---- what the bot said back ---------------------------------------------------------------

    def mark(self) -> Mark:
        return Mark(calls=self.slack.mark(), acks=len(self._acks))

    def replies_since(self, mark: Mark, user_id: str | None = None) -> list[Reply]:
        """What the bot showed `user_id` (everyone when None) since `mark`, in order: acks first, then
        successful response_url posts, messages, ephemerals and views. Does not wait: pair it with
        slack.wait_for(...) for replies the bot sends after acking."""
        calls = self.slack.calls[mark.calls:]
        acks = self._acks[mark.acks:]
        replies: list[Reply] = []
        for offset, call in enumerate(calls):
            while acks and acks[0][0] <= mark.calls + offset:
                replies.append(acks.pop(0)[1])
            reply = self._reply_for(call)
            if reply is not None:
                replies.append(reply)
        replies.extend(reply for _, reply in acks)
        return [r for r in replies if user_id is None or r.user_id == user_id or self._saw(user_id, r)]

    def _saw(self, user_id: str, reply: Reply) -> bool:
        return reply.kind in ("message", "message_update") and reply.channel in self._channels.get(user_id, set())

    def _reply_for(self, call: Call) -> Reply | None:
        if not call.ok:
            return None
        params, answer, slack = call.params, call.response, self.slack
        message = {"text": params.get("text"), "blocks": params.get("blocks")}
        if call.method == RESPONSE_URL:
            target = slack.response_target(params["response_url_token"])
            return Reply(kind="response_url", user_id=target.user_id, channel=target.channel_id, ts=call.ts,
                         response_type=params.get("response_type", "ephemeral"),
                         replace_original=bool(params.get("replace_original")),
                         delete_original=bool(params.get("delete_original")), **message)
        if call.method in ("chat.postMessage", "chat.update"):
            kind = "message" if call.method == "chat.postMessage" else "message_update"
            return Reply(kind=kind, user_id=slack.user_of_dm(answer["channel"]), channel=answer["channel"],
                         ts=answer["ts"], **message)
        if call.method == "chat.postEphemeral":
            return Reply(kind="ephemeral", user_id=params["user"], channel=params["channel"],
                         ts=answer["message_ts"], **message)
        views = {"views.open": "view_open", "views.push": "view_push", "views.update": "view_update",
                 "views.publish": "home"}
        if call.method in views:
            view = answer["view"]
            return Reply(kind=views[call.method], user_id=slack.owner_of_view(view["id"]), view=view,
                         blocks=view.get("blocks"))
        return None

    def _record_slash_ack(self, before: int, user_id: str, channel_id: str, response: Response) -> None:
        """Slack shows a slash command's ack body to the user: plain text, or a message as JSON."""
        if response.status != 200 or not response.body:
            return
        body = response.json if isinstance(response.json, dict) else {"text": response.body}
        if body.get("text") or body.get("blocks"):
            # Slack gives the ephemeral message a ts of its own; buttons on it refer to it.
            self._acks.append((before, Reply(kind="ack", user_id=user_id, channel=channel_id,
                                             ts=f"{time.time():.6f}", text=body.get("text"), blocks=body.get("blocks"),
                                             response_type=body.get("response_type", "ephemeral"))))

    def _apply_response_action(self, before: int, user_id: str, view: dict, body: dict) -> None:
        action = body.get("response_action")
        if action == "errors":
            self._acks.append((before, Reply(kind="ack", user_id=user_id, errors=body.get("errors"))))
        elif action == "update":
            updated = self.slack.replace_view(view["id"], body["view"])
            self._acks.append((before, Reply(kind="view_update", user_id=user_id, view=updated,
                                             blocks=updated["blocks"])))
        elif action == "push":
            pushed = self.slack.push_view(user_id, body["view"])
            self._acks.append((before, Reply(kind="view_push", user_id=user_id, view=pushed,
                                             blocks=pushed["blocks"])))
        else:
            self.slack.close_views(user_id, all_of_them=action == "clear")

    def _view(self, view: dict | str) -> dict:
        if isinstance(view, str):
            found = self.slack.view(view)
            if found is None:
                raise ValueError(f"no open view {view!r} in FakeSlack")
            return found
        return view
