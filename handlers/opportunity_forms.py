"""The deal forms: a new deal (the card's New deal button; `/kam opp new` is in handlers/opportunities.py),
editing a deal and closing it won or lost (the Edit and Close buttons of /kam opps and of a confirmation),
and a deal's History.

A form with a problem stays open with each problem under its input (the error boundary puts them there by
the service's field names, handlers.ids.DealField). After a change made from /kam opps the list is redrawn,
so its buttons carry the deal's new version.
"""

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.background import after_ack, later
from handlers.ids import ActionId, CallbackId, DealField, id_and_version, numbered
from handlers.log_form import open_form
from handlers.opportunities import confirm, new_deal_view, refresh_list
from handlers.render import Message
from handlers.render.opportunities import LIST_ROW
from handlers.render.opportunity_forms import DealMeta, close_modal, deal_modal, history_message, saved_message
from handlers.session import Kam, as_user
from kam_core.opportunities.editing import (
    close_deal_form,
    close_opportunity,
    create_opportunity,
    edit_deal_form,
    update_opportunity,
)
from kam_core.opportunities.history import deal_history
from kam_core.opportunities.schemas import OpportunityView
from kam_core.timezones import zone


def _channel(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def _meta_for_button(body: dict, account_id: int = 0) -> DealMeta:
    """Where the button was: a row of /kam opps (redrawn after the change) or a message."""
    action = body["actions"][0]
    opportunity_id, version = id_and_version(action["value"])
    from_list = str(action.get("block_id") or "").startswith(LIST_ROW)
    return DealMeta(account_id=account_id, opportunity_id=opportunity_id, version=version, channel_id=_channel(body),
                    response_url=body.get("response_url") if from_list else None)


def form_values(view: dict) -> dict[str, Any]:
    """Each input of a deal or close form by its field: typed text, a chosen option's value or a date
    (None when empty)."""
    values = view["state"]["values"]
    found: dict[str, Any] = {}
    for field in DealField:
        state = values.get(field.value, {}).get(ActionId.deal_input)
        if state is None:
            continue
        if "selected_option" in state:
            chosen = state["selected_option"]
            found[field.value] = chosen["value"] if chosen else None
        elif "selected_date" in state:
            found[field.value] = state["selected_date"]
        else:
            found[field.value] = state.get("value")
    return found


def edit_view(kam: Kam, meta: DealMeta) -> dict:
    form = edit_deal_form(kam.session, actor=kam.actor, opportunity_id=meta.opportunity_id, policy=kam.policy,
                          today=kam.today)
    version = meta.version if meta.version is not None else form.deal.version
    return deal_modal(form, meta.model_copy(update={"account_id": form.account_id, "version": version}))


def close_view(kam: Kam, meta: DealMeta) -> dict:
    form = close_deal_form(kam.session, actor=kam.actor, opportunity_id=meta.opportunity_id, policy=kam.policy,
                           today=kam.today)
    version = meta.version if meta.version is not None else form.deal.version
    return close_modal(form, meta.model_copy(update={"account_id": form.deal.account_id, "version": version}))


def save_deal(kam: Kam, meta: DealMeta, values: dict[str, Any], key: str) -> OpportunityView:
    """A new deal (keyed by the form: submitted twice, it is made once), or the edit of one."""
    fields = {name: values.get(name) for name in ("name", "product_id", "lever", "amount", "currency",
                                                  "expected_close_date", "probability", "next_step")}
    if meta.opportunity_id is None:
        return create_opportunity(kam.session, actor=kam.actor, account_id=meta.account_id,
                                  stage_id=values.get("stage_id"), **fields, idempotency_key=key, now=kam.now,
                                  today=kam.today, policy=kam.policy)
    if values.get("stage_id"):  # a closed deal's form may leave the stage as it is
        fields["stage_id"] = values["stage_id"]
    return update_opportunity(kam.session, actor=kam.actor, opportunity_id=meta.opportunity_id,
                              expected_version=meta.version, **fields, now=kam.now, today=kam.today,
                              policy=kam.policy)


def close_deal(kam: Kam, meta: DealMeta, values: dict[str, Any]) -> OpportunityView:
    return close_opportunity(kam.session, actor=kam.actor, opportunity_id=meta.opportunity_id,
                             expected_version=meta.version, outcome=values.get("outcome") or "",
                             lost_reason_id=values.get("lost_reason_id"), lost_note=values.get("lost_note"),
                             now=kam.now, today=kam.today, policy=kam.policy)


def history_for(kam: Kam, opportunity_id: int) -> Message:
    history = deal_history(kam.session, actor=kam.actor, opportunity_id=opportunity_id, policy=kam.policy,
                           today=kam.today)
    return history_message(history, zone(kam.person.timezone, kam.default_timezone))


def register(app: App, runtime: Runtime) -> None:
    register_openers(app, runtime)
    register_submissions(app, runtime)


def register_openers(app: App, runtime: Runtime) -> None:
    """The buttons: New deal (the card, an account candidate), Edit, Close, History. A form that cannot
    be opened for this user (not allowed, not found) is a modal saying why."""

    @app.action(numbered(ActionId.new_opportunity))
    @after_ack(runtime)
    def new_deal(body: dict, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        meta = DealMeta(account_id=account_id, channel_id=_channel(body))
        open_form(runtime, client, body["user"]["id"], body["trigger_id"],
                  lambda kam: new_deal_view(kam, account_id, meta))

    @app.action(numbered(ActionId.edit_opportunity))
    @after_ack(runtime)
    def edit(body: dict, client: WebClient) -> None:
        meta = _meta_for_button(body)
        open_form(runtime, client, body["user"]["id"], body["trigger_id"], lambda kam: edit_view(kam, meta))

    @app.action(numbered(ActionId.close_opportunity))
    @after_ack(runtime)
    def close(body: dict, client: WebClient) -> None:
        meta = _meta_for_button(body)
        open_form(runtime, client, body["user"]["id"], body["trigger_id"], lambda kam: close_view(kam, meta))

    @app.action(numbered(ActionId.opportunity_history))
    @after_ack(runtime)
    def history(body: dict, respond, client: WebClient) -> None:
        opportunity_id = int(body["actions"][0]["value"])
        reply = as_user(runtime, body["user"]["id"], client, lambda kam: history_for(kam, opportunity_id),
                        read_only=True)
        respond(replace_original=False, response_type="ephemeral", **reply.as_kwargs())


def register_submissions(app: App, runtime: Runtime) -> None:
    @app.view(CallbackId.deal_modal)
    def deal_submitted(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        meta = DealMeta.model_validate_json(view["private_metadata"])
        values = form_values(view)
        saved = as_user(runtime, body["user"]["id"], client,
                        lambda kam: save_deal(kam, meta, values, f"view:{view['id']}"))
        ack()
        after_saving(runtime, body, client, meta, saved_message(
            saved, action="created" if meta.opportunity_id is None else "changed"), saved.account_id)

    @app.view(CallbackId.close_modal)
    def close_submitted(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        meta = DealMeta.model_validate_json(view["private_metadata"])
        values = form_values(view)
        saved = as_user(runtime, body["user"]["id"], client, lambda kam: close_deal(kam, meta, values))
        ack()
        after_saving(runtime, body, client, meta, saved_message(saved, action="closed"), saved.account_id)


def after_saving(runtime: Runtime, body: dict, client: WebClient, meta: DealMeta, message: Message,
                 account_id: int) -> None:
    """Confirm where the button was; redraw the list it was on."""
    user_id = body["user"]["id"]

    def tell_and_refresh() -> None:
        confirm(client, user_id, meta.channel_id, message, meta.response_url)
        if meta.response_url:
            refresh_list(runtime, client, user_id, meta.response_url, account_id)

    later(runtime, body, client, tell_and_refresh)
