"""`/kam mine` and `/kam team`: accounts ranked by how badly they need their rep, a page at a time.

The ranking, most urgent first (the App Home's key accounts use it too):
1. a promise is late or a key account has gone quiet: an open follow-up past its due date (any
   tier), or a key account past its contact cadence;
2. anything else wrong: an important or general account past its cadence, a plan off track or at risk;
3. all good.
Within a band: key, then important, then general; then the most days late first (the oldest overdue
follow-up's days past due or the days past cadence, whichever is more; never touched counts as one
whole cadence late); then an off-track plan before an at-risk one; then by name.

Bands, not a sum of points: points let general accounts a few days past cadence outrank a key
account whose follow-up was 74 days overdue (issue #14). A broken promise to a customer, and a key
account gone quiet, always lead.

"Mine" is every account the actor owns or is on the account team of; "team" adds the accounts owned
by the people who report to the actor. Paging is on the ranked list in memory: the rank needs every
account's last touch, overdue follow-ups and plan health (assessed in Python), which come in a fixed
number of grouped statements whatever the size of the book, and a book is small (tens of accounts for
a rep, a few hundred for a manager's team). Each page is ranked afresh from the data as it is now.
"""

from datetime import date

from sqlalchemy import bindparam, func, select, union
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountTeamMember
from kam_core.accounts.schemas import AttentionItem, AttentionPage, AttentionScope
from kam_core.actors import Actor
from kam_core.enums import FollowUpStatus, PlanHealth, Role, Tier
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.people.models import Person
from kam_core.plans.service import plan_health_by_account
from kam_core.policy import Policy
from kam_core.base import as_date

PAGE_SIZE = 10
TIER_ORDER = [Tier.key, Tier.important, Tier.general]
PLAN_ORDER = [PlanHealth.off_track, PlanHealth.at_risk]

# Built once: see kam_core/accounts/service.py. Unions, not "owner = me OR id IN (my teams)":
# PostgreSQL answers that OR with a scan of every account.
_OWNED = select(Account.id).where(Account.owner_id == bindparam("person_id"))
_ON_TEAM = select(AccountTeamMember.account_id).where(AccountTeamMember.person_id == bindparam("person_id"))
_OWNED_BY_REPORTS = (select(Account.id).join(Person, Person.id == Account.owner_id)
                     .where(Person.manager_id == bindparam("person_id")))
_COLUMNS = (select(Account.id, Account.name, Account.computed_tier, Account.tier_override,
                   Person.name.label("owner_name"))
            .outerjoin(Person, Person.id == Account.owner_id))
_MINE = _COLUMNS.where(Account.id.in_(union(_OWNED, _ON_TEAM)))
_TEAM = _COLUMNS.where(Account.id.in_(union(_OWNED, _ON_TEAM, _OWNED_BY_REPORTS)))
_REPORTS = select(func.count()).select_from(Person).where(Person.manager_id == bindparam("person_id"))
_LAST_TOUCHES = (select(Interaction.account_id, func.max(Interaction.occurred_at))
                 .where(Interaction.account_id.in_(bindparam("ids", expanding=True))).group_by(Interaction.account_id))
_OVERDUE = (select(FollowUp.account_id, func.count(), func.min(FollowUp.due_on))
            .where(FollowUp.account_id.in_(bindparam("ids", expanding=True)), FollowUp.status == FollowUpStatus.open,
                   FollowUp.due_on < bindparam("today"))
            .group_by(FollowUp.account_id))


def leads_a_team(actor: Actor) -> bool:
    """`/kam team` is for managers (and admins); a rep is pointed to `/kam mine`."""
    return actor.role != Role.rep


def my_accounts(session: Session, *, actor: Actor, policy: Policy, today: date,
                limit: int | None = PAGE_SIZE) -> list[AttentionItem]:
    """The accounts the actor owns or is on the team of, ranked (the rule above); the first `limit`."""
    return _ranked(session, session.execute(_MINE, {"person_id": actor.person_id}).all(), policy, today)[:limit]


def attention_page(session: Session, *, actor: Actor, policy: Policy, today: date,
                   scope: AttentionScope = AttentionScope.mine, offset: int = 0,
                   page_size: int = PAGE_SIZE) -> AttentionPage:
    """`page_size` accounts of the ranked list from `offset`; past the end, the last page."""
    query = _TEAM if scope == AttentionScope.team else _MINE
    ranked = _ranked(session, session.execute(query, {"person_id": actor.person_id}).all(), policy, today)
    page_size = max(1, page_size)
    offset = min(max(0, offset), max(0, (len(ranked) - 1) // page_size * page_size))
    reports = session.scalar(_REPORTS, {"person_id": actor.person_id}) if scope == AttentionScope.team else None
    return AttentionPage(scope=scope, items=ranked[offset:offset + page_size], offset=offset, page_size=page_size,
                         total=len(ranked), needing_attention=sum(1 for i in ranked if i.band < 3), reports=reports)


def _ranked(session: Session, accounts, policy: Policy, today: date) -> list[AttentionItem]:
    ids = [a.id for a in accounts]
    if not ids:
        return []
    last_touch = dict(session.execute(_LAST_TOUCHES, {"ids": ids}).all())
    overdue = {row[0]: (row[1], row[2]) for row in session.execute(_OVERDUE, {"ids": ids, "today": today})}
    plans = plan_health_by_account(session, ids, policy=policy, today=today)
    items = [_item(a, last_touch.get(a.id), overdue.get(a.id), plans.get(a.id), policy, today) for a in accounts]
    items.sort(key=_rank)
    return items


def _rank(item: AttentionItem) -> tuple:
    plan = item.plan_health.status if item.plan_health else None
    return (item.band, TIER_ORDER.index(item.tier), -item.days_late,
            PLAN_ORDER.index(plan) if plan in PLAN_ORDER else len(PLAN_ORDER), item.name, item.account_id)


def _item(account, last_touch, overdue: tuple | None, plan, policy: Policy, today: date) -> AttentionItem:
    tier = account.tier_override or account.computed_tier
    cadence = policy.cadence.days_for(tier)
    days_since = (today - as_date(last_touch)).days if last_touch else None
    days_over = (days_since - cadence) if days_since is not None else cadence
    count, oldest = overdue or (0, None)
    oldest_days = (today - as_date(oldest)).days if oldest else None
    stale = days_over > 0
    plan_wrong = plan is not None and plan.status in PLAN_ORDER
    reasons = [*(["overdue_follow_ups"] if count else []), *(["stale"] if stale else []),
               *([f"plan_{plan.status.value}"] if plan_wrong else [])]
    band = 1 if count or (stale and tier == Tier.key) else 2 if stale or plan_wrong else 3
    return AttentionItem(account_id=account.id, name=account.name, tier=tier, owner_name=account.owner_name,
                         band=band, days_late=max(oldest_days or 0, days_over if stale else 0),
                         days_since_touch=days_since, cadence_days=cadence, overdue_follow_ups=count,
                         oldest_overdue_days=oldest_days, plan_health=plan, reasons=reasons)
