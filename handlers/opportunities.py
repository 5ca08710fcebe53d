"""/kam opps: an account's open opportunities, and moving a deal's stage from a modal; `/kam opp new`
opens the new-deal form (its listeners, and the edit and close forms: handlers/opportunity_forms.py)."""

import logging

from pydantic import BaseModel
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.runtime import Runtime
from handlers.background import account_button, after_ack, later
from handlers.command_text import Command, Verb
from handlers.commands import Asked, Route
from handlers.confirm import deliver, retrying
from handlers.errors import Reply, friendly
from handlers.ids import ActionId, BlockId, CallbackId, id_and_version, numbered
from handlers.log_form import open_view
from handlers.render import Message
from handlers.render.common import text_message
from handlers.render.opportunities import moved_message, opportunities_message, stage_modal
from handlers.render.opportunity_forms import DealMeta, deal_modal
from handlers.resolve import resolve_account
from handlers.session import Kam, as_user
from kam_core.errors import InvalidInput
from kam_core.opportunities.editing import new_deal_form
from kam_core.opportunities.schemas import OpportunityView
from kam_core.opportunities.service import (
    account_opportunities,
    list_stages,
    move_stage,
    opportunity_detail,
    pipeline_of,
)
from templates import piece

log = logging.getLogger("kam.handlers")
FORMS = "slack/opportunity_forms.j2"
PRIVATE_METADATA_LIMIT = 3000  # Slack's limit on a view's private_metadata


class StageModalMeta(BaseModel):
    """What the stage modal carries between opening and submission."""

    opportunity_id: int
    # The version the rep saw in the list: a move after someone else's change is refused.
    version: int | None
    # Where the "Move stage" button was, so the confirmation lands there.
    channel_id: str | None = None
    # The list holding the button, refreshed after the move so its buttons carry the new version.
    response_url: str | None = None


def opportunities_for(kam: Kam, account_id: int) -> Message:
    listing = account_opportunities(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy,
                                    today=kam.today)
    return opportunities_message(listing.account_name, listing.deals,
                                 pipeline_of(listing.deals, reporting=kam.policy.reporting_currency))


def show_opportunities(kam: Kam, cmd: Command, asked: Asked) -> Message | None:
    """`/kam opps ACCOUNT` lists its open deals; `/kam opp new ACCOUNT` opens the new-deal form."""
    first, _, rest = cmd.account.partition(" ")
    if first.lower() == "new":
        return new_deal_command(kam, rest.strip(), asked)
    return opportunities_for(kam, resolve_account(kam, cmd.account, then=ActionId.show_opportunities, verb="opps"))


def new_deal_view(kam: Kam, account_id: int, meta: DealMeta) -> dict:
    """The new-deal form for the account (refused, saying who can, unless the user may add a deal there)."""
    return deal_modal(new_deal_form(kam.session, actor=kam.actor, account_id=account_id, policy=kam.policy), meta)


def new_deal_command(kam: Kam, query: str, asked: Asked) -> Message | None:
    account_id = resolve_account(kam, query, then=ActionId.new_opportunity, verb="opp new")
    view = new_deal_view(kam, account_id, DealMeta(account_id=account_id,
                                                   channel_id=asked.command.get("channel_id")))
    return None if open_view(asked.client, asked.command["trigger_id"], view) else text_message(
        piece(FORMS, "form_trouble"))


COMMANDS = (Route(Verb.opps, show_opportunities, read_only=True),)


def chosen_stage_id(view: dict) -> int:
    chosen = view["state"]["values"].get(BlockId.stage, {}).get(ActionId.stage_select, {}).get("selected_option")
    if not chosen:
        raise InvalidInput(field="stage", problem="choose_stage")
    return int(chosen["value"])


def confirm(client: WebClient, user_id: str, channel_id: str | None, message: Message,
            response_url: str | None = None) -> None:
    """Ephemeral in the channel of the button; a DM when that is unknown or refused; the button's
    response_url when Slack refuses both (the move is saved whatever happens here)."""
    ways = []
    if channel_id:
        ways.append(lambda: retrying(client.chat_postEphemeral, channel=channel_id, user=user_id,
                                     **message.as_kwargs()))
    ways.append(lambda: retrying(client.chat_postMessage, channel=user_id, **message.as_kwargs()))
    if response_url:
        ways.append(lambda: WebhookClient(response_url).send(response_type="ephemeral", replace_original=False,
                                                             **message.as_kwargs()))
    deliver(*ways)


def refresh_list(runtime: Runtime, client: WebClient, user_id: str, response_url: str, account_id: int) -> None:
    listing = as_user(runtime, user_id, client, lambda kam: opportunities_for(kam, account_id), read_only=True)
    answer = WebhookClient(response_url).send(replace_original=True, **listing.as_kwargs())
    if answer.status_code != 200:
        log.info("could not refresh the opportunity list (%s %s)", answer.status_code, answer.body)


def stage_modal_for(kam: Kam, body: dict) -> dict:
    """The move-stage modal for the deal whose button was pressed; it remembers where to confirm."""
    opportunity_id, version = id_and_version(body["actions"][0]["value"])
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    meta = StageModalMeta(opportunity_id=opportunity_id, version=version, channel_id=channel_id,
                          response_url=body.get("response_url"))
    opportunity = opportunity_detail(kam.session, actor=kam.actor, opportunity_id=opportunity_id,
                                     policy=kam.policy, today=kam.today)
    metadata = meta.model_dump_json()
    if len(metadata) > PRIVATE_METADATA_LIMIT:  # only a malformed payload's channel or URL is this long
        metadata = meta.model_copy(update={"channel_id": None, "response_url": None}).model_dump_json()
    return stage_modal(opportunity, list_stages(kam.session), metadata)


def register(app: App, runtime: Runtime) -> None:
    app.action(numbered(ActionId.show_opportunities))(account_button(runtime, opportunities_for))

    @app.action(numbered(ActionId.move_stage))
    @after_ack(runtime)
    def open_stage_modal(body: dict, respond, client: WebClient) -> None:
        view = as_user(runtime, body["user"]["id"], client, lambda kam: stage_modal_for(kam, body))
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as error:  # told on the list itself: the modal is what failed to open
            raise Reply(friendly(error)) from error

    @app.view(CallbackId.stage_modal)
    def submit_stage(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        user_id = body["user"]["id"]
        meta = StageModalMeta.model_validate_json(view["private_metadata"])

        def move(kam: Kam) -> OpportunityView:
            # Keyed by the view: the same modal submitted twice moves the deal once.
            return move_stage(kam.session, actor=kam.actor, opportunity_id=meta.opportunity_id,
                              stage_id=chosen_stage_id(view), expected_version=meta.version,
                              idempotency_key=f"view:{view['id']}", now=kam.now, policy=kam.policy)

        moved = as_user(runtime, user_id, client, move)
        ack()

        def tell_and_refresh() -> None:
            confirm(client, user_id, meta.channel_id, moved_message(moved), meta.response_url)
            if meta.response_url:
                refresh_list(runtime, client, user_id, meta.response_url, moved.account_id)

        later(runtime, body, client, tell_and_refresh)
