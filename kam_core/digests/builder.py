"""Build weekly digests for one manager or all of them in a fixed number of SQL statements.

Each query in kam_core.digests.queries runs once over every team asked for; the rows
are shared out here to the managers whose team owns the account (an owner can be in
two teams), filtered to each manager's own local week, ordered, and cut to the top
items. The statement count depends on neither the number of accounts nor of managers.

Every figure is as of one moment (kam_core.digests.team): the end of the manager's week
(Monday 00:00 to Monday 00:00 in their timezone) once it has ended, else now; a week not
yet started holds nothing. What each section means:
- new: deals created in the week; advanced / won / lost: the deal's net stage move
  over the week (first "from" stage to last "to" stage), advanced meaning a later
  open stage; slipped: deals still open at that moment whose expected close date fell
  in the week before that moment's day, i.e. passed without the deal closing (kam_core.digests.as_of).
  A close date moved later is not derivable (the date's history is not kept), so it is not reported.
- pipeline: the deals open at that moment, in the stage they were in then, weighted by probability,
  by stage and by lever.
- untouched: key accounts whose last touch before that moment is older than the key-tier
  cadence (or never touched).
- plans: current plans that are at risk or off track today, with reasons (as the account card
  shows them: action, objective and review history is not kept).
- follow-ups: follow-ups open at that moment and due before its day, per rep (their owner).
- tier changes: TierChange rows in the week. coverage: per rep owning key accounts,
  how many of them were touched in the week and the touches per key account.
- complaints: interactions of kind complaint in the week.
Deals are listed with their own owner (Opportunity.owner, as on the deal card); they belong to the
team that owns their account.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.digests import as_of, queries
from kam_core.digests.as_of import Moves, aware
from kam_core.digests.schemas import (
    TOP, ComplaintItem, DealItem, DigestData, Movement, PipelineLine, PlanItem, RepCoverage, RepFollowUps,
    Section, TierChangeItem, UntouchedItem, WeightedPipeline,
)
from kam_core.digests.team import ManagerWeek, Teams, load_teams
from kam_core.digests.week import WeekState, parse_week
from kam_core.enums import PlanHealth
from kam_core.errors import NotFound
from kam_core.fx.service import Rates, currency_code, load_rates
from kam_core.opportunities.service import CENT, NO_LEVER
from kam_core.permissions import Action, may_see_team, require
from kam_core.plans.health import assess
from kam_core.plans.service import current_plan
from kam_core.policy import Policy
from kam_core.base import as_date

PLAN_ORDER = {PlanHealth.off_track: 0, PlanHealth.at_risk: 1}


@dataclass
class _Rows:
    """One manager's share of the query results, before ordering and cutting."""

    accounts: int = 0
    new: list = field(default_factory=list)
    moves: dict = field(default_factory=dict)  # opportunity id -> (first from stage, last row)
    due: list = field(default_factory=list)  # deals whose close date is in the week
    pipeline: list = field(default_factory=list)  # as_of.PipelineRow-like groups of open deals
    unsettled: list = field(default_factory=list)  # deals whose stage then is worked out from the moves
    key: list = field(default_factory=list)
    plans: dict = field(default_factory=lambda: defaultdict(list))  # account id -> [(plan, name, owner)]
    follow_ups: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    touches: list = field(default_factory=list)
    complaints: list = field(default_factory=list)


@dataclass
class _Shared:
    """What every manager's digest reads the same way."""

    stages: dict
    later_moves: Moves
    rates: Rates  # into the reporting currency every sum is in


def build_digest(session: Session, *, actor: Actor, policy: Policy, manager_id: int, week: str,
                 default_timezone: str = "UTC", top: int = TOP, now: datetime | None = None) -> DigestData:
    """One manager's digest; only that manager (or an admin) may read it."""
    require(actor, Action.see_team_digest, allowed=may_see_team(actor, manager_id=manager_id))
    found = build_digests(session, actor=Actor.system("digest"), policy=policy, week=week, manager_ids=[manager_id],
                          default_timezone=default_timezone, top=top, now=now)
    if not found:
        raise NotFound(what="manager", name=str(manager_id))
    return found[0]


