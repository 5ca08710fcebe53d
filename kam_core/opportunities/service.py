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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload, object_session
from sqlalchemy.orm.exc import StaleDataError

from kam_core.accounts.access import require_visible, visible_account
from kam_core.accounts.models import Account, AccountTeamMember, Product
from kam_core.actors import Actor
from kam_core.audit.service import last_changed_by, record
from kam_core.base import as_date
from kam_core.enums import Lever
from kam_core.errors import Conflict, NotFound
from kam_core.fx.service import Rates, currency_code, load_rates
from kam_core.opportunities.models import LostReason, Opportunity, Stage, StageChange
from kam_core.opportunities.priority import QUADRANT_ORDER, high_value_threshold, quadrant
from kam_core.opportunities.schemas import (
    AccountOpportunities,
    OpportunityView,
    PipelineGroup,
    PipelineTotals,
    StageView,
    TeamPipelineView,
)
from kam_core.people.models import Person
from kam_core.permissions import Action, may_move_stage, may_see_team, require
from kam_core.policy import Policy
from kam_core.sqljson import as_money, json_rows, rows_of

CENT = Decimal("0.01")
# The group of deals with no growth lever, in pipeline breakdowns (here and in the digest).
NO_LEVER = "unspecified"


def weighted(amount: Decimal, probability: int) -> Decimal:
    return (Decimal(amount) * probability / 100).quantize(CENT)


def _in_reporting(amount: Decimal, currency: str, probability: int, rates: Rates | None) -> dict:
    """The deal's amounts in the reporting currency, where that is not the deal's own (and rates are known)."""
    if rates is None or currency_code(currency) == rates.reporting:
        return {}
    rate = rates.rate(currency)
    if rate is None:
        return {"reporting_currency": rates.reporting}
    amount = Decimal(amount) * rate
    return {"reporting_currency": rates.reporting, "reporting_amount": amount.quantize(CENT),
            "reporting_weighted": (amount * probability / 100).quantize(CENT)}


@dataclass(frozen=True)
class Deal:
    """What a deal's view reads: from an Opportunity (with its stage, product, owner, lost reason loaded)
    or from a plain row (one account's deals gathered in one statement, account_opportunities)."""
    id: int
    name: str
    account_id: int
    account_name: str
    product_id: int | None
    product: str | None
    lever: Lever | None
    amount: Decimal
    currency: str
    stage_id: int
    stage: str
    is_open: bool
    is_won: bool
    is_lost: bool
    own_probability: int | None
    default_probability: int
    expected_close_date: date | None
    closed_on: date | None
    next_step: str | None
    owner_name: str | None
    owner_email: str | None
    lost_reason: str | None
    lost_note: str | None
    version: int

    @classmethod
    def of(cls, opportunity: Opportunity) -> "Deal":
        stage, owner, product = opportunity.stage, opportunity.owner, opportunity.product
        return cls(
            id=opportunity.id, name=opportunity.name, account_id=opportunity.account_id,
            account_name=opportunity.account.name, product_id=opportunity.product_id,
            product=product.name if product else None, lever=opportunity.lever, amount=opportunity.amount,
            currency=opportunity.currency, stage_id=stage.id, stage=stage.name, is_open=stage.is_open,
            is_won=stage.is_won, is_lost=stage.is_lost, own_probability=opportunity.probability,
            default_probability=stage.default_probability, expected_close_date=opportunity.expected_close_date,
            closed_on=opportunity.closed_on, next_step=opportunity.next_step,
            owner_name=owner.name if owner else None, owner_email=owner.email if owner else None,
            lost_reason=opportunity.lost_reason.name if opportunity.lost_reason else None,
            lost_note=opportunity.lost_note, version=opportunity.version)

    @classmethod
    def of_row(cls, row: dict, *, account_id: int, account_name: str) -> "Deal":
        """A row of _DEALS as JSON gives it back (kam_core.sqljson): booleans may be 0/1, money a number."""
        def day(key: str) -> date | None:
            return None if row[key] is None else as_date(row[key])

        return cls(
            id=int(row["id"]), name=row["name"], account_id=account_id, account_name=account_name,
            product_id=row["product_id"], product=row["product"], lever=Lever(row["lever"]) if row["lever"] else None,
            # As the ORM's Money column gives it: two decimals.
            amount=as_money(row["amount"]), currency=row["currency"], stage_id=int(row["stage_id"]),
            stage=row["stage"], is_open=bool(row["is_open"]), is_won=bool(row["is_won"]), is_lost=bool(row["is_lost"]),
            own_probability=row["probability"], default_probability=int(row["default_probability"]),
            expected_close_date=day("expected_close_date"), closed_on=day("closed_on"), next_step=row["next_step"],
            owner_name=row["owner_name"], owner_email=row["owner_email"], lost_reason=row["lost_reason"],
            lost_note=row["lost_note"], version=int(row["version"]))

    @property
    def probability(self) -> int:
        """The effective probability: the deal's own, else its stage's default."""
        return self.own_probability if self.own_probability is not None else self.default_probability


