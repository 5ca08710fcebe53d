"""Creating, editing and closing a deal (KAM_DOMAIN.md §4: lever, amount, stage, probability, expected
close date, next step, owner).

Rules:
- Who may create a deal on an account: kam_core.permissions.may_create_opportunity; the creator owns it
  (a console actor, who is no person, gives it to the account's owner). Edit and close follow
  may_move_stage (docs/permissions.md).
- A new deal starts in an open stage, needs a name, an amount (0 or more, under 10^14; "50k", "1.2m" and
  "50,000" are read too) and an expected close date not in the past. Its probability is the stage's
  unless one is given (0-100). Every problem of a form is told at once (Invalid), each under its field.
- An edit changes only the fields given (UNCHANGED is "not sent"); each change is audited as
  [old, new]; nothing changed writes nothing. The version the editor saw is checked (Conflict).
- An edit may move the deal between open stages, and back from a closed one (reopening: closed_on,
  the lost reason and note are cleared); a deal is closed with close_opportunity, which sets the won or
  lost stage, closed_on, clears its own probability and, when lost, asks a reason from the active list.
- Every stage change is also a StageChange (the digest reads stages as of a past week from them).
"""

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account, AccountValue, Product
from kam_core.actors import Actor
from kam_core.audit.service import last_changed_by, record
from kam_core.enums import Lever
from kam_core.errors import Conflict, Invalid, InvalidInput, NotFound
from kam_core.opportunities.lost_reasons import lost_reasons
from kam_core.opportunities.models import LostReason, Opportunity, Stage, StageChange
from kam_core.opportunities.priority import high_value_threshold
from kam_core.opportunities.schemas import CloseForm, DealForm, DealOutcome, OpportunityView, ProductOption
from kam_core.opportunities.service import (
    account_team_ids,
    flush_or_conflict,
    list_stages,
    lock_row,
    may_move,
    view,
)
from kam_core.permissions import Action, may_create_opportunity, require
from kam_core.policy import Policy

AMOUNT_LIMIT = 10**14
NAME_LIMIT = 200
NEXT_STEP_LIMIT = 500
LOST_NOTE_LIMIT = 500
CLOSE_YEARS = 10
# Where a deal made in Slack says it came from; its external_id is the request's key (one deal per form).
SOURCE = "kam"
DEFAULT_CURRENCY = "USD"


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


# ---- reading what was typed -------------------------------------------------------------------

_MULTIPLIERS = {"k": 1_000, "m": 1_000_000}


def parse_amount(value: Decimal | int | str | None) -> Decimal:
    """An amount as typed: 50000, 50,000, 50k, 1.2m; 0 or more, under 10^14, rounded to cents."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(field="amount", problem="amount_missing")
    text = str(value).strip()
    cleaned = re.sub(r"[\s,_]", "", text).lower()
    factor = _MULTIPLIERS.get(cleaned[-1:], 1)
    if factor != 1:
        cleaned = cleaned[:-1]
    try:
        amount = Decimal(cleaned) * factor
    except InvalidOperation:
        raise InvalidInput(field="amount", problem="amount_not_a_number", value=text) from None
    if not amount.is_finite():
        raise InvalidInput(field="amount", problem="amount_not_a_number", value=text)
    if amount < 0:
        raise InvalidInput(field="amount", problem="amount_negative", value=text)
    if amount >= AMOUNT_LIMIT:
        raise InvalidInput(field="amount", problem="amount_too_large", value=text, limit=AMOUNT_LIMIT)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_probability(value: int | str | None) -> int | None:
    """A win probability 0-100 ("40" or "40%"); None (nothing typed) means the stage's."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().rstrip("%").strip()
    if not re.fullmatch(r"\d{1,3}", text) or int(text) > 100:
        raise InvalidInput(field="probability", problem="probability_range", value=str(value).strip())
    return int(text)


def _currency(value: str | None) -> str:
    text = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise InvalidInput(field="currency", problem="currency_code", value=(value or "").strip())
    return text