def build_digests(session: Session, *, actor: Actor, policy: Policy, week: str, manager_ids: list[int] | None = None,
                  default_timezone: str = "UTC", top: int = TOP, now: datetime | None = None) -> list[DigestData]:
    """The digests of the given managers (all active managers when None) for an ISO week, as of `now`."""
    require(actor, Action.see_team_digest, allowed=manager_ids is not None and set(manager_ids) == {actor.person_id})
    teams = load_teams(session, week=parse_week(week), manager_ids=manager_ids, default_timezone=default_timezone,
                       now=now or utcnow())
    if not teams.managers:
        return []
    shares, shared = _gather(session, teams, load_rates(session, reporting=policy.reporting_currency))
    return [_digest(teams, manager_id, share, shared, policy, top) for manager_id, share in shares.items()]


def _gather(session: Session, teams: Teams, rates: Rates) -> tuple[dict[int, "_Rows"], _Shared]:
    members, window, since = teams.members_query, teams.window, teams.earliest_as_of
    shares: dict = {m: _Rows() for m in teams.managers}

    def spread(found, *, timed: bool = False):
        for row in found:
            for m in teams.managers_of.get(row.owner_id, ()):
                if not timed or teams.managers[m].covers(aware(row.at)):
                    yield shares[m], row

    for owner_id, count in queries.account_counts(session, members).items():
        for m in teams.managers_of.get(owner_id, ()):
            shares[m].accounts += count
    for share, row in spread(queries.new_deals(session, members, window), timed=True):
        share.new.append(row)
    for share, row in spread(queries.stage_changes(session, members, window), timed=True):
        first_from = share.moves[row.id][0] if row.id in share.moves else row.from_stage_id
        share.moves[row.id] = (first_from, row)
    for share, row in spread(queries.due_in_week(session, members, teams.first_day, teams.last_day, window[1])):
        share.due.append(row)
    for share, row in spread(queries.settled_pipeline(session, members, since)):
        share.pipeline.append(row)
    for share, row in spread(queries.unsettled_deals(session, members, since, window[1])):
        share.unsettled.append(row)
    for share, row in spread(queries.key_accounts(session, members, window[1])):
        share.key.append(row)
    for plan, name, owner_id in queries.plans(session, members):
        for m in teams.managers_of.get(owner_id, ()):
            shares[m].plans[plan.account_id].append((plan, name, owner_id))
    for share, row in spread(queries.open_follow_ups(session, members, teams.latest_as_of_day, since)):
        share.follow_ups.append(row)
    for share, row in spread(queries.tier_changes(session, members, window), timed=True):
        share.tiers.append(row)
    for share, row in spread(queries.key_account_touches(session, members, window), timed=True):
        share.touches.append(row)
    for share, row in spread(queries.complaints(session, members, window), timed=True):
        share.complaints.append(row)
    return shares, _Shared(stages=queries.stages(session), later_moves=Moves(queries.moves_since(session, members,
                                                                                                   since)),
                           rates=rates)


def _digest(teams: Teams, manager_id: int, rows: _Rows, shared: _Shared, policy: Policy, top: int) -> DigestData:
    manager = teams.managers[manager_id]
    person = manager.person
    heading = dict(
        manager_id=person.id, manager_name=person.name, manager_email=person.email,
        slack_user_id=person.slack_user_id, timezone=manager.timezone, language=person.language, week=teams.week,
        week_start=teams.first_day, week_end=teams.last_day, state=manager.state, as_of=manager.as_of,
        team_size=len(manager.members), accounts=rows.accounts, currency=shared.rates.reporting,
    )
    if manager.state == WeekState.future:
        return DigestData(**heading)  # nothing has happened yet: no figure is made up
    stages, moves, moment, rates = shared.stages, shared.later_moves, manager.as_of, shared.rates

    def stage_then(row) -> int:
        return moves.stage_at(row.id, row.stage_id, moment)

    slipped = [r for r in rows.due if as_of.slipped(r, moves, stages, moment, manager.as_of_day)]
    pipeline = rows.pipeline + as_of.pipeline_rows(rows.unsettled, moves, stages, moment)
    return DigestData(
        **heading,
        movement=_movement(rows, slipped, stages, stage_then, top, rates.on(manager.as_of_day)),
        pipeline=_pipeline(pipeline, stages, rates.on(manager.as_of_day)),
        untouched=_untouched(rows.key, manager, teams, policy, top),
        plans=_plans(rows.plans, manager, teams, policy, top),
        follow_ups=_follow_ups(rows.follow_ups, manager, teams, top), tier_changes=_tier_changes(rows.tiers, top),
        coverage=_coverage(rows.key, rows.touches, teams.names, top),
        complaints=_complaints(rows.complaints, top),
    )


