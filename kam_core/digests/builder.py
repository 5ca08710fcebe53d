"""Build weekly digests for one manager or all of them in a fixed number of SQL statements.

Each query in kam_core.digests.queries runs once over every team asked for; the rows
are shared out here to the managers whose team owns the account (an owner can be in
two teams), filtered to each manager's own local week, ordered, and cut to the top
items. The statement count depends on neither the number of accounts nor of managers.

What each section means (the week is Monday 00:00 to Monday 00:00 in the manager's
timezone; "as of" is the Monday after it):
- new: deals created in the week; advanced / won / lost: the deal's net stage move
  over the week (first "from" stage to last "to" stage), advanced meaning a later
  open stage; slipped: open deals whose expected close date fell in the week, i.e.
  passed without the deal closing. A close date moved later is not derivable (the
  date's history is not kept), so it is not reported.
- pipeline: the open pipeline now, weighted by probability, by stage and by lever.
- untouched: key accounts whose last touch before the week's end is older than the
  key-tier cadence (or never touched), as of the Monday after the week.
- plans: current plans that are at risk or off track as of that Monday, with reasons.
- follow-ups: open follow-ups due before that Monday, per rep (their owner).
- tier changes: TierChange rows in the week. coverage: per rep owning key accounts,
  how many of them were touched in the week and the touches per key account.
- complaints: interactions of kind complaint in the week.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.digests import queries
from kam_core.digests.schemas import (
    TOP, ComplaintItem, DealItem, DigestData, Movement, PipelineLine, PlanItem, RepCoverage, RepFollowUps,
    Section, TierChangeItem, UntouchedItem, WeightedPipeline,
)
from kam_core.digests.team import Teams, load_teams
from kam_core.digests.week import parse_week
from kam_core.enums import PlanHealth
from kam_core.errors import NotFound
from kam_core.opportunities.service import CENT, NO_LEVER
from kam_core.permissions import Action, may_see_team, require
from kam_core.plans.health import assess
from kam_core.plans.service import current_plan
from kam_core.policy import Policy

PLAN_ORDER = {PlanHealth.off_track: 0, PlanHealth.at_risk: 1}


@dataclass
class _Rows:
    """One manager's share of the query results, before ordering and cutting."""

    accounts: int = 0
    new: list = field(default_factory=list)
    moves: dict = field(default_factory=dict)  # opportunity id -> (first from stage, last row)
    slipped: list = field(default_factory=list)
    pipeline: list = field(default_factory=list)
    key: list = field(default_factory=list)
    plans: dict = field(default_factory=lambda: defaultdict(list))  # account id -> [(plan, name, owner)]
    follow_ups: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    touches: list = field(default_factory=list)
    complaints: list = field(default_factory=list)


def build_digest(session: Session, *, actor: Actor, policy: Policy, manager_id: int, week: str,
                 default_timezone: str = "UTC", top: int = TOP) -> DigestData:
    """One manager's digest; only that manager (or an admin) may read it."""
    require(actor, Action.see_team_digest, allowed=may_see_team(actor, manager_id=manager_id))
    found = build_digests(session, actor=Actor.system("digest"), policy=policy, week=week, manager_ids=[manager_id],
                          default_timezone=default_timezone, top=top)
    if not found:
        raise NotFound(what="manager", name=str(manager_id))
    return found[0]


def build_digests(session: Session, *, actor: Actor, policy: Policy, week: str, manager_ids: list[int] | None = None,
                  default_timezone: str = "UTC", top: int = TOP) -> list[DigestData]:
    """The digests of the given managers (all active managers when None) for an ISO week."""
    require(actor, Action.see_team_digest, allowed=manager_ids is not None and set(manager_ids) == {actor.person_id})
    teams = load_teams(session, week=parse_week(week), manager_ids=manager_ids, default_timezone=default_timezone)
    if not teams.managers:
        return []
    shares, stages = _gather(session, teams)
    return [_digest(teams, manager_id, share, stages, policy, top) for manager_id, share in shares.items()]


