"""The grouped queries behind every digest. Each is ONE statement over the accounts
of all the teams asked for (owner IN the members subquery), so building 500
digests costs the same number of statements as building one; rows are shared out
to managers in Python (kam_core.digests.builder)."""

from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from kam_core.accounts.models import Account, TierChange
from kam_core.enums import FollowUpStatus, InteractionKind, Tier
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.opportunities.models import Opportunity, Stage, StageChange
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective

COMPLAINT_CHARS = 300
effective_tier = func.coalesce(Account.tier_override, Account.computed_tier)


def stages(session: Session) -> dict[int, Stage]:
    return {s.id: s for s in session.scalars(select(Stage))}


def account_counts(session: Session, members: Select) -> dict[int, int]:
    return dict(session.execute(select(Account.owner_id, func.count()).where(Account.owner_id.in_(members))
                                .group_by(Account.owner_id)).all())


def _deals(*extra) -> Select:
    """Deals with their account and the deal's own owner's name (the owner the deal card shows);
    Account.owner_id says whose team the deal is in."""
    owner = aliased(Person)
    return (select(Opportunity.id, Opportunity.name, Opportunity.amount, Opportunity.currency, Opportunity.stage_id,
                   Opportunity.expected_close_date, Opportunity.created_at, Account.id.label("account_id"),
                   Account.name.label("account_name"), Account.owner_id, owner.name.label("deal_owner_name"), *extra)
            .select_from(Opportunity).join(Account, Account.id == Opportunity.account_id)
            .outerjoin(owner, owner.id == Opportunity.owner_id))


def new_deals(session: Session, members: Select, window: tuple[datetime, datetime]):
    return session.execute(_deals(Opportunity.created_at.label("at"))
                           .where(Account.owner_id.in_(members), Opportunity.created_at >= window[0],
                                  Opportunity.created_at < window[1])).all()


def stage_changes(session: Session, members: Select, window: tuple[datetime, datetime]):
    """Every stage move in the window, oldest first, with its deal."""
    return session.execute(
        _deals(StageChange.from_stage_id, StageChange.to_stage_id, StageChange.changed_at.label("at"))
        .join(StageChange, StageChange.opportunity_id == Opportunity.id)
        .where(Account.owner_id.in_(members), StageChange.changed_at >= window[0], StageChange.changed_at < window[1])
        .order_by(StageChange.changed_at, StageChange.id)).all()


def due_in_week(session: Session, members: Select, first_day: date, last_day: date, before: datetime):
    """Deals created before `before` whose expected close date is in the week, in any stage now: whether
    one slipped depends on its stage at the digest's moment (kam_core.digests.as_of)."""
    return session.execute(_deals().where(Account.owner_id.in_(members), Opportunity.created_at < before,
                                          Opportunity.expected_close_date >= first_day,
                                          Opportunity.expected_close_date <= last_day)).all()


def moves_since(session: Session, members: Select, since: datetime):
    """Every stage move of the team's deals at or after `since`, oldest first: undone from the present,
    they give a deal's stage at any moment after `since`."""
    return session.execute(
        select(StageChange.opportunity_id, StageChange.from_stage_id, StageChange.to_stage_id,
               StageChange.changed_at.label("at"))
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id).join(Account)
        .where(Account.owner_id.in_(members), StageChange.changed_at >= since)
        .order_by(StageChange.changed_at, StageChange.id)).all()


def _moved_since(since: datetime) -> Select:
    return select(StageChange.opportunity_id).where(StageChange.changed_at >= since)


def settled_pipeline(session: Session, members: Select, since: datetime):
    """Open pipeline per (owner, stage, lever, currency) of the deals that existed before `since` and have
    not moved since: their stage now is their stage at every moment from `since` on. Count, amount and
    amount × probability."""
    probability = func.coalesce(Opportunity.probability, Stage.default_probability)
    return session.execute(
        select(Account.owner_id, Opportunity.stage_id, Opportunity.lever, Opportunity.currency,
               func.count().label("count"),
               func.coalesce(func.sum(Opportunity.amount), 0).label("amount"),
               func.coalesce(func.sum(Opportunity.amount * probability), 0).label("amount_x_probability"))
        .join(Account).join(Stage, Stage.id == Opportunity.stage_id)
        .where(Account.owner_id.in_(members), Stage.is_open, Opportunity.created_at < since,
               Opportunity.id.not_in(_moved_since(since)))
        .group_by(Account.owner_id, Opportunity.stage_id, Opportunity.lever, Opportunity.currency)).all()