def view(opportunity: Opportunity, *, high_value: Decimal, policy: Policy, today: date,
         may_move: bool = False, rates: Rates | None = None) -> OpportunityView:
    return deal_view(Deal.of(opportunity), high_value=high_value, policy=policy, today=today, may_move=may_move,
                     rates=rates)


def deal_view(deal: Deal, *, high_value: Decimal, policy: Policy, today: date,
              may_move: bool = False, rates: Rates | None = None) -> OpportunityView:
    probability = deal.probability
    close = deal.expected_close_date
    days_to_close = (close - today).days if close else None
    return OpportunityView(
        id=deal.id, name=deal.name, account_id=deal.account_id, account_name=deal.account_name,
        product=deal.product, lever=deal.lever, amount=deal.amount, currency=deal.currency, stage=deal.stage,
        stage_id=deal.stage_id, is_open=deal.is_open, probability=probability,
        weighted_amount=weighted(deal.amount, probability), expected_close_date=close,
        closed_on=deal.closed_on, next_step=deal.next_step, owner_name=deal.owner_name, owner_email=deal.owner_email,
        quadrant=quadrant(probability=probability, amount=deal.amount, high_value=high_value,
                          policy=policy.priority) if deal.is_open else None,
        version=deal.version, days_to_close=days_to_close,
        overdue=deal.is_open and days_to_close is not None and days_to_close < 0, may_move=may_move,
        product_id=deal.product_id, own_probability=deal.own_probability,
        lost_reason=deal.lost_reason, lost_note=deal.lost_note,
        is_won=deal.is_won, is_lost=deal.is_lost, **_in_reporting(deal.amount, deal.currency, probability, rates),
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


# Built once: /kam opps runs it on every request. One account with its owner (for the visibility check and
# who may move its deals), its open deals with their stage, product, owner and lost reason, and its account
# team's ids, in one statement.
_ACCOUNT_OWNER, _DEAL_OWNER = aliased(Person), aliased(Person)
_OPEN_DEALS = (
    select(Opportunity.id, Opportunity.name, Opportunity.product_id, Product.name.label("product"), Opportunity.lever,
           Opportunity.amount, Opportunity.currency, Opportunity.stage_id, Stage.name.label("stage"), Stage.is_open,
           Stage.is_won, Stage.is_lost, Stage.default_probability, Opportunity.probability,
           Opportunity.expected_close_date, Opportunity.closed_on, Opportunity.next_step, Opportunity.owner_id,
           _DEAL_OWNER.name.label("owner_name"), _DEAL_OWNER.email.label("owner_email"),
           _DEAL_OWNER.manager_id.label("owner_manager_id"), LostReason.name.label("lost_reason"),
           Opportunity.lost_note, Opportunity.version)
    .join(Stage, Stage.id == Opportunity.stage_id)
    .outerjoin(Product, Product.id == Opportunity.product_id)
    .outerjoin(_DEAL_OWNER, _DEAL_OWNER.id == Opportunity.owner_id)
    .outerjoin(LostReason, LostReason.id == Opportunity.lost_reason_id)
    .where(Opportunity.account_id == Account.id, Stage.is_open)
    .order_by(Opportunity.id)
    .correlate(Account)  # a subquery in FROM (kam_core.sqljson) is not correlated by itself
)
_ACCOUNT_DEALS = (
    select(Account.id, Account.name, Account.owner_id, _ACCOUNT_OWNER.team.label("owner_team"),
           _ACCOUNT_OWNER.manager_id.label("owner_manager_id"), json_rows(_OPEN_DEALS).label("deals"),
           json_rows(select(AccountTeamMember.person_id).where(AccountTeamMember.account_id == Account.id)
                     .correlate(Account)).label("team"))
    .outerjoin(_ACCOUNT_OWNER, _ACCOUNT_OWNER.id == Account.owner_id)
    .where(Account.id == bindparam("account_id"))
)


def account_opportunities(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                          today: date) -> AccountOpportunities:
    """The account's open deals, act-now first, then by amount: one statement (the high-value threshold and
    the rates are kept per process, kam_core.changes)."""
    row = session.execute(_ACCOUNT_DEALS, {"account_id": account_id}).first()
    if row is None:
        raise NotFound(what="account", name=str(account_id))
    require_visible(actor, policy=policy, owner_id=row.owner_id, owner_team=row.owner_team,
                    owner_manager_id=row.owner_manager_id)
    team = {int(member["person_id"]) for member in rows_of(row.team)}
    high_value = high_value_threshold(session, policy.priority)
    rates = load_rates(session, reporting=policy.reporting_currency)
    views = []
    for deal_row in rows_of(row.deals):
        deal = Deal.of_row(deal_row, account_id=row.id, account_name=row.name)
        allowed = may_move_stage(actor, owner_id=deal_row["owner_id"], owner_manager_id=deal_row["owner_manager_id"],
                                 account_owner_id=row.owner_id, account_owner_manager_id=row.owner_manager_id,
                                 account_team_ids=team)
        views.append(deal_view(deal, high_value=high_value, policy=policy, today=today, may_move=allowed, rates=rates))
    views.sort(key=lambda v: (QUADRANT_ORDER[v.quadrant], -v.amount, v.id))
    return AccountOpportunities(account_id=row.id, account_name=row.name, deals=views)


def open_opportunities(session: Session, *, actor: Actor, account_id: int, policy: Policy,
                       today: date) -> list[OpportunityView]:
    """The account's open deals, act-now first, then by amount."""
    return account_opportunities(session, actor=actor, account_id=account_id, policy=policy, today=today).deals


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


def pipeline_columns():
    """Grouped by currency too (the callers add Opportunity.currency to their GROUP BY): each group is
    converted to the reporting currency at its rate (pipeline_cell)."""
    probability = func.coalesce(Opportunity.probability, Stage.default_probability)
    return (
        Opportunity.currency,
        func.count(Opportunity.id).label("count"),
        func.coalesce(func.sum(Opportunity.amount), 0).label("amount"),
        func.coalesce(func.sum(Opportunity.amount * probability), 0).label("amount_x_probability"),
    )


def pipeline_cell(row, rates: Rates) -> PipelineTotals:
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
    select(Opportunity.account_id, *pipeline_columns()).join(Stage, Stage.id == Opportunity.stage_id)
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
        result[row.account_id].add(pipeline_cell(row, rates))
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
        select(Opportunity.owner_id, Opportunity.stage_id, Opportunity.lever, *pipeline_columns())
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
        cell = pipeline_cell(row, rates)
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
