"""Opportunity services: an account's open deals, pipeline totals, stage moves, a team's pipeline.

Rules worth knowing:
- Weighted amount = amount × effective probability / 100, rounded to cents.
- Moving a deal clears its own probability so the new stage's default applies
  (a probability set for "Qualification" means nothing in "Closed Won").
  Moving into a closed stage sets closed_on to the day of the move; moving back
  into an open stage clears it. Moving a deal to the stage it is in writes nothing.
- Who may move (and edit) a deal: kam_core.permissions.may_move_stage; the listing and the
  detail say per deal whether the viewer may (OpportunityView.may_move), so the button is only
  offered where it works (docs/permissions.md).
- A stage move with an idempotency key that was already used writes nothing and
  returns the deal as it is now (Slack retries a request it thinks was lost).
"""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session
from sqlalchemy.orm.exc import StaleDataError

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account, AccountTeamMember
from kam_core.actors import Actor
from kam_core.audit.service import last_changed_by, record
from kam_core.errors import Conflict, NotFound
from kam_core.fx.service import Rates, currency_code, load_rates
from kam_core.opportunities.models import Opportunity, Stage, StageChange
from kam_core.opportunities.priority import QUADRANT_ORDER, high_value_threshold, quadrant
from kam_core.opportunities.schemas import (
    OpportunityView,
    PipelineGroup,
    PipelineTotals,
    StageView,
    TeamPipelineView,
)
from kam_core.people.models import Person
from kam_core.permissions import Action, may_move_stage, may_see_team, require
from kam_core.policy import Policy

CENT = Decimal("0.01")
# The group of deals with no growth lever, in pipeline breakdowns (here and in the digest).
NO_LEVER = "unspecified"


def weighted(amount: Decimal, probability: int) -> Decimal:
    return (Decimal(amount) * probability / 100).quantize(CENT)


def _in_reporting(opportunity: Opportunity, probability: int, rates: Rates | None) -> dict:
    """The deal's amounts in the reporting currency, where that is not the deal's own (and rates are known)."""
    if rates is None or currency_code(opportunity.currency) == rates.reporting:
        return {}
    rate = rates.rate(opportunity.currency)
    if rate is None:
        return {"reporting_currency": rates.reporting}
    amount = Decimal(opportunity.amount) * rate
    return {"reporting_currency": rates.reporting, "reporting_amount": amount.quantize(CENT),
            "reporting_weighted": (amount * probability / 100).quantize(CENT)}


def view(opportunity: Opportunity, *, high_value: Decimal, policy: Policy, today: date,
         may_move: bool = False, rates: Rates | None = None) -> OpportunityView:
    stage = opportunity.stage
    probability = opportunity.effective_probability
    close = opportunity.expected_close_date
    days_to_close = (close - today).days if close else None
    owner = opportunity.owner
    return OpportunityView(
        id=opportunity.id, name=opportunity.name, account_id=opportunity.account_id,
        account_name=opportunity.account.name, product=opportunity.product.name if opportunity.product else None,
        lever=opportunity.lever, amount=opportunity.amount, currency=opportunity.currency, stage=stage.name,
        stage_id=stage.id, is_open=stage.is_open, probability=probability,
        weighted_amount=weighted(opportunity.amount, probability), expected_close_date=close,
        closed_on=opportunity.closed_on, next_step=opportunity.next_step,
        owner_name=owner.name if owner else None, owner_email=owner.email if owner else None,
        quadrant=quadrant(probability=probability, amount=opportunity.amount, high_value=high_value,
                          policy=policy.priority) if stage.is_open else None,
        version=opportunity.version, days_to_close=days_to_close,
        overdue=stage.is_open and days_to_close is not None and days_to_close < 0, may_move=may_move,
        product_id=opportunity.product_id, own_probability=opportunity.probability,
        lost_reason=opportunity.lost_reason.name if opportunity.lost_reason else None, lost_note=opportunity.lost_note,
        is_won=stage.is_won, is_lost=stage.is_lost, **_in_reporting(opportunity, probability, rates),
    )