def unsettled_deals(session: Session, members: Select, since: datetime, until: datetime):
    """One row per deal the settled pipeline leaves out that may still count at a moment in [since, until):
    created in between, or moved since `since`, whatever its stage now."""
    return session.execute(
        select(Opportunity.id, Account.owner_id, Opportunity.stage_id, Opportunity.lever, Opportunity.amount,
               Opportunity.currency, Opportunity.probability, Opportunity.created_at)
        .join(Account)
        .where(Account.owner_id.in_(members), Opportunity.created_at < until,
               or_(Opportunity.created_at >= since, Opportunity.id.in_(_moved_since(since))))).all()


def key_accounts(session: Session, members: Select, before: datetime):
    """The team's key accounts with their last touch before `before` (None: never touched)."""
    last_touch = (select(func.max(Interaction.occurred_at))
                  .where(Interaction.account_id == Account.id, Interaction.occurred_at < before)
                  .correlate(Account).scalar_subquery())
    return session.execute(select(Account.id, Account.name, Account.owner_id, last_touch.label("last_touch"))
                           .where(Account.owner_id.in_(members), effective_tier == Tier.key)).all()


def plans(session: Session, members: Select) -> list[tuple[AccountPlan, str, int]]:
    """Every plan of the team's accounts (with its account's name and owner), objectives and actions
    attached: three statements however many plans (selectinload would add one per 500 plans)."""
    owned = select(Account.id).where(Account.owner_id.in_(members))
    found = session.execute(select(AccountPlan, Account.name, Account.owner_id).join(Account)
                            .where(Account.owner_id.in_(members))).all()
    objectives: dict[int, list] = {row[0].id: [] for row in found}
    actions: dict[int, list] = {row[0].id: [] for row in found}
    in_plans = select(AccountPlan.id).where(AccountPlan.account_id.in_(owned))
    for objective in session.scalars(select(PlanObjective).where(PlanObjective.plan_id.in_(in_plans))
                                     .order_by(PlanObjective.id)):
        objectives.setdefault(objective.plan_id, []).append(objective)
    for action in session.scalars(select(PlanAction).where(PlanAction.plan_id.in_(in_plans))
                                  .order_by(PlanAction.due_date, PlanAction.id)):
        actions.setdefault(action.plan_id, []).append(action)
    for plan, _, _ in found:
        set_committed_value(plan, "objectives", objectives[plan.id])
        set_committed_value(plan, "actions", actions[plan.id])
    return [tuple(row) for row in found]


def open_follow_ups(session: Session, members: Select, due_before: date, open_at: datetime):
    """Follow-ups due before `due_before` that were open at `open_at` (open now, or done or cancelled
    since), counted per (owner, due day)."""
    return session.execute(select(FollowUp.owner_id, FollowUp.due_on, func.count().label("count"))
                           .where(FollowUp.owner_id.in_(members), FollowUp.due_on < due_before,
                                  FollowUp.created_at < open_at,
                                  or_(FollowUp.status == FollowUpStatus.open, FollowUp.completed_at >= open_at))
                           .group_by(FollowUp.owner_id, FollowUp.due_on)).all()


def tier_changes(session: Session, members: Select, window: tuple[datetime, datetime]):
    return session.execute(
        select(TierChange.account_id, Account.name.label("account_name"), Account.owner_id, TierChange.old_tier,
               TierChange.new_tier, TierChange.reason, TierChange.changed_at.label("at"))
        .join(Account).where(Account.owner_id.in_(members), TierChange.changed_at >= window[0],
                             TierChange.changed_at < window[1])).all()


def key_account_touches(session: Session, members: Select, window: tuple[datetime, datetime]):
    return session.execute(
        select(Interaction.account_id, Account.owner_id, Interaction.occurred_at.label("at"))
        .join(Account, Account.id == Interaction.account_id)
        .where(Account.owner_id.in_(members), effective_tier == Tier.key,
               Interaction.occurred_at >= window[0], Interaction.occurred_at < window[1])).all()


def complaints(session: Session, members: Select, window: tuple[datetime, datetime]):
    author = aliased(Person)
    return session.execute(
        select(Interaction.account_id, Account.name.label("account_name"), Account.owner_id,
               author.name.label("author_name"), Interaction.occurred_at.label("at"),
               func.substr(Interaction.text, 1, COMPLAINT_CHARS).label("text"))
        .join(Account, Account.id == Interaction.account_id).outerjoin(author, author.id == Interaction.author_id)
        .where(Account.owner_id.in_(members), Interaction.kind == InteractionKind.complaint,
               Interaction.occurred_at >= window[0], Interaction.occurred_at < window[1])).all()
