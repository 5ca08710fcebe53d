"""The read consistency test's oracle: what each /kam view must show, worked out straight from the base
tables with plain ORM queries (every row of each table, then Python), so it knows nothing of how the
views read. Only the rules themselves are shared with the code (plan health's `assess`, a countable
unit's whole figures), never a query.

Amounts in the test's world are whole hundreds and rates have two decimals, so every sum and conversion
here is exact: no rounding rule is assumed."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Account, AccountAlias, AccountProduct, AccountTeamMember, Contact, Product
from kam_core.enums import ActionStatus, BuyingRole, FollowUpStatus, Quadrant
from kam_core.fx.models import FxRate
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.people.models import Person
from kam_core.plans.health import assess
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.units import shown
from kam_core.policy import Policy

KEY_CONTACTS = 3
ROLE_ORDER = [BuyingRole.decision_maker, BuyingRole.champion, BuyingRole.influencer, BuyingRole.blocker,
              BuyingRole.user, None]
QUADRANT_ORDER = [Quadrant.act_now, Quadrant.quick_win, Quadrant.opportunistic, Quadrant.deprioritise]
PENDING = {ActionStatus.open, ActionStatus.in_progress}
UPCOMING_DAYS = 30
REVIEWS_SHOWN = 3


def rate_on(rates: list[FxRate], currency: str, *, reporting: str, day: date) -> Decimal | None:
    """1 `currency` in `reporting` on `day`: its latest rate from that day or before, else its earliest."""
    code = currency.strip().upper()
    if code == reporting:
        return Decimal(1)
    mine = sorted((r for r in rates if r.currency == code and r.quote == reporting), key=lambda r: r.valid_from)
    if not mine:
        return None
    before = [r for r in mine if r.valid_from <= day]
    return Decimal((before[-1] if before else mine[0]).rate)


@dataclass
class World:
    """Every row of the tables the views read, as the database holds them now."""
    today: date
    rate_day: date  # the day conversions without a day of their own are made (the clock's today)
    policy: Policy
    accounts: dict[int, Account]
    people: dict[int, Person]
    stages: dict[int, Stage]
    aliases: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    team: dict[int, list[AccountTeamMember]] = field(default_factory=lambda: defaultdict(list))
    contacts: dict[int, list[Contact]] = field(default_factory=lambda: defaultdict(list))
    interactions: dict[int, list[Interaction]] = field(default_factory=lambda: defaultdict(list))
    follow_ups: dict[int, list[FollowUp]] = field(default_factory=lambda: defaultdict(list))
    deals: dict[int, list[Opportunity]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[int, list[AccountPlan]] = field(default_factory=lambda: defaultdict(list))
    objectives: dict[int, list[PlanObjective]] = field(default_factory=lambda: defaultdict(list))
    actions: dict[int, list[PlanAction]] = field(default_factory=lambda: defaultdict(list))
    reviews: dict[int, list[PlanReview]] = field(default_factory=lambda: defaultdict(list))
    held: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    products: dict[int, str] = field(default_factory=dict)
    rates: list[FxRate] = field(default_factory=list)

    @classmethod
    def read(cls, session: Session, *, today: date, rate_day: date, policy: Policy) -> "World":
        def every(model):
            return session.scalars(select(model).execution_options(populate_existing=True)).all()

        world = cls(today=today, rate_day=rate_day, policy=policy, accounts={a.id: a for a in every(Account)},
                    people={p.id: p for p in every(Person)}, stages={s.id: s for s in every(Stage)})
        for alias in every(AccountAlias):
            world.aliases[alias.account_id].append(alias.alias)
        for member in every(AccountTeamMember):
            world.team[member.account_id].append(member)
        for contact in every(Contact):
            world.contacts[contact.account_id].append(contact)
        for interaction in every(Interaction):
            world.interactions[interaction.account_id].append(interaction)
        for follow_up in every(FollowUp):
            world.follow_ups[follow_up.account_id].append(follow_up)
        for deal in every(Opportunity):
            world.deals[deal.account_id].append(deal)
        for plan in every(AccountPlan):
            world.plans[plan.account_id].append(plan)
        for objective in every(PlanObjective):
            world.objectives[objective.plan_id].append(objective)
        for action in every(PlanAction):
            world.actions[action.plan_id].append(action)
        for review in every(PlanReview):
            world.reviews[review.plan_id].append(review)
        for held in every(AccountProduct):
            world.held[held.account_id].add(held.product_id)
        world.products = {p.id: p.name for p in every(Product)}
        world.rates = list(every(FxRate))
        return world

    # ---- facts ---------------------------------------------------------------------------------

    def tier(self, account_id: int):
        account = self.accounts[account_id]
        return account.tier_override or account.computed_tier

    def cadence(self, account_id: int) -> int:
        return self.policy.cadence.days_for(self.tier(account_id))

    def name_of(self, person_id: int | None) -> str | None:
        return self.people[person_id].name if person_id is not None else None

    def last_interaction(self, account_id: int) -> Interaction | None:
        return max(self.interactions[account_id], key=lambda i: (i.occurred_at, i.id), default=None)

    def open_follow_ups(self, account_id: int) -> list[FollowUp]:
        return sorted((f for f in self.follow_ups[account_id] if f.status == FollowUpStatus.open),
                      key=lambda f: (f.due_on, f.id))

    def overdue_follow_ups(self, account_id: int) -> list[FollowUp]:
        return [f for f in self.open_follow_ups(account_id) if f.due_on < self.today]

    def rate(self, currency: str) -> Decimal | None:
        return rate_on(self.rates, currency, reporting=self.policy.reporting_currency, day=self.rate_day)

    def probability(self, deal: Opportunity) -> int:
        return deal.probability if deal.probability is not None else self.stages[deal.stage_id].default_probability

    def open_deals(self, account_id: int | None = None) -> list[Opportunity]:
        deals = self.deals[account_id] if account_id is not None else [d for ds in self.deals.values() for d in ds]
        return [d for d in deals if self.stages[d.stage_id].is_open]

    def high_value(self) -> Decimal:
        """The median amount of the open pipeline (deals above zero): the upper middle one; 0 when none."""
        amounts = sorted(Decimal(d.amount) for d in self.open_deals() if d.amount > 0)
        return amounts[len(amounts) // 2] if amounts else Decimal(0)

    def current_plan(self, account_id: int) -> AccountPlan | None:
        plans = self.plans[account_id]
        covering = [p for p in plans if p.period_start <= self.today <= p.period_end]
        return max(covering or plans, key=lambda p: (p.period_start, p.id), default=None)

    def plan_health(self, account_id: int):
        plan = self.current_plan(account_id)
        if plan is None:
            return None
        facts = SimpleNamespace(period_start=plan.period_start, period_end=plan.period_end,
                                last_reviewed_at=plan.last_reviewed_at,
                                objectives=sorted(self.objectives[plan.id], key=lambda o: o.id),
                                actions=list(self.actions[plan.id]))
        return assess(facts, today=self.today, policy=self.policy.plan_health).model_dump()

    # ---- what each view shows ------------------------------------------------------------------

    def pipeline(self, account_id: int) -> dict:
        reporting = self.policy.reporting_currency
        count, amount, weighted = 0, Decimal(0), Decimal(0)
        native: dict[str, Decimal] = defaultdict(Decimal)
        excluded: dict[str, int] = defaultdict(int)
        for deal in self.open_deals(account_id):
            code = deal.currency.strip().upper()
            count += 1
            native[code] += Decimal(deal.amount)
            rate = self.rate(code)
            if rate is None:
                excluded[code] += 1
            else:
                amount += Decimal(deal.amount) * rate
                weighted += Decimal(deal.amount) * rate * self.probability(deal) / 100
        return {"count": count, "amount": amount, "weighted_amount": weighted, "currency": reporting,
                "native": dict(native), "excluded": dict(excluded)}

    def last_touch(self, account_id: int) -> dict | None:
        last = self.last_interaction(account_id)
        if last is None:
            return None
        return {"occurred_at": last.occurred_at, "kind": last.kind.value, "author_name": self.name_of(last.author_id),
                "days_since": (self.today - last.occurred_at.date()).days}

    def follow_up(self, follow_up: FollowUp | None) -> dict | None:
        if follow_up is None:
            return None
        return {"id": follow_up.id, "account_id": follow_up.account_id,
                "account_name": self.accounts[follow_up.account_id].name, "title": follow_up.title,
                "due_on": follow_up.due_on, "status": follow_up.status, "owner_name": self.name_of(follow_up.owner_id),
                "version": follow_up.version}

    def key_contacts(self, account_id: int) -> list[dict]:
        contacts = sorted(self.contacts[account_id], key=lambda c: (
            ROLE_ORDER.index(c.buying_role), -(c.relationship_strength or 0), c.name))
        return [{"id": c.id, "name": c.name, "title": c.title, "buying_role": c.buying_role,
                 "relationship_strength": c.relationship_strength, "last_contacted_at": c.last_contacted_at}
                for c in contacts[:KEY_CONTACTS]]

    def card(self, account_id: int) -> dict:
        account = self.accounts[account_id]
        last = self.last_touch(account_id)
        cadence = self.cadence(account_id)
        return {
            "id": account.id, "name": account.name, "aliases": sorted(self.aliases[account_id]),
            "industry": account.industry, "region": account.region, "tier": self.tier(account_id),
            "owner_id": account.owner_id,
            "team": sorted((m.person_id, m.role.value) for m in self.team[account_id]),
            "pipeline": self.pipeline(account_id), "plan_health": self.plan_health(account_id),
            "last_touch": last, "cadence_days": cadence, "overdue_touch": last is None or last["days_since"] > cadence,
            "next_follow_up": self.follow_up(next(iter(self.open_follow_ups(account_id)), None)),
            "key_contacts": self.key_contacts(account_id),
            "whitespace": sorted(name for pid, name in self.products.items() if pid not in self.held[account_id]),
        }

    def deal(self, deal: Opportunity, high_value: Decimal) -> dict:
        probability = self.probability(deal)
        amount = Decimal(deal.amount)
        likely, valuable = probability >= self.policy.priority.high_likelihood_percent, amount >= high_value
        quadrant = ((Quadrant.act_now if valuable else Quadrant.quick_win) if likely
                    else (Quadrant.opportunistic if valuable else Quadrant.deprioritise))
        code = deal.currency.strip().upper()
        reporting = {"reporting_currency": None, "reporting_amount": None, "reporting_weighted": None}
        if code != self.policy.reporting_currency:
            rate = self.rate(code)
            reporting = {"reporting_currency": self.policy.reporting_currency,
                         "reporting_amount": None if rate is None else amount * rate,
                         "reporting_weighted": None if rate is None else amount * rate * probability / 100}
        stage = self.stages[deal.stage_id]
        return {"id": deal.id, "name": deal.name, "account_id": deal.account_id,
                "account_name": self.accounts[deal.account_id].name, "amount": amount, "currency": deal.currency,
                "stage": stage.name, "stage_id": stage.id, "is_open": stage.is_open, "probability": probability,
                "weighted_amount": amount * probability / 100, "owner_name": self.name_of(deal.owner_id),
                "quadrant": quadrant, "version": deal.version, **reporting}

    def deal_list(self, account_id: int) -> list[dict]:
        high_value = self.high_value()
        deals = [self.deal(d, high_value) for d in self.open_deals(account_id)]
        return sorted(deals, key=lambda d: (QUADRANT_ORDER.index(d["quadrant"]), -d["amount"], d["id"]))

    def action(self, action: PlanAction) -> dict:
        owner = self.people.get(action.owner_id) if action.owner_id is not None else None
        return {"id": action.id, "description": action.description, "owner_id": action.owner_id,
                "owner_name": owner.name if owner else None, "owner_email": owner.email if owner else None,
                "due_date": action.due_date, "status": action.status, "version": action.version}

    def plan_status(self, account_id: int) -> dict | None:
        plan = self.current_plan(account_id)
        if plan is None:
            return None
        pending = [a for a in self.actions[plan.id] if a.status in PENDING]
        by_due = sorted((a for a in pending if a.due_date is not None), key=lambda a: (a.due_date, a.id))
        undated = sorted((a for a in pending if a.due_date is None), key=lambda a: a.id)
        horizon = self.today + timedelta(days=UPCOMING_DAYS)
        objectives = []
        for o in sorted(self.objectives[plan.id], key=lambda o: o.id):
            target, actual = shown(o.target, o.unit), shown(o.actual, o.unit)
            objectives.append({"id": o.id, "description": o.description, "lever": o.lever, "target": target,
                               "actual": actual, "unit": o.unit,
                               "progress": round(float(actual / target), 6) if target > 0 else None})
        reviews = sorted(self.reviews[plan.id], key=lambda r: (r.reviewed_on, r.created_at, r.id), reverse=True)
        return {
            "plan_id": plan.id, "account_id": account_id, "account_name": self.accounts[account_id].name,
            "period_start": plan.period_start, "period_end": plan.period_end, "focus": plan.focus,
            "executive_sponsor_id": plan.executive_sponsor_id, "health": self.plan_health(account_id),
            "objectives": objectives, "last_reviewed_at": plan.last_reviewed_at, "tier": self.tier(account_id),
            "overdue_actions": [self.action(a) for a in by_due if a.due_date < self.today],
            "upcoming_actions": [self.action(a) for a in by_due if self.today <= a.due_date <= horizon],
            "actions": [self.action(a) for a in (*by_due, *undated)],
            "reviews": [{"reviewed_on": r.reviewed_on, "notes": r.notes, "customer_view": r.customer_view,
                         "reviewer_name": self.name_of(r.reviewer_id)} for r in reviews[:REVIEWS_SHOWN]],
        }

    def book(self, person_id: int, *, team: bool) -> set[int]:
        """The accounts a person owns or is on the team of; with `team`, also those their reports own."""
        reports = {p.id for p in self.people.values() if p.manager_id == person_id} if team else set()
        return {a.id for a in self.accounts.values() if a.owner_id == person_id or a.owner_id in reports} | {
            m.account_id for members in self.team.values() for m in members if m.person_id == person_id}

    def attention_item(self, account_id: int) -> dict:
        last = self.last_interaction(account_id)
        overdue = self.overdue_follow_ups(account_id)
        return {"account_id": account_id, "name": self.accounts[account_id].name, "tier": self.tier(account_id),
                "owner_name": self.name_of(self.accounts[account_id].owner_id),
                "days_since_touch": (self.today - last.occurred_at.date()).days if last else None,
                "cadence_days": self.cadence(account_id), "overdue_follow_ups": len(overdue),
                "oldest_overdue_days": (self.today - overdue[0].due_on).days if overdue else None,
                "plan_health": self.plan_health(account_id)}

    def attention(self, person_id: int, *, team: bool) -> dict:
        book = self.book(person_id, team=team)
        return {"total": len(book), "items": {a: self.attention_item(a) for a in book},
                "reports": sum(1 for p in self.people.values() if p.manager_id == person_id) if team else None}
