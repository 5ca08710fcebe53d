"""The deal forms (new, edit, close) and a deal's history. Structure here, words in
templates/slack/opportunity_forms.j2. Each input's block is named after the service's field
(handlers.ids.DealField), so a problem shows under its input."""

from datetime import tzinfo
from decimal import Decimal

from pydantic import BaseModel

from handlers.ids import ActionId, CallbackId, DealField
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, actions, button, clip, context, header, section
from kam_core.enums import Lever
from kam_core.opportunities.editing import LOST_NOTE_LIMIT, NAME_LIMIT, NEXT_STEP_LIMIT
from kam_core.opportunities.schemas import (
    CloseForm,
    DealForm,
    DealHistory,
    DealOutcome,
    LostReasonView,
    OpportunityView,
    StageView,
)
from templates import piece

T = "slack/opportunity_forms.j2"
TITLE_LIMIT = 24
OPTION_TEXT_LIMIT = 75
MAX_OPTIONS = 100
PRIVATE_METADATA_LIMIT = 3000


class DealMeta(BaseModel):
    """What a deal form carries between opening and submission (its private_metadata)."""

    account_id: int
    opportunity_id: int | None = None  # None: a new deal
    version: int | None = None  # the version the editor saw
    channel_id: str | None = None  # where the button was, so the confirmation lands there
    response_url: str | None = None  # the list holding the button, redrawn after the change

    def encode(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > PRIVATE_METADATA_LIMIT:  # only a malformed payload's channel or URL is this long
            text = self.model_copy(update={"channel_id": None, "response_url": None}).model_dump_json(exclude_none=True)
        return text


def _plain(text: str, limit: int = 2000) -> dict:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _option(text: str, value: str) -> dict:
    return {"text": _plain(text, OPTION_TEXT_LIMIT), "value": value}


def _input(field: DealField, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": field.value, "label": _plain(piece(T, f"label_{field.value}")),
             "element": {**element, "action_id": ActionId.deal_input}, "optional": optional}
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(initial: str | None = None, *, max_length: int, multiline: bool = False,
                placeholder: str | None = None) -> dict:
    element = {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return element


def _select(options: list[dict], initial_value: str | None = None, placeholder: str | None = None) -> dict:
    element = {"type": "static_select", "options": options[:MAX_OPTIONS]}
    chosen = next((o for o in element["options"] if o["value"] == initial_value), None)
    if chosen:
        element["initial_option"] = chosen
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return element


def plain_amount(amount: Decimal) -> str:
    """50000, 1234.5: the amount as a rep would type it (no exponent, no trailing zeros)."""
    text = f"{Decimal(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _stage_option(stage: StageView) -> dict:
    return _option(piece(T, "stage_option", s=stage), str(stage.id))


def deal_modal(form: DealForm, meta: DealMeta) -> dict:
    """The new-deal form, or the edit form when `form.deal` is set (its fields filled in)."""
    deal = form.deal
    stages = form.stages
    stage_initial = str(deal.stage_id) if deal else (str(stages[0].id) if stages else None)
    blocks = [
        context(piece(T, "form_intro", form=form)),
        _input(DealField.name, _text_input(deal.name if deal else None, max_length=NAME_LIMIT,
                                           placeholder=piece(T, "placeholder_name"))),
    ]
    if form.products:
        blocks.append(_input(DealField.product_id, _select(
            [_option(p.name, str(p.id)) for p in form.products], str(deal.product_id) if deal and deal.product_id
            else None, piece(T, "placeholder_product")), optional=True))
    own = deal.own_probability if deal else None
    closed = deal is not None and not deal.is_open
    blocks += [
        _input(DealField.lever, _select([_option(piece(T, "lever", l=lever), lever.value) for lever in Lever],
                                        deal.lever.value if deal and deal.lever else None,
                                        piece(T, "placeholder_lever")), optional=True),
        _input(DealField.amount, _text_input(plain_amount(deal.amount) if deal else None, max_length=30,
                                             placeholder=piece(T, "placeholder_amount"))),
        _input(DealField.currency, _text_input(deal.currency if deal else form.currency, max_length=3)),
        _input(DealField.expected_close_date, {"type": "datepicker", **(
            {"initial_date": deal.expected_close_date.isoformat()} if deal and deal.expected_close_date else {})}),
        # A closed deal keeps its stage unless one is picked: picking an open stage reopens it.
        _input(DealField.stage_id, _select([_stage_option(s) for s in stages], stage_initial),
               optional=closed, hint=piece(T, "hint_reopen") if closed else None),
        _input(DealField.probability, _text_input(str(own) if own is not None else None, max_length=4),
               optional=True, hint=piece(T, "hint_probability")),
        _input(DealField.next_step, _text_input(deal.next_step if deal else None, max_length=NEXT_STEP_LIMIT,
                                                placeholder=piece(T, "placeholder_next_step")), optional=True),
    ]
    kind = "edit" if deal else "new"
    return {"type": "modal", "callback_id": CallbackId.deal_modal,
            "title": _plain(piece(T, f"{kind}_title"), TITLE_LIMIT),
            "submit": _plain(piece(T, f"{kind}_submit"), TITLE_LIMIT),
            "close": _plain(piece(T, "cancel"), TITLE_LIMIT), "private_metadata": meta.encode(), "blocks": blocks}


def _reason_option(reason: LostReasonView) -> dict:
    return _option(reason.name, str(reason.id))


def close_modal(form: CloseForm, meta: DealMeta) -> dict:
    """Won or lost; when lost, why (the active reasons) and the rep's own words."""
    outcomes = [_option(piece(T, "outcome", o=o), o.value) for o in DealOutcome]
    blocks = [section(piece(T, "close_intro", o=form.deal)),
              _input(DealField.outcome, _select(outcomes, placeholder=piece(T, "placeholder_outcome")))]
    if form.lost_reasons:
        blocks.append(_input(DealField.lost_reason_id, _select([_reason_option(r) for r in form.lost_reasons],
                                                               placeholder=piece(T, "placeholder_reason")),
                             optional=True, hint=piece(T, "hint_lost_reason")))
    blocks.append(_input(DealField.lost_note, _text_input(max_length=LOST_NOTE_LIMIT, multiline=True,
                                                          placeholder=piece(T, "placeholder_lost_note")),
                         optional=True))
    return {"type": "modal", "callback_id": CallbackId.close_modal, "title": _plain(piece(T, "close_title"), TITLE_LIMIT),
            "submit": _plain(piece(T, "close_submit"), TITLE_LIMIT), "close": _plain(piece(T, "cancel"), TITLE_LIMIT),
            "private_metadata": meta.encode(), "blocks": blocks}


def deal_buttons(deal: OpportunityView, n: int, *, move: bool = False) -> list[dict]:
    """Edit, Close (an open deal) and History for a deal the viewer may change (`move`: Move stage first)."""
    value = f"{deal.id}:{deal.version}"
    found = [button(piece(T, "move_button"), f"{ActionId.move_stage}:{n}", value)] if move and deal.is_open else []
    found.append(button(piece(T, "edit_button"), f"{ActionId.edit_opportunity}:{n}", value))
    if deal.is_open:
        found.append(button(piece(T, "close_button"), f"{ActionId.close_opportunity}:{n}", value))
    found.append(button(piece(T, "history_button"), f"{ActionId.opportunity_history}:{n}", str(deal.id)))
    return found


def saved_message(deal: OpportunityView, *, action: str) -> Message:
    """The confirmation (`action`: created, changed or closed), with the deal's buttons."""
    text = piece(T, f"saved_{action}", o=deal)
    return Message(text=text, blocks=[section(text), context(piece(T, "saved_facts", o=deal)),
                                      actions(*deal_buttons(deal, 0, move=True))])


def history_message(history: DealHistory, zone: tzinfo) -> Message:
    """The deal's changes, newest first; the oldest left out say how many."""
    deal = history.deal
    blocks = [header(piece(T, "history_title", o=deal)), section(piece(T, "history_intro", o=deal))]
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 1
    shown = history.entries[:room]
    if not shown:
        blocks.append(section(piece(T, "history_empty")))
    blocks += [section(piece(T, "history_entry", e=e, at=e.at.astimezone(zone), currency=deal.currency))
               for e in shown]
    if history.total > len(shown):
        blocks.append(context(piece(T, "history_more", count=history.total - len(shown))))
    return Message(text=piece(T, "history_notification", o=deal), blocks=blocks)