def _top(items: list, key, top: int) -> tuple[list, int]:
    return sorted(items, key=key)[:top], len(items)


def _deal(row, stages: dict, rates: Rates, *, stage_id: int | None = None,
          from_stage: int | None = None) -> DealItem:
    foreign = currency_code(row.currency) != rates.reporting
    return DealItem(opportunity_id=row.id, name=row.name, account_id=row.account_id, account_name=row.account_name,
                    owner_name=row.deal_owner_name, amount=row.amount, currency=row.currency,
                    stage=stages[stage_id or row.stage_id].name,
                    from_stage=stages[from_stage].name if from_stage in stages else None,
                    expected_close_date=row.expected_close_date,
                    reporting_currency=rates.reporting if foreign else None,
                    reporting_amount=rates.convert(row.amount, row.currency) if foreign else None)


def _deals(found: list, stages: dict, top: int, rates: Rates) -> Section[DealItem]:
    """`found` holds (row, to stage, from stage); biggest deals first (by their own amounts)."""
    chosen, total = _top(found, lambda f: (-f[0].amount, f[0].id), top)
    return Section[DealItem](items=[_deal(r, stages, rates, stage_id=to, from_stage=fr) for r, to, fr in chosen],
                             total=total)


def _movement(rows: _Rows, slipped: list, stages: dict, stage_then, top: int, rates: Rates) -> Movement:
    """New and slipped deals are shown in the stage they were in at the digest's moment (`stage_then`)."""
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
    new_total = rates.total((r.amount, r.currency) for r in rows.new)
    won_total = rates.total((f[0].amount, f[0].currency) for f in won)
    lost_total = rates.total((f[0].amount, f[0].currency) for f in lost)
    return Movement(
        new=_deals([(r, stage_then(r), None) for r in rows.new], stages, top, rates),
        new_amount=new_total.amount, new_excluded=new_total.excluded,
        advanced=_deals(advanced, stages, top, rates),
        slipped=_deals([(r, stage_then(r), None) for r in slipped], stages, top, rates),
        won=_deals(won, stages, top, rates), won_amount=won_total.amount, won_excluded=won_total.excluded,
        lost=_deals(lost, stages, top, rates), lost_amount=lost_total.amount, lost_excluded=lost_total.excluded,
    )


@dataclass
class _Cell:
    """A pipeline line being summed: amounts in the reporting currency, deals without a rate counted apart."""

    count: int = 0
    amount: Decimal = Decimal(0)
    amount_x_probability: Decimal = Decimal(0)
    native: dict = field(default_factory=lambda: defaultdict(Decimal))
    excluded: dict = field(default_factory=lambda: defaultdict(int))