def _gather(session: Session, teams: Teams) -> tuple[dict[int, "_Rows"], dict]:
    members, window = teams.members_query, teams.window
    shares: dict = {m: _Rows() for m in teams.managers}

    def spread(found, *, timed: bool = False):
        for row in found:
            for m in teams.managers_of.get(row.owner_id, ()):
                if not timed or teams.managers[m].covers(_aware(row.at)):
                    yield shares[m], row

    for owner_id, count in queries.account_counts(session, members).items():
        for m in teams.managers_of.get(owner_id, ()):
            shares[m].accounts += count
    for share, row in spread(queries.new_deals(session, members, window), timed=True):
        share.new.append(row)
    for share, row in spread(queries.stage_changes(session, members, window), timed=True):
        first_from = share.moves[row.id][0] if row.id in share.moves else row.from_stage_id
        share.moves[row.id] = (first_from, row)
    for share, row in spread(queries.slipped_deals(session, members, teams.first_day, teams.last_day)):
        share.slipped.append(row)
    for share, row in spread(queries.pipeline(session, members)):
        share.pipeline.append(row)
    for share, row in spread(queries.key_accounts(session, members, window[1])):
        share.key.append(row)
    for plan, name, owner_id in queries.plans(session, members):
        for m in teams.managers_of.get(owner_id, ()):
            shares[m].plans[plan.account_id].append((plan, name, owner_id))
    for share, row in spread(queries.overdue_follow_ups(session, members, teams.as_of)):
        share.follow_ups.append(row)
    for share, row in spread(queries.tier_changes(session, members, window), timed=True):
        share.tiers.append(row)
    for share, row in spread(queries.key_account_touches(session, members, window), timed=True):
        share.touches.append(row)
    for share, row in spread(queries.complaints(session, members, window), timed=True):
        share.complaints.append(row)
    return shares, queries.stages(session)


def _digest(teams: Teams, manager_id: int, rows: _Rows, stages: dict, policy: Policy, top: int) -> DigestData:
    manager = teams.managers[manager_id]
    person = manager.person
    return DigestData(
        manager_id=person.id, manager_name=person.name, manager_email=person.email,
        slack_user_id=person.slack_user_id, timezone=manager.timezone, week=teams.week,
        week_start=teams.first_day, week_end=teams.last_day, team_size=len(manager.members), accounts=rows.accounts,
        movement=_movement(rows, stages, teams.names, top), pipeline=_pipeline(rows.pipeline, stages),
        untouched=_untouched(rows.key, teams, policy, top), plans=_plans(rows.plans, teams, policy, top),
        follow_ups=_follow_ups(rows.follow_ups, teams, top), tier_changes=_tier_changes(rows.tiers, top),
        coverage=_coverage(rows.key, rows.touches, teams.names, top),
        complaints=_complaints(rows.complaints, top),
    )


def _top(items: list, key, top: int) -> tuple[list, int]:
    return sorted(items, key=key)[:top], len(items)


def _deal(row, stages: dict, names: dict, *, stage_id: int | None = None, from_stage: int | None = None) -> DealItem:
    return DealItem(opportunity_id=row.id, name=row.name, account_id=row.account_id, account_name=row.account_name,
                    owner_name=names.get(row.owner_id), amount=row.amount, currency=row.currency,
                    stage=stages[stage_id or row.stage_id].name,
                    from_stage=stages[from_stage].name if from_stage in stages else None,
                    expected_close_date=row.expected_close_date)


def _deals(found: list, stages: dict, names: dict, top: int) -> Section[DealItem]:
    """`found` holds (row, to stage, from stage); biggest deals first."""
    chosen, total = _top(found, lambda f: (-f[0].amount, f[0].id), top)
    return Section[DealItem](items=[_deal(r, stages, names, stage_id=to, from_stage=fr) for r, to, fr in chosen],
                             total=total)


def _movement(rows: _Rows, stages: dict, names: dict, top: int) -> Movement:
    advanced, won, lost = [], [], []
    for first_from, last in rows.moves.values():
        to = stages[last.to_stage_id]
        before = stages.get(first_from)
        if to.is_won:
            won.append((last, to.id, first_from))
        elif to.is_lost:
            lost.append((last, to.id, first_from))
        elif to.is_open and before is not None and to.position > before.position:
            advanced.append((last, to.id, first_from))
    return Movement(
        new=_deals([(r, None, None) for r in rows.new], stages, names, top),
        new_amount=sum((r.amount for r in rows.new), Decimal(0)),
        advanced=_deals(advanced, stages, names, top),
        slipped=_deals([(r, None, None) for r in rows.slipped], stages, names, top),
        won=_deals(won, stages, names, top), won_amount=sum((f[0].amount for f in won), Decimal(0)),
        lost=_deals(lost, stages, names, top), lost_amount=sum((f[0].amount for f in lost), Decimal(0)),
    )


