"""Tier services: recompute the pyramid, explain a tier, override it, its history."""

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import String, bindparam, case, cast, exists, func, insert, null, select, update
from sqlalchemy.orm import Session, aliased

from kam_core import clock
from kam_core.accounts.models import Account, AccountValue, TierChange, tier_of
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.enums import Tier, TierSource
from kam_core.errors import InvalidInput, NotFound
from kam_core.fx.service import Rates, load_rates
from kam_core.people.models import Person
from kam_core.permissions import Action, may_set_tier, require
from kam_core.policy import Policy
from kam_core.sqljson import as_money, json_row, row_of, rows_of
from kam_core.tiers.ranking import rank_accounts
from kam_core.tiers.schemas import RecomputeReport, TierChangeView, TierExplanation, TierFlow, TierMove
from kam_core.tiers.value import ValueFigures, compute_value
from kam_core.tiers.won_deals import Window, value_window, won_days_column, won_deal_values, won_figures, won_in

# The reason is kept with the account and in its tier history (String(500) columns).
MAX_REASON = 500


def latest_values(session: Session, policy: Policy, account_ids: list[int] | None = None, *,
                  today: date | None = None, rates: Rates | None = None) -> dict[int, ValueFigures]:
    """Each account's figures: those recorded for its most recent period, else its won deals over the
    value window (won_deals.py), so recorded figures always replace derived ones."""
    latest = select(AccountValue.account_id, func.max(AccountValue.period).label("period")).group_by(
        AccountValue.account_id
    )
    if account_ids is not None:
        latest = latest.where(AccountValue.account_id.in_(account_ids))
    latest = latest.subquery()
    v = AccountValue
    # Plain rows, not ORM objects: this runs over every account on a recompute.
    rows = session.execute(
        select(v.account_id, v.period, v.currency, v.revenue, v.profit_contribution, v.cost_to_serve,
               v.learning_score, v.capability_score, v.referral_score)
        .join(latest, (v.account_id == latest.c.account_id) & (v.period == latest.c.period))
    )
    values = {row.account_id: compute_value(row, policy.value) for row in rows}
    for account_id, figures in derived_values(session, policy, account_ids, today=today, rates=rates).items():
        values.setdefault(account_id, figures)
    return values


def derived_values(session: Session, policy: Policy, account_ids: list[int] | None = None, *,
                   today: date | None = None, rates: Rates | None = None) -> dict[int, ValueFigures]:
    """What each account's won deals of the value window are worth (won_deals.py), recorded figures or not."""
    window = value_window(session, today=today or clock.today())
    if window is None:
        return {}
    rates = rates or load_rates(session, reporting=policy.reporting_currency)
    return won_deal_values(session, window=window, rates=rates, account_ids=account_ids)


# A recompute names this many of its largest moves.
LARGEST_MOVES = 5


