"""The log modal: opened from `/kam log`, the card's button, the global shortcut, the "Log to account"
message shortcut and a note's "Change account"; rebuilt when the account is chosen; submitted.

A form with a problem stays open with each problem under its input (the error boundary puts them
there by the service's field names), so what the rep typed is never lost.
"""

import logging
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from handlers.background import after_ack, later
from handlers.confirm import tell
from handlers.errors import reply_for
from handlers.fallback import notice_modal
from handlers.ids import ActionId, BlockId, CallbackId, numbered
from handlers.note_text import Draft, parse_note
from handlers.render.notes import ModalMeta, account_options, log_modal, saved_message
from handlers.session import Kam, as_user
from kam_core.accounts.access import search_visible
from kam_core.accounts.resolver.resolve import Outcome
from kam_core.enums import InteractionKind, Source
from kam_core.interactions.dates import moment_on
from kam_core.interactions.schemas import InteractionView
from kam_core.interactions.service import check_log, log_interaction, log_target
from templates import piece

log = logging.getLogger("kam.handlers.log_form")


def form_for(kam: Kam, *, account_id: int | None = None, query: str = "", notes: str = "",
             next_step: str | None = None, follow_up_on: date | None = None,
             meta: ModalMeta | None = None, kind: InteractionKind = InteractionKind.note) -> dict:
    """The log form, with the account preselected when it is known or the query names one clearly."""
    if account_id is None and query:
        result = search_visible(kam.session, actor=kam.actor, policy=kam.policy, query=query)
        account_id = result.best.account_id if result.outcome == Outcome.match else None
    target = log_target(kam.session, actor=kam.actor, policy=kam.policy, account_id=account_id) \
        if account_id else None
    return log_modal(today=kam.today, meta=meta or ModalMeta(), target=target, notes=notes, next_step=next_step,
                     follow_up_on=follow_up_on, kind=kind)


def form_for_account_choice(kam: Kam, view: dict, account_id: int) -> dict:
    """The open form rebuilt for the account just chosen (its contacts), keeping what was typed."""
    form = LogForm.from_view(view)
    target = log_target(kam.session, actor=kam.actor, policy=kam.policy, account_id=account_id)
    return log_modal(today=kam.today, meta=ModalMeta.decode(view.get("private_metadata")), target=target,
                     notes=form.notes, next_step=form.next_step, follow_up_on=form.follow_up_on, kind=form.kind,
                     occurred_on=form.occurred_on)


def form_from_draft(kam: Kam, draft: Draft) -> dict:
    note = parse_note(draft.text, kam.today, kam.locale)
    return form_for(kam, account_id=draft.account_id, notes=draft.text, next_step=note.next_step,
                    follow_up_on=note.due_on, meta=ModalMeta(source=draft.source, key=draft.key), kind=draft.kind)


def open_view(client: WebClient, trigger_id: str, view: dict) -> bool:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False


def open_form(runtime: Runtime, client: WebClient, user_id: str, trigger_id: str,
              build: Callable[[Kam], dict]) -> None:
    """Open the log form; when it cannot be built (not linked, no access...) a modal says why, in
    the place the form would have opened."""
    try:
        view = as_user(runtime, user_id, client, build)
    except Exception as error:  # noqa: BLE001 - any failure is told, in a modal: see the docstring
        view = notice_modal(reply_for(error))
    open_view(client, trigger_id, view)


class LogForm(BaseModel):
    """The log modal's inputs, as submitted."""

    account_id: int | None
    kind: InteractionKind
    occurred_on: date | None
    contact_ids: list[int]
    notes: str
    next_step: str | None
    follow_up_on: date | None

    @classmethod
    def from_view(cls, view: dict) -> "LogForm":
        values = view["state"]["values"]

        def field(block: BlockId, action: ActionId) -> dict:
            return values.get(block, {}).get(action) or {}

        account = field(BlockId.account, ActionId.account_select).get("selected_option")
        kind = field(BlockId.kind, ActionId.kind_select).get("selected_option")
        contacts = field(BlockId.contacts, ActionId.contacts_select).get("selected_options") or []
        return cls(
            account_id=int(account["value"]) if account else None,
            kind=InteractionKind(kind["value"]) if kind else InteractionKind.note,
            occurred_on=field(BlockId.occurred_on, ActionId.occurred_on_pick).get("selected_date"),
            contact_ids=[int(option["value"]) for option in contacts],
            notes=(field(BlockId.notes, ActionId.notes_input).get("value") or "").strip(),
            next_step=(field(BlockId.next_step, ActionId.next_step_input).get("value") or "").strip() or None,
            follow_up_on=field(BlockId.follow_up_on, ActionId.follow_up_pick).get("selected_date"),
        )