def account_team_ids(session: Session, account_id: int) -> set[int]:
    """The people on the account's team (any role)."""
    return set(session.scalars(select(AccountTeamMember.person_id).where(AccountTeamMember.account_id == account_id)))


def may_move(actor: Actor, opportunity: Opportunity, *, account_team: Collection[int] | None = None) -> bool:
    """Whether `actor` may move (and edit) this deal. `account_team`: the account team's person ids when
    the caller already has them (a listing of one account's deals); else they are read here."""
    account = opportunity.account
    if account_team is None:
        account_team = account_team_ids(object_session(opportunity), account.id)
    owner, account_owner = opportunity.owner, account.owner
    return may_move_stage(
        actor, owner_id=owner.id if owner else None, owner_manager_id=owner.manager_id if owner else None,
        account_owner_id=account_owner.id if account_owner else None,
        account_owner_manager_id=account_owner.manager_id if account_owner else None, account_team_ids=account_team,
    )


def open_opportunities(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                       today: date) -> list[OpportunityView]:
    """The account's open deals, act-now first, then by amount."""
    visible_account(session, actor=actor, account_id=account_id, policy=policy)
    rows = session.scalars(
        select(Opportunity).join(Opportunity.stage).where(Opportunity.account_id == account_id, Stage.is_open)
        .options(joinedload(Opportunity.owner), joinedload(Opportunity.account).joinedload(Account.owner))
    ).unique()
    high_value = high_value_threshold(session, policy.priority)
    team = account_team_ids(session, account_id)
    rates = load_rates(session, reporting=policy.reporting_currency)
    views = [view(o, high_value=high_value, policy=policy, today=today, may_move=may_move(actor, o, account_team=team),
                  rates=rates) for o in rows]
    return sorted(views, key=lambda v: (QUADRANT_ORDER[v.quadrant], -v.amount, v.id))


def pipeline_of(views: list[OpportunityView], *, reporting: str) -> PipelineTotals:
    """The open pipeline of deals already listed (open_opportunities), in the reporting currency: no query."""
    totals = PipelineTotals(currency=currency_code(reporting))
    for deal in views:
        same = currency_code(deal.currency) == totals.currency
        amount = deal.amount if same else deal.reporting_amount
        cell = PipelineTotals(count=1, currency=totals.currency, native={currency_code(deal.currency): deal.amount})
        if amount is None:
            cell.excluded = {currency_code(deal.currency): 1}
        else:
            cell.amount, cell.weighted_amount = amount, deal.weighted_amount if same else deal.reporting_weighted
        totals.add(cell)
    return totals


def opportunity_detail(session: Session, *, actor: Actor, opportunity_id: int, policy: Policy,
                       today: date) -> OpportunityView:
    """One deal as it is now, for someone allowed to see its account."""
    opportunity = session.get(Opportunity, opportunity_id, options=[joinedload(Opportunity.owner),
                                                                     joinedload(Opportunity.account)])
    if opportunity is None:
        raise NotFound(what="opportunity", name=str(opportunity_id))
    visible_account(session, actor=actor, account_id=opportunity.account_id, policy=policy)
    return view(opportunity, high_value=high_value_threshold(session, policy.priority), policy=policy, today=today,
                may_move=may_move(actor, opportunity),
                rates=load_rates(session, reporting=policy.reporting_currency))


def _pipeline_columns():
    """Grouped by currency too (the callers add Opportunity.currency to their GROUP BY): each group is
    converted to the reporting currency at its rate (_totals)."""
    probability = func.coalesce(Opportunity.probability, Stage.default_probability)
    return (
        Opportunity.currency,
        func.count(Opportunity.id).label("count"),
        func.coalesce(func.sum(Opportunity.amount), 0).label("amount"),
        func.coalesce(func.sum(Opportunity.amount * probability), 0).label("amount_x_probability"),
    )


