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
account's last touch, overdue follow-ups and plan health (assessed in Python), which come in one
statement whatever the size of the book, and a book is small (tens of accounts for
a rep, a few hundred for a manager's team). Each page is ranked afresh from the data as it is now.
"""

from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, union
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountTeamMember, tier_of
from kam_core.accounts.schemas import AttentionItem, AttentionPage, AttentionScope
from kam_core.actors import Actor
from kam_core.base import as_date
from kam_core.enums import ActionStatus, FollowUpStatus, PlanHealth, Role, Tier
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.people.models import Person
from kam_core.plans.health import assess
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective
from kam_core.plans.service import PlanFacts, current_plan
from kam_core.policy import Policy
from kam_core.sqljson import as_datetime, as_decimal, json_rows, rows_of

PAGE_SIZE = 10
TIER_ORDER = [Tier.key, Tier.important, Tier.general]
PLAN_ORDER = [PlanHealth.off_track, PlanHealth.at_risk]

# Built once: see kam_core/accounts/service.py. Unions, not "owner = me OR id IN (my teams)":
# PostgreSQL answers that OR with a scan of every account.
_OWNED = select(Account.id).where(Account.owner_id == bindparam("person_id"))
_ON_TEAM = select(AccountTeamMember.account_id).where(AccountTeamMember.person_id == bindparam("person_id"))
_OWNED_BY_REPORTS = (select(Account.id).join(Person, Person.id == Account.owner_id)
                     .where(Person.manager_id == bindparam("person_id")))
_REPORTS = select(func.count()).select_from(Person).where(Person.manager_id == bindparam("person_id"))
# One statement for the whole book: a row per account with what the rank reads of it, the last touch and
# the overdue follow-ups as correlated subqueries (index lookups), the plans with their objectives and
# actions as JSON (kam_core.sqljson: a subquery in FROM is correlated explicitly), nested so that an
# account without a plan costs one lookup; the current plan is picked and judged in Python (plans.service).
_OVERDUE = (FollowUp.account_id == Account.id, FollowUp.status == FollowUpStatus.open,
            FollowUp.due_on < bindparam("today"))
_COLUMNS = (select(
    Account.id, Account.name, Account.computed_tier, Account.tier_override, Person.name.label("owner_name"),
    select(func.max(Interaction.occurred_at)).where(Interaction.account_id == Account.id)
    .scalar_subquery().label("last_touch"),
    select(func.count()).select_from(FollowUp).where(*_OVERDUE).scalar_subquery().label("overdue"),
    select(func.min(FollowUp.due_on)).where(*_OVERDUE).scalar_subquery().label("oldest_due"),
    json_rows(select(
        AccountPlan.id, AccountPlan.period_start, AccountPlan.period_end, AccountPlan.last_reviewed_at,
        json_rows(select(PlanObjective.description, PlanObjective.target, PlanObjective.actual, PlanObjective.unit)
                  .where(PlanObjective.plan_id == AccountPlan.id).order_by(PlanObjective.id)
                  .correlate(AccountPlan)).label("objectives"),
        json_rows(select(PlanAction.status, PlanAction.due_date).where(PlanAction.plan_id == AccountPlan.id)
                  .correlate(AccountPlan)).label("actions"),
    ).where(AccountPlan.account_id == Account.id).correlate(Account)).label("plans"),
).outerjoin(Person, Person.id == Account.owner_id))
_MINE = _COLUMNS.where(Account.id.in_(union(_OWNED, _ON_TEAM)))
# The count of the manager's reports rides along on every row (uncorrelated, so computed once; not
# correlated to the owner's row either, whose table it shares).
_TEAM = (_COLUMNS.add_columns(_REPORTS.correlate(None).scalar_subquery().label("reports"))
         .where(Account.id.in_(union(_OWNED, _ON_TEAM, _OWNED_BY_REPORTS))))


class _Objective(NamedTuple):
    description: str
    target: object
    actual: object
    unit: str | None


class _Action(NamedTuple):
    status: ActionStatus
    due_date: date | None


def leads_a_team(actor: Actor) -> bool:
    """`/kam team` is for managers (and admins); a rep is pointed to `/kam mine`."""
    return actor.role != Role.rep


def my_accounts(session: Session, *, actor: Actor, policy: Policy, today: date,
                limit: int | None = PAGE_SIZE) -> list[AttentionItem]:
    """The accounts the actor owns or is on the team of, ranked (the rule above); the first `limit`."""
    rows = session.execute(_MINE, {"person_id": actor.person_id, "today": today}).all()
    return _ranked(rows, policy, today)[:limit]


def attention_page(session: Session, *, actor: Actor, policy: Policy, today: date,
                   scope: AttentionScope = AttentionScope.mine, offset: int = 0,
                   page_size: int = PAGE_SIZE) -> AttentionPage:
    """`page_size` accounts of the ranked list from `offset`; past the end, the last page."""
    team = scope == AttentionScope.team
    rows = session.execute(_TEAM if team else _MINE, {"person_id": actor.person_id, "today": today}).all()
    ranked = _ranked(rows, policy, today)
    page_size = max(1, page_size)
    offset = min(max(0, offset), max(0, (len(ranked) - 1) // page_size * page_size))
    reports = None
    if team:  # on every row; a manager without a single account asks for it on its own
        reports = rows[0].reports if rows else session.scalar(_REPORTS, {"person_id": actor.person_id})
    return AttentionPage(scope=scope, items=ranked[offset:offset + page_size], offset=offset, page_size=page_size,
                         total=len(ranked), needing_attention=sum(1 for i in ranked if i.band < 3), reports=reports)


def _ranked(rows, policy: Policy, today: date) -> list[AttentionItem]:
    items = [_item(row, row.last_touch, (row.overdue, row.oldest_due) if row.overdue else None,
                   _plan_health(row, policy, today), policy, today) for row in rows]
    items.sort(key=_rank)
    return items


def _plan_health(row, policy: Policy, today: date):
    """The health of the account's current plan (plans.service.current_plan), None without a plan."""
    found = {p["id"]: p for p in rows_of(row.plans)}
    plan = current_plan((PlanFacts(id=p["id"], account_id=row.id, period_start=as_date(p["period_start"]),
                                   period_end=as_date(p["period_end"]),
                                   last_reviewed_at=as_datetime(p["last_reviewed_at"])) for p in found.values()),
                        today)
    if plan is None:
        return None
    plan.objectives.extend(_Objective(o["description"], as_decimal(o["target"]), as_decimal(o["actual"]), o["unit"])
                           for o in rows_of(found[plan.id]["objectives"]))
    plan.actions.extend(_Action(ActionStatus(a["status"]), as_date(a["due_date"]) if a["due_date"] else None)
                        for a in rows_of(found[plan.id]["actions"]))
    return assess(plan, today=today, policy=policy.plan_health)


def _rank(item: AttentionItem) -> tuple:
    plan = item.plan_health.status if item.plan_health else None
    return (item.band, TIER_ORDER.index(item.tier), -item.days_late,
            PLAN_ORDER.index(plan) if plan in PLAN_ORDER else len(PLAN_ORDER), item.name, item.account_id)


def _item(account, last_touch, overdue: tuple | None, plan, policy: Policy, today: date) -> AttentionItem:
    tier = tier_of(account)
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
