import re
from datetime import date, timezone, tzinfo

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, actions, button, context, header, section
from handlers.render.plan_forms import Part, PlanRef
from kam_core.enums import Tier
from kam_core.plans.health import HealthReason
from kam_core.plans.schemas import ActionView, HistoryEntry, ObjectiveView, PlanHistoryView, PlanStatusView
from templates import piece, slack_escape

T = "slack/plan.j2"
H = "slack/plan_history.j2"
MAX_OBJECTIVES = 10
# A plan's typed texts (trends, priorities...) are shown clipped: the full text is in its modal.
PART_TEXT_SHOWN = 400
HISTORY_NOTES_SHOWN = 600
# Blocks kept free after the action rows: their "and N more" and the review/history buttons.
AFTER_ACTIONS = 2


def no_plan_message(account_id: int, account_name: str, *, key_account: bool, may_create: bool) -> Message:
    """Says the account has no plan; a "Create plan" button for whoever may write one."""
    text = piece(T, "no_plan", account_name=account_name, key=key_account)
    blocks = [section(text)]
    if may_create:
        blocks.append(actions(button(piece(T, "create_button"), ActionId.create_plan, str(account_id),
                                     style="primary")))
    return Message(text=text, blocks=blocks)


def plan_message(plan: PlanStatusView, *, today: date, viewer_id: int | None = None,
                 notice: str | None = None) -> Message:
    """Health and why, the plan's parts, objectives and open actions. For a viewer who may edit it:
    a modal button for each part and each objective, and Add buttons; Done and Edit on the actions
    they may change (an action's owner may, on their own); "Record review" for a reviewer; "History"
    for everyone."""
    ref = PlanRef(account_id=plan.account_id, plan_id=plan.plan_id)
    blocks = [header(piece(T, "title", plan=plan))]
    if notice:
        blocks.append(context(notice))
    blocks.append(section(piece(T, "summary", plan=plan, reasons=_escaped(plan.health.reasons), today=today)))
    parts = piece(T, "parts", plan=plan, key=plan.tier == Tier.key, limit=PART_TEXT_SHOWN)
    if parts or plan.may_edit:
        blocks.append(section(parts or piece(T, "no_parts")))
    if plan.may_edit:
        blocks.append(actions(*(button(piece(T, "part_button", part=part.value), f"{ActionId.edit_plan}:{n}",
                                       ref.with_item(part.value)) for n, part in enumerate(Part))))
    blocks += _objectives(plan, ref)
    blocks += _actions(plan, ref, today, viewer_id, room=MESSAGE_BLOCK_LIMIT - len(blocks) - 1 - AFTER_ACTIONS)
    footer = [button(piece(T, "review_button"), ActionId.record_review, ref.encode())] if plan.may_review else []
    footer.append(button(piece(T, "history_button"), ActionId.show_plan_history, ref.encode()))
    blocks.append(actions(*footer))
    return Message(text=piece(T, "notification", plan=plan), blocks=blocks)


def _objectives(plan: PlanStatusView, ref: PlanRef) -> list[dict]:
    if not plan.may_edit:
        return [section(piece(T, "objectives", plan=plan, limit=MAX_OBJECTIVES))]
    add = button(piece(T, "add_objective_button"), ActionId.add_objective, ref.encode())
    blocks = [section(piece(T, "objectives_heading", count=len(plan.objectives)), accessory=add)]
    blocks += [_objective_row(o, n, ref) for n, o in enumerate(plan.objectives[:MAX_OBJECTIVES])]
    if len(plan.objectives) > MAX_OBJECTIVES:
        blocks.append(context(piece(T, "more", count=len(plan.objectives) - MAX_OBJECTIVES)))
    return blocks


def _objective_row(objective: ObjectiveView, n: int, ref: PlanRef) -> dict:
    return section(piece(T, "objective", o=objective),
                   accessory=button(piece(T, "update_button"), f"{ActionId.edit_objective}:{n}",
                                    ref.with_item(objective.id)))


def _actions(plan: PlanStatusView, ref: PlanRef, today: date, viewer_id: int | None, *, room: int) -> list[dict]:
    """The open actions, overdue first, as many as `room` blocks hold (the heading not counted)."""
    heading = piece(T, "actions_heading", count=len(plan.actions), overdue=len(plan.overdue_actions))
    add = button(piece(T, "add_action_button"), ActionId.add_action, ref.encode()) if plan.may_edit else None
    blocks = [section(heading, accessory=add)]
    if not plan.actions:
        return blocks
    may_change = [plan.may_edit or (viewer_id is not None and viewer_id == a.owner_id) for a in plan.actions]
    per_row = 2 if any(may_change) else 1
    shown = plan.actions[:max(0, room // per_row)]
    for n, (action, changeable) in enumerate(zip(shown, may_change)):
        blocks += _action_row(action, n, today, ref, changeable=changeable)
    if len(plan.actions) > len(shown):
        blocks.append(context(piece(T, "more", count=len(plan.actions) - len(shown))))
    return blocks


def _action_row(action: ActionView, n: int, today: date, ref: PlanRef, *, changeable: bool) -> list[dict]:
    """The action; for whoever may change it (the plan's editors, the action's owner) Done and Edit."""
    text = piece(T, "action", a=action, today=today)
    if not changeable:
        return [section(text)]
    done = button(piece(T, "done_button"), f"{ActionId.complete_action}:{n}", f"{action.id}:{action.version}")
    edit = button(piece(T, "edit_action_button"), f"{ActionId.edit_action}:{n}",
                  ref.with_item(action.id, action.version))
    return [section(text), actions(done, edit)]


def history_message(history: PlanHistoryView, *, zone: tzinfo = timezone.utc,
                    max_rows: int = MESSAGE_BLOCK_LIMIT - 3) -> Message:
    """The plan's reviews and changes, newest first, one block each, timed in the reader's `zone`."""
    blocks = [header(piece(H, "title", h=history)), context(piece(H, "intro", h=history))]
    if not history.entries:
        blocks.append(section(piece(H, "empty")))
    shown = history.entries[:max_rows]
    blocks += [section(piece(H, "entry", e=_readable(e, zone), limit=HISTORY_NOTES_SHOWN)) for e in shown]
    if history.more or len(history.entries) > len(shown):
        blocks.append(context(piece(H, "more", shown=len(shown))))
    return Message(text=piece(H, "title", h=history), blocks=blocks)


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _readable(entry: HistoryEntry, zone: tzinfo) -> HistoryEntry:
    """The entry's moment in the reader's zone, and the days the audit stored as text made days again."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=timezone.utc)
    params = {k: date.fromisoformat(v) if isinstance(v, str) and ISO_DAY.match(v) else v
              for k, v in entry.params.items()}
    return entry.model_copy(update={"at": at.astimezone(zone), "params": params})


def _escaped(reasons: list[HealthReason]) -> list[HealthReason]:
    """Reason params can hold text people typed (an objective's description); plan_reasons.j2
    is shared with the CLI, so the escaping for mrkdwn happens here."""
    return [r.model_copy(update={"params": {k: slack_escape(v) if isinstance(v, str) else v
                                            for k, v in r.params.items()}}) for r in reasons]
