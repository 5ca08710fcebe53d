"""The App Home tab: published on app_home_opened, re-published after Done / Snooze on a follow-up
(the same buttons in a reminder DM re-draw that DM instead: handlers/reminders.py)."""

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from handlers.background import after_ack
from handlers.errors import reply_for, told
from handlers.ids import ActionId, id_and_version, numbered
from handlers.reminders import redraw_reminder
from handlers.render.home import home_view, problem_view
from handlers.session import Kam, as_user
from kam_core.accounts.home import home_summary
from kam_core.interactions.service import complete_follow_up, snooze_follow_up
from templates import piece

log = logging.getLogger("kam.handlers.home")
T = "slack/home.j2"
SNOOZE_DAYS = 1


def publish_home(runtime: Runtime, client: WebClient, user_id: str,
                 act: Callable[[Kam], str] | None = None) -> None:
    """Run `act` (its text, or why it failed, tops the Home), then publish the Home as it is now; a Home
    that cannot be built is published as the reason why."""
    notice = told(lambda: as_user(runtime, user_id, client, act)) if act is not None else None
    try:
        view = as_user(runtime, user_id, client, lambda kam: home_view(
            home_summary(kam.session, actor=kam.actor, policy=kam.policy, today=kam.today), notice=notice))
    except Exception as error:  # noqa: BLE001 - the Home itself is where the user looks: see the docstring
        view = problem_view(reply_for(error).text)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish failed for %s: %s", user_id, error.response.get("error"))


def done(kam: Kam, value: str) -> str:
    follow_up_id, version = id_and_version(value)
    follow_up = complete_follow_up(kam.session, actor=kam.actor, follow_up_id=follow_up_id,
                                   expected_version=version, now=kam.now)
    return piece(T, "notice_done", f=follow_up)


def snooze(kam: Kam, value: str) -> str:
    follow_up_id, version = id_and_version(value)
    follow_up = snooze_follow_up(kam.session, actor=kam.actor, follow_up_id=follow_up_id, days=SNOOZE_DAYS,
                                 now=kam.now, today=kam.today, expected_version=version)
    return piece(T, "notice_snoozed", f=follow_up)


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_home_opened")
    @after_ack(runtime)
    def home_opened(event: dict, client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(runtime, client, event["user"])

    @app.action(numbered(ActionId.complete_follow_up))
    @after_ack(runtime)
    def complete_clicked(body: dict, client: WebClient, respond) -> None:
        value = body["actions"][0]["value"]
        after_click(runtime, client, body, respond, lambda kam: done(kam, value))

    @app.action(numbered(ActionId.snooze_follow_up))
    @after_ack(runtime)
    def snooze_clicked(body: dict, client: WebClient, respond) -> None:
        value = body["actions"][0]["value"]
        after_click(runtime, client, body, respond, lambda kam: snooze(kam, value))


def after_click(runtime: Runtime, client: WebClient, body: dict, respond, act: Callable[[Kam], str]) -> None:
    """A click on the Home re-publishes the Home; one in a reminder DM re-draws that message."""
    if body.get("container", {}).get("type") == "message" and body.get("response_url"):
        redraw_reminder(runtime, client, respond, body["user"]["id"], act)
    else:
        publish_home(runtime, client, body["user"]["id"], act)