def submit_form(kam: Kam, form: LogForm, meta: ModalMeta, key: str) -> InteractionView:
    """Every problem of the form at once (kam_core's rules), else the note saved."""
    check_log(account_id=form.account_id, text=form.notes, occurred_on=form.occurred_on,
              follow_up_on=form.follow_up_on, next_step=form.next_step, today=kam.today)
    occurred_at = moment_on(form.occurred_on or kam.today, today=kam.today, now=kam.now, zone=kam.person.timezone,
                            default=kam.default_timezone)
    return log_interaction(
        kam.session, actor=kam.actor, policy=kam.policy, account_id=form.account_id, text=form.notes,
        kind=form.kind, occurred_at=occurred_at, next_step=form.next_step, follow_up_on=form.follow_up_on,
        contact_ids=form.contact_ids, permalink=meta.permalink, source=meta.source, idempotency_key=key,
        now=kam.now, today=kam.today, follow_up_title=piece("slack/notes.j2", "follow_up_title", kind=form.kind))


def register(app: App, runtime: Runtime) -> None:
    register_openers(app, runtime)
    register_form(app, runtime)


def register_openers(app: App, runtime: Runtime) -> None:
    """Every way to open the form: the card's button, the two shortcuts, a note's Change account."""

    @app.action(numbered(ActionId.log_interaction))
    @after_ack(runtime)
    def card_button(body: dict, client: WebClient) -> None:
        account_id = int(body["actions"][0]["value"])
        open_form(runtime, client, body["user"]["id"], body["trigger_id"],
                  lambda kam: form_for(kam, account_id=account_id))

    @app.shortcut(CallbackId.log_shortcut)
    @after_ack(runtime)
    def global_shortcut(body: dict, client: WebClient) -> None:
        open_form(runtime, client, body["user"]["id"], body["trigger_id"], lambda kam: form_for(kam))

    @app.shortcut(CallbackId.log_message_shortcut)
    @after_ack(runtime)
    def message_shortcut(body: dict, client: WebClient) -> None:
        message = body.get("message") or {}
        permalink = _permalink(client, (body.get("channel") or {}).get("id"), message.get("ts"))
        meta = ModalMeta(source=Source.message_shortcut, permalink=permalink)

        def build(kam: Kam) -> dict:
            note = parse_note(message.get("text") or "", kam.today, kam.locale)
            return form_for(kam, notes=note.text, next_step=note.next_step, follow_up_on=note.due_on, meta=meta)

        open_form(runtime, client, body["user"]["id"], body["trigger_id"], build)

    @app.action(ActionId.change_account)
    @after_ack(runtime)
    def change_account(body: dict, client: WebClient) -> None:
        draft = Draft.decode(body["actions"][0].get("value") or "")
        if draft is not None:
            open_form(runtime, client, body["user"]["id"], body["trigger_id"],
                      lambda kam: form_from_draft(kam, draft))



def register_form(app: App, runtime: Runtime) -> None:
    """The open form: the account chosen (its contacts shown), suggestions as the rep types, submitted."""

    @app.action(ActionId.account_select)
    @after_ack(runtime)
    def account_chosen(body: dict, client: WebClient) -> None:
        chosen = body["actions"][0].get("selected_option")
        view = body.get("view") or {}
        if chosen and view.get("callback_id") == CallbackId.log_modal:
            rebuild_for_account(runtime, client, body["user"]["id"], view, int(chosen["value"]))

    @app.options(ActionId.account_select)
    def suggest_accounts(ack: Ack, body: dict, client: WebClient) -> None:
        ack(options=as_user(runtime, body["user"]["id"], client, lambda kam: account_options(search_visible(
            kam.session, actor=kam.actor, policy=kam.policy, query=body.get("value") or "", limit=10)),
            read_only=True))

    @app.view(CallbackId.log_modal)
    def submitted(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        user_id = body["user"]["id"]
        meta = ModalMeta.decode(view.get("private_metadata"))
        form = LogForm.from_view(view)
        saved = as_user(runtime, user_id, client, lambda kam: submit_form(kam, form, meta, meta.key or
                                                                             f"view:{view['id']}"))
        ack()
        later(runtime, body, client, lambda: tell(client, user_id, saved_message(saved)))


def rebuild_for_account(runtime: Runtime, client: WebClient, user_id: str, view: dict, account_id: int) -> None:
    """Show the chosen account's contacts in the open form: the contacts follow the account. When that
    cannot be done the form stays as it is, and still works: submitting it says what is wrong."""
    try:
        rebuilt = as_user(runtime, user_id, client, lambda kam: form_for_account_choice(kam, view, account_id))
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=rebuilt)
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            # The rep typed on since the choice: Slack keeps what is typed in inputs that stay, so the
            # contacts are replaced anyway rather than left those of the account no longer chosen.
            client.views_update(view_id=view["id"], view=rebuilt)
    except SlackApiError as error:
        log.info("log form not updated: %s", error.response.get("error"))
    except Exception:  # noqa: BLE001 - see the docstring: no second message over an open form
        log.info("log form not rebuilt for account %s", account_id, exc_info=True)


def _permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError as error:
        log.info("no permalink for %s/%s: %s", channel, ts, error.response.get("error"))
        return None
