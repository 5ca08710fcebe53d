"""`/kam mine`: my accounts, the ones that need attention first.

Score, highest first:
- past contact cadence: 50 plus a point a day over (capped at 60), times 3 for a
  key account, 2 for important, 1 for general (a key account gone quiet leads);
- 20 per overdue follow-up;
- plan off track 40, at risk 20.
Accounts with nothing wrong follow, by tier then name.
"""

from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountTeamMember
from kam_core.accounts.schemas import AttentionItem
from kam_core.actors import Actor
from kam_core.enums import FollowUpStatus, PlanHealth, Tier
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.plans.service import plan_health_by_account
from kam_core.policy import Policy

TIER_WEIGHT = {Tier.key: 3, Tier.important: 2, Tier.general: 1}
TIER_ORDER = [Tier.key, Tier.important, Tier.general]
PLAN_POINTS = {PlanHealth.off_track: 40, PlanHealth.at_risk: 20}


# Built once: see kam_core/accounts/service.py. A union, not "owner = me OR id IN (my teams)":
# PostgreSQL answers that OR with a scan of every account.
_MINE = (
    select(Account.id, Account.name, Account.computed_tier, Account.tier_override)
    .where(Account.id.in_(select(Account.id).where(Account.owner_id == bindparam("person_id")).union(
        select(AccountTeamMember.account_id).where(AccountTeamMember.person_id == bindparam("person_id")))))
)
_LAST_TOUCHES = (select(Interaction.account_id, func.max(Interaction.occurred_at))
                 .where(Interaction.account_id.in_(bindparam("ids", expanding=True))).group_by(Interaction.account_id))
_OVERDUE = (select(FollowUp.account_id, func.count())
            .where(FollowUp.account_id.in_(bindparam("ids", expanding=True)), FollowUp.status == FollowUpStatus.open,
                   FollowUp.due_on < bindparam("today"))
            .group_by(FollowUp.account_id))


def my_accounts(session: Session, *, actor: Actor, policy: Policy, today: date, limit: int = 10) -> list[AttentionItem]:
    accounts = session.execute(_MINE, {"person_id": actor.person_id}).all()
    ids = [a.id for a in accounts]
    if not ids:
        return []
    last_touch = dict(session.execute(_LAST_TOUCHES, {"ids": ids}).all())
    overdue = dict(session.execute(_OVERDUE, {"ids": ids, "today": today}).all())
    plans = plan_health_by_account(session, ids, policy=policy, today=today)
    items = [_item(a, last_touch.get(a.id), overdue.get(a.id, 0), plans.get(a.id), policy, today) for a in accounts]
    items.sort(key=lambda i: (-i.score, TIER_ORDER.index(i.tier), i.name))
    return items[:limit]


def _item(account, last_touch, overdue: int, plan, policy: Policy, today: date) -> AttentionItem:
    tier = account.tier_override or account.computed_tier
    cadence = policy.cadence.days_for(tier)
    days_since = (today - _as_date(last_touch)).days if last_touch else None
    score, reasons = 0.0, []
    days_over = (days_since - cadence) if days_since is not None else cadence
    if days_over > 0:
        score += TIER_WEIGHT[tier] * (50 + min(days_over, 60))
        reasons.append("stale")
    if overdue:
        score += 20 * overdue
        reasons.append("overdue_follow_ups")
    if plan and plan.status in PLAN_POINTS:
        score += PLAN_POINTS[plan.status]
        reasons.append(f"plan_{plan.status.value}")
    return AttentionItem(account_id=account.id, name=account.name, tier=tier, score=score,
                         days_since_touch=days_since, cadence_days=cadence, overdue_follow_ups=overdue,
                         plan_health=plan, reasons=reasons)


def _as_date(value) -> date:
    # SQLite hands back max() of a datetime column as text.
    return date.fromisoformat(str(value)[:10]) if not hasattr(value, "date") else value.date()