def _pipeline(found: list, stages: dict, rates: Rates) -> WeightedPipeline:
    by_stage: dict = defaultdict(_Cell)
    by_lever: dict = defaultdict(_Cell)
    total = _Cell()
    for row in found:
        code = currency_code(row.currency)
        rate = rates.rate(code)
        for bucket in (by_stage[row.stage_id], by_lever[row.lever or None], total):
            bucket.count += row.count
            bucket.native[code] += Decimal(row.amount)
            if rate is None:
                bucket.excluded[code] += row.count
            else:
                bucket.amount += Decimal(row.amount) * rate
                bucket.amount_x_probability += Decimal(row.amount_x_probability) * rate

    def line(label: str, cell: _Cell, **extra) -> PipelineLine:
        return PipelineLine(label=label, count=cell.count, amount=cell.amount.quantize(CENT),
                            weighted_amount=(cell.amount_x_probability / 100).quantize(CENT),
                            native=dict(cell.native), excluded=dict(cell.excluded), **extra)

    def lever_label(lever) -> str:
        return lever.value if lever else NO_LEVER

    return WeightedPipeline(
        total=line("total", total),
        by_stage=[line(stages[s].name, c) for s, c in sorted(by_stage.items(), key=lambda i: stages[i[0]].position)],
        by_lever=[line(lever_label(lever), c, lever=lever)
                  for lever, c in sorted(by_lever.items(),
                                         key=lambda i: (-i[1].amount_x_probability, lever_label(i[0])))],
    )


def _untouched(found: list, manager: ManagerWeek, teams: Teams, policy: Policy, top: int) -> Section[UntouchedItem]:
    cadence = policy.cadence.key_days
    quiet = []
    for row in found:
        days = (manager.as_of_day - as_date(row.last_touch)).days if row.last_touch is not None else None
        if days is None or days > cadence:
            quiet.append(UntouchedItem(account_id=row.id, account_name=row.name,
                                       owner_name=teams.names.get(row.owner_id), days_since_touch=days,
                                       cadence_days=cadence))
    chosen, total = _top(quiet, lambda i: (i.days_since_touch is not None, -(i.days_since_touch or 0), i.account_name),
                         top)
    return Section[UntouchedItem](items=chosen, total=total)


def _plans(by_account: dict, manager: ManagerWeek, teams: Teams, policy: Policy, top: int) -> Section[PlanItem]:
    troubled = []
    for account_id, found in by_account.items():
        plan = current_plan([p for p, _, _ in found], manager.today)
        _, name, owner_id = next(f for f in found if f[0] is plan)
        health = assess(plan, today=manager.today, policy=policy.plan_health)
        if health.status in PLAN_ORDER:
            troubled.append(PlanItem(account_id=account_id, account_name=name, owner_name=teams.names.get(owner_id),
                                     status=health.status, reasons=health.reasons))
    chosen, total = _top(troubled, lambda i: (PLAN_ORDER[i.status], -len(i.reasons), i.account_name), top)
    return Section[PlanItem](items=chosen, total=total)


def _follow_ups(found: list, manager: ManagerWeek, teams: Teams, top: int) -> Section[RepFollowUps]:
    """`found` holds (owner, due day, count) rows; only days before the manager's as-of day count."""
    overdue: dict[int, tuple[int, date]] = {}
    for row in found:
        due = as_date(row.due_on)
        if due < manager.as_of_day:
            count, oldest = overdue.get(row.owner_id, (0, due))
            overdue[row.owner_id] = (count + row.count, min(oldest, due))
    reps = [RepFollowUps(rep_name=teams.names.get(owner_id, "?"), overdue=count,
                         oldest_days=(manager.as_of_day - oldest).days)
            for owner_id, (count, oldest) in overdue.items()]
    chosen, total = _top(reps, lambda r: (-r.overdue, -r.oldest_days, r.rep_name), top)
    return Section[RepFollowUps](items=chosen, total=total)


def _tier_changes(found: list, top: int) -> Section[TierChangeItem]:
    chosen, total = _top(found, lambda r: (-aware(r.at).timestamp(), r.account_name), top)
    return Section[TierChangeItem](items=[TierChangeItem(
        account_id=r.account_id, account_name=r.account_name, old_tier=r.old_tier, new_tier=r.new_tier,
        reason=r.reason, changed_at=aware(r.at)) for r in chosen], total=total)


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
    chosen, total = _top(found, lambda r: (-aware(r.at).timestamp(), r.account_name), top)
    return Section[ComplaintItem](items=[ComplaintItem(
        account_id=r.account_id, account_name=r.account_name, author_name=r.author_name, occurred_at=aware(r.at),
        text=r.text or "") for r in chosen], total=total)
