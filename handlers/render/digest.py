"""The weekly digest as one Slack message: at most 50 blocks whatever the data.

Layout: a header and an intro line, then per section one text block (its top items
and "and N more") and, for sections that list accounts, one actions block with a
button per account that opens its card. The layout is fixed (26 blocks at most),
so no data can push the message past Slack's limit; the builder cuts the lists.
A week that has not started yet gets the header and one line saying there is nothing yet.
"""

from itertools import count

from handlers.ids import ActionId
from handlers.render import Message
from handlers.render.blocks import MESSAGE_BLOCK_LIMIT, actions, button, context, divider, header, section
from kam_core.digests.schedule import Schedule
from kam_core.digests.schemas import DigestData
from kam_core.digests.week import WeekState
from templates import piece

T = "slack/digest.j2"
DEAL_KINDS = ("new", "advanced", "slipped", "won", "lost")
MAX_BUTTONS = 5


def digest_message(d: DigestData) -> Message:
    numbers = count()

    def with_buttons(text: str, items) -> list[dict]:
        """The section's text, then one button per distinct account it names."""
        seen: dict[int, str] = {}
        for item in items:
            seen.setdefault(item.account_id, item.account_name)
        buttons = [button(piece(T, "account_button", name=name), f"{ActionId.open_account}:{next(numbers)}",
                          str(account_id)) for account_id, name in list(seen.items())[:MAX_BUTTONS]]
        return [section(text), *([actions(*buttons)] if buttons else [])]

    blocks = [header(piece(T, "title", d=d)), context(piece(T, "intro", d=d))]
    if d.state == WeekState.future:  # nothing has happened yet: no figures, not even zeros
        return Message(text=piece(T, "notification", d=d), blocks=[*blocks, section(piece(T, "not_yet", d=d))])
    blocks.append(section(piece(T, "movement", d=d)))
    for kind in DEAL_KINDS:
        deals = getattr(d.movement, kind)
        if deals.items:
            blocks += with_buttons(piece(T, "deals", kind=kind, section=deals), deals.items)
    blocks += [section(piece(T, "pipeline", d=d)), divider()]
    blocks += with_buttons(piece(T, "untouched", s=d.untouched, d=d), d.untouched.items)
    blocks += with_buttons(piece(T, "plans", s=d.plans), d.plans.items)
    blocks += [section(piece(T, "follow_ups", s=d.follow_ups, d=d)), divider()]
    blocks += with_buttons(piece(T, "tier_changes", s=d.tier_changes), d.tier_changes.items)
    blocks += [section(piece(T, "coverage", s=d.coverage, d=d))]
    blocks += with_buttons(piece(T, "complaints", s=d.complaints), d.complaints.items)
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT  # the layout above is fixed; see the docstring
    return Message(text=piece(T, "notification", d=d), blocks=blocks)


def schedule_message(macro: str, schedule: Schedule) -> Message:
    text = piece(T, macro, s=schedule)
    return Message(text=text, blocks=[section(text)])