def _pipeline(found: list, stages: dict) -> WeightedPipeline:
    by_stage: dict = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    by_lever: dict = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    total = [0, Decimal(0), Decimal(0)]
    for row in found:
        lever = row.lever.value if row.lever else NO_LEVER
        for bucket in (by_stage[row.stage_id], by_lever[lever], total):
            bucket[0] += row.count
            bucket[1] += Decimal(row.amount)
            bucket[2] += Decimal(row.amount_x_probability)

    def line(label: str, cell: list) -> PipelineLine:
        return PipelineLine(label=label, count=cell[0], amount=cell[1].quantize(CENT),
                            weighted_amount=(cell[2] / 100).quantize(CENT))

    return WeightedPipeline(
        total=line("total", total),
        by_stage=[line(stages[s].name, c) for s, c in sorted(by_stage.items(), key=lambda i: stages[i[0]].position)],
        by_lever=[line(lever, c) for lever, c in sorted(by_lever.items(), key=lambda i: (-i[1][2], i[0]))],
    )


def _untouched(found: list, teams: Teams, policy: Policy, top: int) -> Section[UntouchedItem]:
    cadence = policy.cadence.key_days
    quiet = []
    for row in found:
        days = (teams.as_of - _day(row.last_touch)).days if row.last_touch is not None else None
        if days is None or days > cadence:
            quiet.append(UntouchedItem(account_id=row.id, account_name=row.name,
                                       owner_name=teams.names.get(row.owner_id), days_since_touch=days,
                                       cadence_days=cadence))
    chosen, total = _top(quiet, lambda i: (i.days_since_touch is not None, -(i.days_since_touch or 0), i.account_name),
                         top)
    return Section[UntouchedItem](items=chosen, total=total)


def _plans(by_account: dict, teams: Teams, policy: Policy, top: int) -> Section[PlanItem]:
    troubled = []
    for account_id, found in by_account.items():
        plan = current_plan([p for p, _, _ in found], teams.as_of)
        _, name, owner_id = next(f for f in found if f[0] is plan)
        health = assess(plan, today=teams.as_of, policy=policy.plan_health)
        if health.status in PLAN_ORDER:
            troubled.append(PlanItem(account_id=account_id, account_name=name, owner_name=teams.names.get(owner_id),
                                     status=health.status, reasons=health.reasons))
    chosen, total = _top(troubled, lambda i: (PLAN_ORDER[i.status], -len(i.reasons), i.account_name), top)
    return Section[PlanItem](items=chosen, total=total)


def _follow_ups(found: list, teams: Teams, top: int) -> Section[RepFollowUps]:
    reps = [RepFollowUps(rep_name=teams.names.get(r.owner_id, "?"), overdue=r.count,
                         oldest_days=(teams.as_of - _day(r.oldest)).days) for r in found]
    chosen, total = _top(reps, lambda r: (-r.overdue, -r.oldest_days, r.rep_name), top)
    return Section[RepFollowUps](items=chosen, total=total)


def _tier_changes(found: list, top: int) -> Section[TierChangeItem]:
    chosen, total = _top(found, lambda r: (-_aware(r.at).timestamp(), r.account_name), top)
    return Section[TierChangeItem](items=[TierChangeItem(
        account_id=r.account_id, account_name=r.account_name, old_tier=r.old_tier, new_tier=r.new_tier,
        reason=r.reason, changed_at=_aware(r.at)) for r in chosen], total=total)


def _coverage(key: list, touches: list, names: dict, top: int) -> Section[RepCoverage]:
    owned: dict[int, int] = defaultdict(int)
    for row in key:
        owned[row.owner_id] += 1
    touched: dict[int, set] = defaultdict(set)
    count: dict[int, int] = defaultdict(int)
    for row in touches:
        touched[row.owner_id].add(row.account_id)
        count[row.owner_id] += 1
    reps = [RepCoverage(rep_name=names.get(owner, "?"), key_accounts=n, touched=len(touched[owner]),
                        touches=count[owner]) for owner, n in owned.items()]
    # The least covered first: that is where a manager looks.
    chosen, total = _top(reps, lambda r: (r.touched / r.key_accounts, r.per_account, r.rep_name), top)
    return Section[RepCoverage](items=chosen, total=total)


def _complaints(found: list, top: int) -> Section[ComplaintItem]:
    chosen, total = _top(found, lambda r: (-_aware(r.at).timestamp(), r.account_name), top)
    return Section[ComplaintItem](items=[ComplaintItem(
        account_id=r.account_id, account_name=r.account_name, author_name=r.author_name, occurred_at=_aware(r.at),
        text=r.text or "") for r in chosen], total=total)


def _aware(value) -> datetime:
    if isinstance(value, str):  # SQLite may hand back an aggregate of a datetime column as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