def _totals(row, rates: Rates) -> PipelineTotals:
    """One group of deals in one currency, in the reporting currency; without a rate its amounts are left
    out and the deals counted in `excluded`."""
    code = currency_code(row.currency)
    cell = PipelineTotals(count=row.count, currency=rates.reporting, native={code: Decimal(row.amount)})
    rate = rates.rate(code)
    if rate is None:
        cell.excluded = {code: row.count}
    else:
        cell.amount = (Decimal(row.amount) * rate).quantize(CENT)
        cell.weighted_amount = (Decimal(row.amount_x_probability) * rate / 100).quantize(CENT)
    return cell


# Built once: every account card runs it (see kam_core/accounts/service.py).
_PIPELINE_BY_ACCOUNT = (
    select(Opportunity.account_id, *_pipeline_columns()).join(Stage, Stage.id == Opportunity.stage_id)
    .where(Stage.is_open, Opportunity.account_id.in_(bindparam("account_ids", expanding=True)))
    .group_by(Opportunity.account_id, Opportunity.currency)
)


def pipeline_by_account(session: Session, account_ids: list[int], *,
                        rates: Rates | None = None) -> dict[int, PipelineTotals]:
    """Open pipeline per account in the reporting currency of `rates` (loaded for the default policy when
    not given); accounts without open deals get zeros."""
    rates = rates or load_rates(session, reporting=Policy().reporting_currency)
    result = {account_id: PipelineTotals(currency=rates.reporting) for account_id in account_ids}
    if not account_ids:
        return result
    rows = session.execute(_PIPELINE_BY_ACCOUNT, {"account_ids": list(account_ids)})
    for row in rows:
        result[row.account_id].add(_totals(row, rates))
    return result


def list_stages(session: Session) -> list[StageView]:
    stages = session.scalars(select(Stage).order_by(Stage.position))
    return [StageView(id=s.id, name=s.name, position=s.position, default_probability=s.default_probability,
                      is_open=s.is_open, is_won=s.is_won, is_lost=s.is_lost) for s in stages]


def move_stage(session: Session, *, actor: Actor, opportunity_id: int, stage_id: int, expected_version: int | None,
               idempotency_key: str | None = None, now: datetime, policy: Policy | None = None) -> OpportunityView:
    """Move a deal to another stage, refusing if someone changed it since the caller read `expected_version`."""
    policy = policy or Policy()
    # Two moves of one deal at the same time queue here; the second then sees the first's
    # version, idempotency key and name (on SQLite, BEGIN IMMEDIATE already serialises writers).
    lock_row(session, Opportunity, opportunity_id)
    opportunity = session.get(Opportunity, opportunity_id, options=[joinedload(Opportunity.owner),
                                                                     joinedload(Opportunity.account)])
    if opportunity is None:
        raise NotFound(what="opportunity", name=str(opportunity_id))
    require(actor, Action.move_stage, allowed=may_move(actor, opportunity))

    def current() -> OpportunityView:
        return view(opportunity, high_value=high_value_threshold(session, policy.priority), policy=policy,
                    today=now.date(), may_move=True)

    if idempotency_key and session.scalar(select(StageChange.id).where(StageChange.idempotency_key == idempotency_key)):
        return current()
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise NotFound(what="stage", name=str(stage_id))
    stored_version = session.scalar(select(Opportunity.version).where(Opportunity.id == opportunity.id))
    if stored_version != opportunity.version or (expected_version is not None and expected_version != stored_version):
        raise Conflict(what="opportunity", changed_by=last_changed_by(session, entity="opportunity",
                                                                      entity_id=opportunity.id))
    if stage.id == opportunity.stage_id:
        return current()

    old_stage = opportunity.stage
    opportunity.stage = stage
    opportunity.probability = None
    opportunity.closed_on = None if stage.is_open else now.date()
    changes = {"stage": [old_stage.name, stage.name]}
    if not stage.is_lost and opportunity.lost_reason_id is not None:  # reopened or won: no longer lost
        changes["lost_reason"] = [opportunity.lost_reason.name, None]
        opportunity.lost_reason = None
    if not stage.is_lost and opportunity.lost_note is not None:
        changes["lost_note"] = [opportunity.lost_note, None]
        opportunity.lost_note = None
    session.add(StageChange(opportunity_id=opportunity.id, from_stage_id=old_stage.id, to_stage_id=stage.id,
                            changed_by_id=actor.person_id, changed_at=now, idempotency_key=idempotency_key))
    record(session, actor=actor, action="move_stage", entity="opportunity", entity_id=opportunity.id,
           changes=changes, at=now)
    flush_or_conflict(session, what="opportunity", duplicate_key=idempotency_key is not None)
    return current()