def recompute_tiers(session: Session, *, policy: Policy, actor: Actor, now: datetime | None = None) -> RecomputeReport:
    """Rank every account by total value (in the reporting currency) and store each one's computed tier.

    A change of an account's effective tier (no manual override in the way) is written to its tier
    history with the figures behind it. The report says which accounts moved, and which would have
    but for an override.
    """
    now = now or utcnow()
    rates = load_rates(session, reporting=policy.reporting_currency)
    values = latest_values(session, policy, today=now.date(), rates=rates)
    accounts = session.execute(
        select(Account.id, Account.name, Account.computed_tier, Account.tier_override, Account.value_rank,
               Account.value_total, Account.tiers_computed_at)
    ).all()
    no_rate: Counter[str] = Counter()
    ranked = rank_accounts(
        [(a.id, a.name, _comparable(values.get(a.id), rates, no_rate)) for a in accounts], policy.tiers
    )
    by_id = {a.id: a for a in accounts}
    updates, changes, moves, kept = [], [], [], []
    counts = dict.fromkeys(Tier, 0)
    first_ranked = dict.fromkeys(Tier, 0)
    for r in ranked:
        account = by_id[r.account_id]
        figures = values.get(r.account_id)
        counts[account.tier_override or r.tier] += 1
        updates.append({
            "id": r.account_id, "computed_tier": r.tier, "value_total": r.total_value,
            "value_period": figures.period if figures else None, "value_rank": r.rank,
            "value_share": r.share, "value_share_before": r.share_before, "tiers_computed_at": now,
        })
        if account.tiers_computed_at is None:
            first_ranked[account.tier_override or r.tier] += 1
        elif account.computed_tier != r.tier:
            move = TierMove(account_id=r.account_id, account_name=account.name, old_tier=account.computed_tier,
                            new_tier=r.tier, old_rank=account.value_rank, new_rank=r.rank,
                            old_value=account.value_total, new_value=r.total_value,
                            kept_tier=account.tier_override)
            (kept if account.tier_override else moves).append(move)
        if account.computed_tier != r.tier and account.tier_override is None:
            changes.append({
                "account_id": r.account_id, "old_tier": account.computed_tier, "new_tier": r.tier,
                "source": TierSource.computed, "reason": None, "changed_at": now,
                "figures": {"rank": r.rank, "of": len(ranked), "total_value": str(r.total_value),
                            "share": r.share, "share_before": r.share_before,
                            "period": figures.period if figures else None,
                            "source": figures.source.value if figures else None},
            })
    if updates:
        session.execute(update(Account), updates)
        # Bulk updates bypass the identity map: reload accounts this session holds.
        for held in [o for o in session.identity_map.values() if isinstance(o, Account)]:
            session.expire(held)
    if changes:
        session.execute(insert(TierChange), changes)
    total = sum((r.total_value for r in ranked if r.total_value > 0), Decimal(0))
    record(session, actor=actor, action="recompute_tiers", entity="account", entity_id=None,
           changes={"ranked": len(ranked), "changed": len(changes), "moved": len(moves), "kept": len(kept)})
    return RecomputeReport(
        ranked=len(ranked), total_value=total, counts=counts, changed=len(changes), currency=rates.reporting,
        moved=len(moves), flows=_flows(moves), largest=_largest(moves),
        first_ranked={t: n for t, n in first_ranked.items() if n}, kept=len(kept), kept_examples=_largest(kept),
        no_rate=dict(sorted(no_rate.items())),
    )


def _comparable(figures: ValueFigures | None, rates: Rates, no_rate: Counter) -> Decimal:
    """The account's total value in the reporting currency; without a rate it cannot rank above nothing
    (and the report names the currency)."""
    if figures is None:
        return Decimal(0)
    for left_out in figures.left_out:
        no_rate[left_out.currency] += 1
    converted = rates.convert(figures.total_value, figures.currency)
    if converted is None:
        no_rate[figures.currency] += 1
        return Decimal(0)
    return converted


_TIER_ORDER = {tier: i for i, tier in enumerate(Tier)}


def _flows(moves: list[TierMove]) -> list[TierFlow]:
    flows = Counter((m.old_tier, m.new_tier) for m in moves)
    return [TierFlow(old_tier=old, new_tier=new, accounts=n) for (old, new), n in
            sorted(flows.items(), key=lambda f: (-f[1], _TIER_ORDER[f[0][0]], _TIER_ORDER[f[0][1]]))]


def _largest(moves: list[TierMove]) -> list[TierMove]:
    """By how far the rank moved, then by how much the value changed."""
    return sorted(moves, key=lambda m: (-m.rank_change, -m.value_change, m.account_name))[:LARGEST_MOVES]