def _name(value: str | None) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInput(field="name", problem="deal_name_missing")
    if len(text) > NAME_LIMIT:
        raise InvalidInput(field="name", problem="deal_name_too_long", length=len(text), limit=NAME_LIMIT)
    return text


def _text(value: str | None, *, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(field=field, problem="deal_text_too_long", length=len(text), limit=limit)
    return text or None


def _lever(value: Lever | str | None) -> Lever | None:
    if value is None or value == "":
        return None
    try:
        return Lever(value)
    except ValueError:
        raise InvalidInput(field="lever", problem="unknown_lever", value=str(value)) from None


def _close_date(value: date | str | None, *, today: date) -> date:
    if value is None or value == "":
        raise InvalidInput(field="expected_close_date", problem="close_date_missing_for_deal")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(field="expected_close_date", problem="not_a_date", value=value) from None
    if value < today:
        raise InvalidInput(field="expected_close_date", problem="close_date_in_past")
    if value > today + timedelta(days=366 * CLOSE_YEARS):
        raise InvalidInput(field="expected_close_date", problem="close_date_far_ahead", years=CLOSE_YEARS)
    return value


def _id(value: int | str) -> int:
    """A record id from a form (0, which no record has, when it is no id at all)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _product(session: Session, product_id: int | str | None) -> Product | None:
    if product_id is None or product_id == "":
        return None
    product = session.get(Product, _id(product_id))
    if product is None:
        raise InvalidInput(field="product_id", problem="unknown_product")
    return product


def _open_stage(session: Session, stage_id: int | str | None) -> Stage:
    if stage_id is None or stage_id == "":
        raise InvalidInput(field="stage_id", problem="choose_open_stage")
    stage = session.get(Stage, _id(stage_id))
    if stage is None or not stage.is_open:
        raise InvalidInput(field="stage_id", problem="choose_open_stage")
    return stage


class _Checks:
    """Runs each field's check and keeps every problem, so a form hears of them all at once."""

    def __init__(self) -> None:
        self.problems: list[InvalidInput] = []

    def __call__(self, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except InvalidInput as problem:
            self.problems.append(problem)
            return None

    def raise_any(self) -> None:
        if len(self.problems) == 1:
            raise self.problems[0]
        if self.problems:
            raise Invalid(self.problems)


# ---- the forms' data ----------------------------------------------------------------------------

def default_currency(session: Session, account_id: int) -> str:
    """The currency of the account's latest value figures, else of its latest deal, else USD."""
    latest = session.scalar(select(AccountValue.currency).where(AccountValue.account_id == account_id)
                            .order_by(AccountValue.period.desc()).limit(1))
    latest = latest or session.scalar(select(Opportunity.currency).where(Opportunity.account_id == account_id)
                                      .order_by(Opportunity.id.desc()).limit(1))
    return latest or DEFAULT_CURRENCY


def _products(session: Session) -> list[ProductOption]:
    return [ProductOption(id=p.id, name=p.name) for p in session.scalars(select(Product).order_by(Product.name))]


def _account_for_create(session: Session, *, actor: Actor, account_id: int, policy: Policy) -> Account:
    """The account, refused unless `actor` may add a deal to it (after it is confirmed visible)."""
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy)
    owner = account.owner
    require(actor, Action.create_opportunity, allowed=may_create_opportunity(
        actor, account_owner_id=owner.id if owner else None, account_owner_manager_id=owner.manager_id if owner else None,
        account_team_ids=account_team_ids(session, account.id)))
    return account


def may_create_on(session: Session, *, actor: Actor, account: Account) -> bool:
    """Whether `actor` may add a deal to this account (the card offers "New deal" only then)."""
    owner = account.owner
    return may_create_opportunity(actor, account_owner_id=owner.id if owner else None,
                                  account_owner_manager_id=owner.manager_id if owner else None,
                                  account_team_ids=account_team_ids(session, account.id))


def new_deal_form(session: Session, *, actor: Actor, account_id: int, policy: Policy) -> DealForm:
    """What the new-deal form offers, for someone who may add a deal to the account."""
    account = _account_for_create(session, actor=actor, account_id=account_id, policy=policy)
    return DealForm(account_id=account.id, account_name=account.name,
                    currency=default_currency(session, account.id), products=_products(session),
                    stages=[s for s in list_stages(session) if s.is_open])


def _deal(session: Session, opportunity_id: int) -> Opportunity:
    opportunity = session.get(Opportunity, opportunity_id, options=[joinedload(Opportunity.owner),
                                                                     joinedload(Opportunity.account)])
    if opportunity is None:
        raise NotFound(what="opportunity", name=str(opportunity_id))
    return opportunity


def _editable(session: Session, *, actor: Actor, opportunity_id: int, policy: Policy, action: Action) -> Opportunity:
    opportunity = _deal(session, opportunity_id)
    visible_account(session, actor=actor, account_id=opportunity.account_id, policy=policy)
    require(actor, action, allowed=may_move(actor, opportunity))
    return opportunity


def _view(session: Session, opportunity: Opportunity, *, policy: Policy, today: date) -> OpportunityView:
    return view(opportunity, high_value=high_value_threshold(session, policy.priority), policy=policy, today=today,
                may_move=True)


def edit_deal_form(session: Session, *, actor: Actor, opportunity_id: int, policy: Policy, today: date) -> DealForm:
    """What the edit form offers, with the deal as it is now, for someone who may edit it."""
    opportunity = _editable(session, actor=actor, opportunity_id=opportunity_id, policy=policy,
                            action=Action.edit_opportunity)
    return DealForm(account_id=opportunity.account_id, account_name=opportunity.account.name,
                    currency=opportunity.currency, products=_products(session),
                    stages=[s for s in list_stages(session) if s.is_open],
                    deal=_view(session, opportunity, policy=policy, today=today))


def close_deal_form(session: Session, *, actor: Actor, opportunity_id: int, policy: Policy, today: date) -> CloseForm:
    """The deal and the lost reasons offered (the active ones), for someone who may close it."""
    opportunity = _editable(session, actor=actor, opportunity_id=opportunity_id, policy=policy,
                            action=Action.close_opportunity)
    return CloseForm(deal=_view(session, opportunity, policy=policy, today=today), lost_reasons=lost_reasons(session))


# ---- writing --------------------------------------------------------------------------------------

def create_opportunity(session: Session, *, actor: Actor, account_id: int, name: str,
                       amount: Decimal | int | str | None, expected_close_date: date | str | None,
                       stage_id: int | str | None, product_id: int | str | None = None,
                       lever: Lever | str | None = None, currency: str | None = None,
                       probability: int | str | None = None, next_step: str | None = None,
                       idempotency_key: str | None = None, now: datetime, today: date,
                       policy: Policy) -> OpportunityView:
    """A new deal on the account, owned by its creator. A key already used returns that deal."""
    account = _account_for_create(session, actor=actor, account_id=account_id, policy=policy)
    if idempotency_key:
        made = session.scalar(select(Opportunity).where(Opportunity.source == SOURCE,
                                                        Opportunity.external_id == idempotency_key))
        if made is not None:
            return _view(session, made, policy=policy, today=today)
    check = _Checks()
    values = {
        "name": check(_name, name), "amount": check(parse_amount, amount),
        "expected_close_date": check(_close_date, expected_close_date, today=today),
        "stage": check(_open_stage, session, stage_id), "product": check(_product, session, product_id),
        "lever": check(_lever, lever),
        "currency": check(_currency, currency) if currency else default_currency(session, account.id),
        "probability": check(parse_probability, probability),
        "next_step": check(_text, next_step, field="next_step", limit=NEXT_STEP_LIMIT),
    }
    check.raise_any()
    owner_id = actor.person_id or account.owner_id
    opportunity = Opportunity(account=account, owner_id=owner_id, source=SOURCE if idempotency_key else None,
                              external_id=idempotency_key, **values)
    session.add(opportunity)
    flush_or_conflict(session, what="opportunity", duplicate_key=idempotency_key is not None)
    record(session, actor=actor, action="create_opportunity", entity="opportunity", entity_id=opportunity.id, at=now,
           changes={field: [None, new] for field, new in _shown(values).items() if new is not None})
    session.refresh(opportunity)
    return _view(session, opportunity, policy=policy, today=today)


def _shown(values: dict) -> dict:
    """Field values as the audit keeps them: products and stages by name."""
    shown = dict(values)
    for field in ("product", "stage", "lost_reason"):
        if field in shown:
            shown[field] = shown[field].name if shown[field] is not None else None
    return shown


def _check_version(session: Session, opportunity: Opportunity, expected_version: int | None) -> None:
    stored = session.scalar(select(Opportunity.version).where(Opportunity.id == opportunity.id))
    if stored != opportunity.version or (expected_version is not None and expected_version != stored):
        raise Conflict(what="opportunity", changed_by=last_changed_by(session, entity="opportunity",
                                                                      entity_id=opportunity.id))


def _move(session: Session, opportunity: Opportunity, stage: Stage, *, actor: Actor, now: datetime) -> None:
    session.add(StageChange(opportunity_id=opportunity.id, from_stage_id=opportunity.stage_id, to_stage_id=stage.id,
                            changed_by_id=actor.person_id, changed_at=now))
    opportunity.stage = stage


def update_opportunity(session: Session, *, actor: Actor, opportunity_id: int, expected_version: int | None,
                       name: str = UNCHANGED, product_id: int | str | None = UNCHANGED,
                       lever: Lever | str | None = UNCHANGED, amount: Decimal | int | str = UNCHANGED,
                       currency: str = UNCHANGED, expected_close_date: date | str | None = UNCHANGED,
                       stage_id: int | str = UNCHANGED, probability: int | str | None = UNCHANGED,
                       next_step: str | None = UNCHANGED, now: datetime, today: date,
                       policy: Policy) -> OpportunityView:
    """Change the fields given; each change audited [old, new]. An open stage given to a closed deal
    reopens it (closed_on, lost reason and note cleared). When the deal already is as asked nothing is
    written, whatever its version (the same form submitted twice)."""
    lock_row(session, Opportunity, opportunity_id)
    opportunity = _editable(session, actor=actor, opportunity_id=opportunity_id, policy=policy,
                            action=Action.edit_opportunity)
    check = _Checks()
    wanted: dict[str, Any] = {}
    for field, value, reader in (("name", name, _name), ("amount", amount, parse_amount),
                                 ("currency", currency, _currency), ("lever", lever, _lever),
                                 ("probability", probability, parse_probability)):
        if value is not UNCHANGED:
            wanted[field] = check(reader, value)
    if product_id is not UNCHANGED:
        wanted["product"] = check(_product, session, product_id)
    if stage_id is not UNCHANGED:
        wanted["stage"] = check(_open_stage, session, stage_id)
    if next_step is not UNCHANGED:
        wanted["next_step"] = check(_text, next_step, field="next_step", limit=NEXT_STEP_LIMIT)
    if expected_close_date is not UNCHANGED and _as_date(expected_close_date) != opportunity.expected_close_date:
        # A date kept as it was may have passed since: only a new one must be ahead.
        wanted["expected_close_date"] = check(_close_date, expected_close_date, today=today)
    check.raise_any()

    wanted = {field: new for field, new in wanted.items() if getattr(opportunity, field) != new}
    if not wanted:
        return _view(session, opportunity, policy=policy, today=today)
    _check_version(session, opportunity, expected_version)
    changes = {field: [_shown({field: getattr(opportunity, field)})[field], _shown({field: new})[field]]
               for field, new in wanted.items()}
    if "stage" in wanted:
        if not opportunity.stage.is_open:  # reopened
            changes.update(_reopen(opportunity))
        if "probability" not in wanted and opportunity.probability is not None:
            # The old stage's probability means nothing in the new one (as move_stage does).
            changes["probability"] = [opportunity.probability, None]
            opportunity.probability = None
        _move(session, opportunity, wanted.pop("stage"), actor=actor, now=now)
    for field, new in wanted.items():
        setattr(opportunity, field, new)
    record(session, actor=actor, action="update_opportunity", entity="opportunity", entity_id=opportunity.id,
           changes=changes, at=now)
    flush_or_conflict(session, what="opportunity")
    return _view(session, opportunity, policy=policy, today=today)


def _as_date(value) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            return None
    return value


def _reopen(opportunity: Opportunity) -> dict:
    """Clear what only a closed deal has; the audited changes."""
    changes: dict[str, list] = {}
    for field, shown in (("closed_on", opportunity.closed_on),
                         ("lost_reason", opportunity.lost_reason.name if opportunity.lost_reason else None),
                         ("lost_note", opportunity.lost_note)):
        if shown is not None:
            changes[field] = [shown, None]
            setattr(opportunity, field, None)
    return changes


def _closing_stage(session: Session, outcome: DealOutcome) -> Stage:
    flag = Stage.is_won if outcome == DealOutcome.won else Stage.is_lost
    stage = session.scalar(select(Stage).where(flag).order_by(Stage.position).limit(1))
    if stage is None:
        raise InvalidInput(field="outcome", problem="stages_missing")
    return stage


def _lost_reason(session: Session, lost_reason_id: int | str | None) -> LostReason:
    if lost_reason_id is None or lost_reason_id == "":
        raise InvalidInput(field="lost_reason_id", problem="lost_reason_missing")
    reason = session.get(LostReason, _id(lost_reason_id))
    if reason is None or not reason.active:
        raise InvalidInput(field="lost_reason_id", problem="lost_reason_retired")
    return reason


def close_opportunity(session: Session, *, actor: Actor, opportunity_id: int, expected_version: int | None,
                      outcome: DealOutcome | str, lost_reason_id: int | str | None = None,
                      lost_note: str | None = None, now: datetime, today: date, policy: Policy) -> OpportunityView:
    """Close the deal won or lost (lost: a reason from the active list, and the rep's words if any)."""
    lock_row(session, Opportunity, opportunity_id)
    opportunity = _editable(session, actor=actor, opportunity_id=opportunity_id, policy=policy,
                            action=Action.close_opportunity)
    try:
        outcome = DealOutcome(outcome)
    except ValueError:
        raise InvalidInput(field="outcome", problem="choose_outcome") from None
    check = _Checks()
    reason = note = None
    if outcome == DealOutcome.lost:
        reason = check(_lost_reason, session, lost_reason_id)
        note = check(_text, lost_note, field="lost_note", limit=LOST_NOTE_LIMIT)
    stage = check(_closing_stage, session, outcome)
    check.raise_any()

    old_reason = opportunity.lost_reason
    wanted = {field: new for field, new in (("stage", stage), ("probability", None), ("lost_note", note))
              if getattr(opportunity, field) != new}
    if (old_reason.id if old_reason else None) != (reason.id if reason else None):
        wanted["lost_reason"] = reason
    if not wanted:  # already closed so (the same form submitted twice)
        return _view(session, opportunity, policy=policy, today=today)
    _check_version(session, opportunity, expected_version)
    changes = {field: [_shown({field: getattr(opportunity, field)})[field], _shown({field: new})[field]]
               for field, new in wanted.items()}
    if "stage" in wanted:
        changes["closed_on"] = [opportunity.closed_on, today]
        opportunity.closed_on = today
        _move(session, opportunity, wanted.pop("stage"), actor=actor, now=now)
    for field, new in wanted.items():
        setattr(opportunity, field, new)
    record(session, actor=actor, action=f"close_opportunity_{outcome.value}", entity="opportunity",
           entity_id=opportunity.id, changes=changes, at=now)
    flush_or_conflict(session, what="opportunity")
    return _view(session, opportunity, policy=policy, today=today)
