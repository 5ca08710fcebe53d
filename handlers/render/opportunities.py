from handlers.ids import ActionId, BlockId, CallbackId
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, actions, button, clip, context, header, section
from handlers.render.opportunity_forms import deal_buttons
from kam_core.opportunities.schemas import OpportunityView, PipelineTotals, StageView
from templates import piece

T = "slack/opportunities.j2"
# At most this many rows; fewer when their buttons (an actions block per deal) would pass Slack's 50 blocks.
MAX_ROWS = 40
MODAL_TEXT_LIMIT = 24
OPTION_TEXT_LIMIT = 75
MAX_OPTIONS = 100
# The block id of a row's buttons: a change made from them redraws the list (handlers.opportunity_forms).
LIST_ROW = "deal_row:"


def _row(o: OpportunityView, n: int) -> list[dict]:
    """The deal; for a viewer who may change it, Move stage beside it and Edit, Close, History below."""
    if not o.may_move:
        return [section(piece(T, "row", o=o))]
    move = button(piece(T, "move_button"), f"{ActionId.move_stage}:{n}", f"{o.id}:{o.version}")
    return [section(piece(T, "row", o=o), accessory=move),
            actions(*deal_buttons(o, n), block_id=f"{LIST_ROW}{o.id}")]


def opportunities_message(account_name: str, opportunities: list[OpportunityView],
                          totals: PipelineTotals) -> Message:
    """The account's open deals in the order given, as many as fit in one message; buttons on each the
    viewer may change, their sum in the reporting currency (`totals`), and a line up front saying who can
    change the others."""
    if not opportunities:
        text = piece(T, "no_deals", account_name=account_name)
        return Message(text=text, blocks=[section(text)])
    blocks = [header(piece(T, "title", account_name=account_name)),
              section(piece(T, "intro", count=len(opportunities), total=totals))]
    room = MESSAGE_BLOCK_LIMIT - len(blocks) - 2  # kept for "who can" and "and N more"
    rows: list[dict] = []
    listed: list[OpportunityView] = []
    for n, o in enumerate(opportunities[:MAX_ROWS]):
        row = _row(o, n)
        if len(row) > room:
            break
        rows += row
        room -= len(row)
        listed.append(o)
    unmovable = sum(not o.may_move for o in listed)
    if unmovable:
        blocks.append(context(piece(T, "who_can_move", unmovable=unmovable, total=len(listed))))
    blocks += rows
    shown = len(listed)
    if len(opportunities) > shown:
        blocks.append(context(piece(T, "more", count=len(opportunities) - shown, shown=shown)))
    return Message(text=piece(T, "notification", account_name=account_name, count=len(opportunities)), blocks=blocks)


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _option(stage: StageView) -> dict:
    return {"text": _plain(piece(T, "stage_option", s=stage), OPTION_TEXT_LIMIT), "value": str(stage.id)}


def stage_modal(opportunity: OpportunityView, stages: list[StageView], private_metadata: str) -> dict:
    """A modal choosing the deal's next stage; the current one is preselected. For a viewer who may
    not move the deal (a button from an older list) it says so and who can, with nothing to submit."""
    if not opportunity.may_move:
        return {
            "type": "modal",
            "callback_id": CallbackId.stage_modal,
            "title": _plain(piece(T, "modal_title"), MODAL_TEXT_LIMIT),
            "close": _plain(piece(T, "modal_close"), MODAL_TEXT_LIMIT),
            "private_metadata": private_metadata,
            "blocks": [section(piece(T, "modal_intro", o=opportunity)),
                       context(piece(T, "who_can_move", unmovable=1, total=1))],
        }
    options = [_option(s) for s in stages[:MAX_OPTIONS]]
    current = next((o for o, s in zip(options, stages) if s.id == opportunity.stage_id), None)
    select = {"type": "static_select", "action_id": ActionId.stage_select, "options": options}
    if current:
        select["initial_option"] = current
    return {
        "type": "modal",
        "callback_id": CallbackId.stage_modal,
        "title": _plain(piece(T, "modal_title"), MODAL_TEXT_LIMIT),
        "submit": _plain(piece(T, "modal_submit"), MODAL_TEXT_LIMIT),
        "close": _plain(piece(T, "modal_close"), MODAL_TEXT_LIMIT),
        "private_metadata": private_metadata,
        "blocks": [
            section(piece(T, "modal_intro", o=opportunity)),
            {"type": "input", "block_id": BlockId.stage, "label": _plain(piece(T, "stage_label"), 2000),
             "element": select},
        ],
    }


def moved_message(opportunity: OpportunityView) -> Message:
    text = piece(T, "moved", o=opportunity)
    return Message(text=text, blocks=[section(text)])