def set_tier(session: Session, *, actor: Actor, account_id: int, tier: Tier | None, reason: str,
             now: datetime | None = None) -> Account:
    """A manager's override of their team's account (an admin's of any); `tier=None` returns the
    account to its computed tier. Who may is checked before the reason, so nobody is asked to fix a
    reason only to be refused after."""
    require(actor, Action.set_tier)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(what="account", name=str(account_id))
    owner = account.owner
    require(actor, Action.set_tier, allowed=may_set_tier(
        actor, account_owner_id=owner.id if owner else None,
        account_owner_manager_id=owner.manager_id if owner else None))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(field="reason", problem="reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput(field="reason", problem="reason_too_long", length=len(reason), limit=MAX_REASON)
    now = now or utcnow()
    old = account.tier
    account.tier_override = tier
    account.tier_override_reason = reason if tier else None
    account.tier_override_by_id = actor.person_id if tier else None
    account.tier_override_at = now if tier else None
    session.add(TierChange(account_id=account.id, old_tier=old, new_tier=account.tier, source=TierSource.manual,
                           author_id=actor.person_id, reason=reason, changed_at=now))
    record(session, actor=actor, action="set_tier", entity="account", entity_id=account.id,
           changes={"tier": [old, account.tier], "reason": reason})
    session.flush()
    return account


def explanation_columns():
    """What explain_tier reads, as columns of a statement over `accounts` (one account per row; the statement
    binds `today`): the account card gathers them in its own statement (kam_core/accounts/card_query.py)."""
    ranked, by = aliased(Account), aliased(Person)
    v = AccountValue
    recorded = exists().where(v.account_id == Account.id).correlate(Account)
    return (
        Account.id, Account.name, Account.computed_tier, Account.tier_override, Account.value_rank,
        Account.value_share, Account.value_share_before, Account.tier_override_reason, Account.tier_override_at,
        Account.tiers_computed_at,
        # Ranks run 1..N, so the highest is the count; an index makes it one lookup.
        select(func.max(ranked.value_rank)).correlate(None).scalar_subquery().label("ranked_accounts"),
        select(by.name).where(by.id == Account.tier_override_by_id).correlate(Account).scalar_subquery()
        .label("override_by"),
        json_row(select(v.period, v.currency, cast(v.revenue, String).label("revenue"),
                        cast(v.profit_contribution, String).label("profit_contribution"),
                        cast(v.cost_to_serve, String).label("cost_to_serve"), v.learning_score, v.capability_score,
                        v.referral_score)
                 .where(v.account_id == Account.id).order_by(v.period.desc()).correlate(Account))
        .label("latest_value"),
        # Won deals count only when nothing is recorded: only then are they read (CASE reads one branch).
        case((recorded, null()), else_=won_days_column(Account.id)).label("won_days"),
    )


def explained(row, *, policy: Policy, window_of: Callable[[], Window | None], rates: Callable[[], Rates]
              ) -> TierExplanation:
    """explain_tier from a row of explanation_columns(). Without recorded figures, `window_of()` (value_window:
    kept per process) says which won deals count, and `rates()` values them."""
    latest = row_of(row.latest_value)
    window = None
    if latest is not None:
        figures = compute_value(SimpleNamespace(**latest | {
            "revenue": as_money(latest["revenue"]), "profit_contribution": as_money(latest["profit_contribution"]),
            "cost_to_serve": as_money(latest["cost_to_serve"])}), policy.value)
    else:  # nothing recorded: its won deals, if any
        window = window_of()
        won = won_in(window, rows_of(row.won_days)) if window is not None else []
        figures = won_figures(won, window, rates()) if won else None
    return TierExplanation(
        account_id=row.id, account_name=row.name, tier=tier_of(row),
        computed_tier=row.computed_tier, rank=row.value_rank, ranked_accounts=row.ranked_accounts or 0,
        share=row.value_share, share_before=row.value_share_before, key_share=policy.tiers.key_share,
        important_share=policy.tiers.important_share, figures=figures,
        won_deals_window=(window.start, window.end) if window and figures is None else None,
        override_reason=row.tier_override_reason, override_by=row.override_by,
        override_at=row.tier_override_at, computed_at=row.tiers_computed_at,
    )




# Built once (explain_tier runs for every `kam tier why`): building a statement costs more than running it.
_EXPLAIN = select(*explanation_columns()).where(Account.id == bindparam("account_id"))


def explain_tier(session: Session, *, account_id: int, policy: Policy, today: date | None = None,
                 rates: Rates | None = None) -> TierExplanation:
    """Why the account has its tier; `rates` (loaded when needed if not given) value its won deals."""
    row = session.execute(_EXPLAIN, {"account_id": account_id, "today": today or clock.today()}).first()
    if row is None:
        raise NotFound(what="account", name=str(account_id))
    return explained(row, policy=policy, window_of=lambda: value_window(session, today=today or clock.today()),
                     rates=lambda: rates or load_rates(session, reporting=policy.reporting_currency))


def tier_history(session: Session, *, account_id: int) -> list[TierChangeView]:
    rows = session.scalars(
        select(TierChange).where(TierChange.account_id == account_id).order_by(TierChange.changed_at, TierChange.id)
    )
    return [TierChangeView(old_tier=r.old_tier, new_tier=r.new_tier, source=r.source,
                           author=r.author.name if r.author else None, reason=r.reason, changed_at=r.changed_at)
            for r in rows]
