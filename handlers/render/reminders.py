"""Reminder DMs: the morning follow-ups (Done / Snooze per row), plan actions (Done per row), a cadence nudge,
care touches."""

from itertools import count

from handlers.ids import ActionId, BlockId
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, actions, button, context, header, section
from kam_core.reminders.schemas import (ActionReminder, CadenceNudge, CareReminder, DueReminder, FollowUpReminder,
                                        ReminderSetting)
from templates import piece

T = "slack/reminders.j2"


def reminder_message(reminder: DueReminder) -> Message:
    if reminder.follow_ups is not None:
        return follow_ups_message(reminder.follow_ups)
    if reminder.actions is not None:
        return plan_actions_message(reminder.actions)
    if reminder.cadence is not None:
        return cadence_message(reminder.cadence)
    return care_message(reminder.care)


def follow_ups_message(r: FollowUpReminder, *, notice: str | None = None) -> Message:
    """`notice` (mrkdwn) tops the message when it is re-drawn after a button, e.g. "Done: …"."""
    suffix = count()  # unique action ids, the way the App Home numbers them
    blocks = [header(piece(T, "follow_title", r=r))]
    if notice:
        blocks.append(section(notice))
    if not r.items:
        blocks.append(section(piece(T, "follow_clear")))
    else:
        blocks.append(context(piece(T, "follow_intro", r=r)))
    for f in r.items:
        value = f"{f.id}:{f.version}"
        blocks += [section(piece(T, "follow_row", f=f, today=r.today)), actions(
            button(piece(T, "done_button"), f"{ActionId.complete_follow_up}:{next(suffix)}", value, style="primary"),
            button(piece(T, "snooze_button"), f"{ActionId.snooze_follow_up}:{next(suffix)}", value),
            button(piece(T, "open_button"), f"{ActionId.open_account}:{next(suffix)}", str(f.account_id)))]
    if r.more > 0:
        blocks.append(context(piece(T, "follow_more", n=r.more)))
    text = piece(T, "follow_text", r=r) if r.items else piece(T, "follow_clear")
    # The builder caps the rows, so this never cuts; it only guards Slack's hard limit.
    return Message(text=text, blocks=blocks[:MESSAGE_BLOCK_LIMIT])


def plan_actions_message(r: ActionReminder, *, notice: str | None = None) -> Message:
    """The plan actions a person owns, due today or overdue; Done on each (re-drawn after it, with `notice`)."""
    suffix = count()
    blocks = [header(piece(T, "actions_title", r=r))]
    if notice:
        blocks.append(section(notice))
    blocks.append(context(piece(T, "actions_intro", r=r)) if r.items else section(piece(T, "actions_clear")))
    for n, a in enumerate(r.items):
        blocks += [section(piece(T, "action_row", a=a, today=r.today)), actions(
            button(piece(T, "done_button"), f"{ActionId.complete_action}:{next(suffix)}", f"{a.id}:{a.version}",
                   style="primary"),
            button(piece(T, "plan_button"), f"{ActionId.show_plan}:{next(suffix)}", str(a.account_id)),
            block_id=f"{BlockId.action_reminder}:{n}")]
    if r.more > 0:
        blocks.append(context(piece(T, "actions_more", n=r.more)))
    text = piece(T, "actions_text", r=r) if r.items else piece(T, "actions_clear")
    return Message(text=text, blocks=blocks[:MESSAGE_BLOCK_LIMIT])


def cadence_message(n: CadenceNudge) -> Message:
    return Message(text=piece(T, "cadence_text", n=n), blocks=[
        section(piece(T, "cadence_body", n=n)),
        actions(button(piece(T, "log_button"), ActionId.log_interaction, str(n.account_id), style="primary"),
                button(piece(T, "open_button"), ActionId.open_account, str(n.account_id))),
        context(piece(T, "cadence_after")),
    ])


def care_message(c: CareReminder) -> Message:
    suffix = count()
    blocks = [header(piece(T, "care_title", c=c))]
    for item in c.items:
        blocks.append(section(piece(T, "care_row", i=item), accessory=button(
            piece(T, "open_button"), f"{ActionId.open_account}:{next(suffix)}", str(item.account_id))))
    if c.more > 0:
        blocks.append(context(piece(T, "care_more", n=c.more)))
    blocks.append(context(piece(T, "care_after")))
    return Message(text=piece(T, "care_text", c=c), blocks=blocks[:MESSAGE_BLOCK_LIMIT])


def settings_message(items: list[ReminderSetting], *, changed: bool = False) -> Message:
    text = piece(T, "settings", items=items, changed=changed)
    return Message(text=text, blocks=[section(text)])


def usage_message(text: str) -> Message:
    usage = piece(T, "usage", text=text)
    return Message(text=usage, blocks=[section(usage)])
