"""The App Home view. Each list shows what the summary holds (capped there) and says how many more."""

from collections.abc import Callable, Iterator
from itertools import count

from handlers.ids import ActionId
from handlers.render.blocks import actions, button, context, divider, header, section
from kam_core.accounts.home import Capped, HomeSummary
from templates import piece

T = "slack/home.j2"
VIEW_BLOCK_LIMIT = 100


def home_view(summary: HomeSummary, *, notice: str | None = None) -> dict:
    """`notice` (mrkdwn) tops the view, e.g. what the last button did or why it failed."""
    suffix = count()  # action ids must be unique within a view

    def open_button(account_id: int) -> dict:
        return button(piece(T, "open_button"), f"{ActionId.open_account}:{next(suffix)}", str(account_id))

    blocks = [header(piece(T, "title", s=summary)), context(piece(T, "intro", s=summary))]
    if notice:
        blocks.append(section(notice))
    blocks += _part(piece(T, "key_header", section=summary.key_accounts), summary.key_accounts,
                    lambda a: [section(piece(T, "key_row", a=a), accessory=open_button(a.account_id))],
                    empty="key_empty", more="key_more")
    blocks += _part(piece(T, "follow_header", s=summary), summary.follow_ups,
                    lambda f: [section(piece(T, "follow_row", f=f, today=summary.today)), actions(
                        button(piece(T, "done_button"), f"{ActionId.complete_follow_up}:{next(suffix)}",
                               f"{f.id}:{f.version}", style="primary"),
                        button(piece(T, "snooze_button"), f"{ActionId.snooze_follow_up}:{next(suffix)}",
                               f"{f.id}:{f.version}"),
                        open_button(f.account_id))],
                    empty="follow_empty", more="follow_more")
    blocks += _part(piece(T, "closing_header", section=summary.closing_this_month), summary.closing_this_month,
                    lambda o: [section(piece(T, "closing_row", o=o), accessory=open_button(o.account_id))],
                    empty="closing_empty", more="closing_more")
    blocks += _part(piece(T, "plans_header", section=summary.plans_at_risk), summary.plans_at_risk,
                    lambda p: [section(piece(T, "plan_row", p=p), accessory=open_button(p.account_id))],
                    empty="plans_empty", more="plans_more")
    if summary.team_past_cadence is not None:
        blocks += _part(piece(T, "team_header", section=summary.team_past_cadence), summary.team_past_cadence,
                        lambda t: [section(piece(T, "team_row", t=t), accessory=open_button(t.account_id))],
                        empty="team_empty", more="team_more")
    # The summary caps every list, so this never cuts; it only guards Slack's hard limit.
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}


def _part(title: str, rows: Capped, render: Callable[[object], list[dict]], *, empty: str,
          more: str) -> Iterator[dict]:
    yield divider()
    yield header(title)
    if not rows.items:
        yield section(piece(T, empty))
    for row in rows.items:
        yield from render(row)
    if rows.more > 0:
        yield context(piece(T, more, n=rows.more))


def problem_view(text: str) -> dict:
    """What the Home shows when it cannot show the user's data: the friendly reason and what then."""
    return {"type": "home", "blocks": [header(piece(T, "problem_title")), section(text),
                                       context(piece(T, "problem_after"))]}
