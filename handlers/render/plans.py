from datetime import date

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import button, context, header, section
from kam_core.plans.health import HealthReason
from kam_core.plans.schemas import ActionView, PlanStatusView
from kam_core.plans.service import UPCOMING_DAYS
from templates import piece, slack_escape

T = "slack/plan.j2"
# header + summary + objectives + two headings + rows + two "and N more" stays under 50 blocks.
MAX_ACTION_ROWS = 40
MAX_OBJECTIVES = 10


def no_plan_message(account_name: str, *, key_account: bool) -> Message:
    text = piece(T, "no_plan", account_name=account_name, key=key_account)
    return Message(text=text, blocks=[section(text)])


def plan_message(plan: PlanStatusView, *, today: date) -> Message:
    """Health and why, objectives, then overdue and upcoming actions, each with a "Done" button."""
    blocks = [
        header(piece(T, "title", plan=plan)),
        section(piece(T, "summary", plan=plan, reasons=_escaped(plan.health.reasons), today=today)),
        section(piece(T, "objectives", plan=plan, limit=MAX_OBJECTIVES)),
    ]
    room = MAX_ACTION_ROWS
    groups = ((piece(T, "overdue_heading", count=len(plan.overdue_actions)), plan.overdue_actions),
              (piece(T, "upcoming_heading", count=len(plan.upcoming_actions), days=UPCOMING_DAYS),
               plan.upcoming_actions))
    for heading, group in groups:
        if not group:
            continue
        shown = group[:room]
        blocks.append(section(heading))
        blocks += [_action_row(a, MAX_ACTION_ROWS - room + n, today) for n, a in enumerate(shown)]
        room -= len(shown)
        if len(group) > len(shown):
            blocks.append(context(piece(T, "more", count=len(group) - len(shown))))
    if not plan.overdue_actions and not plan.upcoming_actions:
        blocks.append(context(piece(T, "nothing_due", days=UPCOMING_DAYS)))
    return Message(text=piece(T, "notification", plan=plan), blocks=blocks)


def _action_row(action: ActionView, n: int, today: date) -> dict:
    return section(piece(T, "action", a=action, today=today),
                   accessory=button(piece(T, "done_button"), f"{ActionId.complete_action}:{n}",
                                    f"{action.id}:{action.version}"))


def _escaped(reasons: list[HealthReason]) -> list[HealthReason]:
    """Reason params can hold text people typed (an objective's description); plan_reasons.j2
    is shared with the CLI, so the escaping for mrkdwn happens here."""
    return [r.model_copy(update={"params": {k: slack_escape(v) if isinstance(v, str) else v
                                            for k, v in r.params.items()}}) for r in reasons]