def lock_row(session: Session, model, row_id: int) -> None:
    """Hold the row until the transaction ends (SELECT ... FOR UPDATE; a no-op on SQLite)."""
    session.execute(select(model.id).where(model.id == row_id).with_for_update())


def flush_or_conflict(session: Session, *, what: str, duplicate_key: bool = False) -> None:
    """Flush, turning a lost race into Conflict.

    The version was checked just before, so this only fires when another writer
    committed in between (or, with `duplicate_key`, stored the same idempotency
    key first). After a failed flush the session can't be queried, so who it
    was stays unknown.
    """
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(what=what, changed_by="someone") from None
    except IntegrityError:
        if duplicate_key:
            raise Conflict(what=what, changed_by="someone") from None
        raise


def team_pipeline(session: Session, *, actor: Actor, manager_id: int, policy: Policy,
                  today: date) -> TeamPipelineView:
    """Open pipeline of the manager's direct reports and the manager's own deals.

    `today` is part of the interface for callers that date their digest; the
    totals themselves do not depend on it.
    """
    require(actor, Action.see_team_digest, allowed=may_see_team(actor, manager_id=manager_id))
    manager = session.get(Person, manager_id)
    if manager is None:
        raise NotFound(what="manager", name=str(manager_id))
    team = session.scalars(
        select(Person).where((Person.manager_id == manager_id) | (Person.id == manager_id)).order_by(Person.name)
    ).all()
    rows = session.execute(
        select(Opportunity.owner_id, Opportunity.stage_id, Opportunity.lever, *_pipeline_columns())
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(Stage.is_open, Opportunity.owner_id.in_([p.id for p in team]))
        .group_by(Opportunity.owner_id, Opportunity.stage_id, Opportunity.lever, Opportunity.currency)
    ).all()
    stages = {s.id: s for s in session.scalars(select(Stage))}
    rates = load_rates(session, reporting=policy.reporting_currency)

    def empty() -> PipelineTotals:
        return PipelineTotals(currency=rates.reporting)

    by_stage: dict[int, PipelineTotals] = defaultdict(empty)
    by_lever: dict[str, PipelineTotals] = defaultdict(empty)
    by_rep: dict[int, PipelineTotals] = {p.id: empty() for p in team}
    totals = empty()
    for row in rows:
        cell = _totals(row, rates)
        for bucket in (by_stage[row.stage_id], by_lever[row.lever.value if row.lever else NO_LEVER],
                       by_rep[row.owner_id], totals):
            bucket.add(cell)

    names = {p.id: p for p in team}
    return TeamPipelineView(
        manager_id=manager.id, manager_name=manager.name, totals=totals,
        by_stage=[PipelineGroup(key=str(stage_id), label=stages[stage_id].name, totals=t)
                  for stage_id, t in sorted(by_stage.items(), key=lambda item: stages[item[0]].position)],
        by_lever=[PipelineGroup(key=lever, label=lever, totals=t)
                  for lever, t in sorted(by_lever.items(), key=lambda item: (-item[1].amount, item[0]))],
        by_rep=[PipelineGroup(key=str(person_id), label=names[person_id].name, totals=t)
                for person_id, t in sorted(by_rep.items(), key=lambda item: (-item[1].amount, names[item[0]].name))],
    )
