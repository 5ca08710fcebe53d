"""Issue #19's consistency test: after a seeded random run of writes through the services the bot uses
(notes and their undo, follow-ups done and snoozed, stage moves, deal edits, plan edits, tier overrides,
an accounts import, learned aliases, exchange rates), every read view shows what the base tables hold.

The views are the account card, the deal list of `/kam opps`, the plan status of `/kam plan` and
`/kam mine` / `/kam team`, for every account and person, checked every CHECK_EVERY steps against an
oracle (tests/kam_core/read_oracle.py) that reads every row of the base tables and works the facts out in
Python. Only the services' public functions are called, so the test keeps its meaning whatever the read
paths become. The values kept per process (kam_core.changes: the name index, the exchange rates, the
high-value threshold) are compared with a fresh computation after each write that moves them.

The writes are dated TODAY; the views are read on TODAY, 9 and 45 days later in turn, so follow-ups and
actions fall overdue and plans end between checks. A failure lists every difference found in the run
(view, account or person, field, shown value and the base tables' value), counted per view."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from kam_core import clock
from kam_core.accounts.aliases import learn_alias, remove_learned_alias
from kam_core.accounts.attention import attention_page
from kam_core.accounts.models import Account, AccountAlias, AccountProduct, AccountTeamMember, Contact, Product
from kam_core.accounts.resolver.index import NameIndex, account_rows, name_index
from kam_core.accounts.schemas import AttentionScope
from kam_core.accounts.service import account_card
from kam_core.actors import Actor
from kam_core.enums import (
    ActionStatus, AliasSource, BuyingRole, FollowUpStatus, InteractionKind, Lever, Role, Source, TeamRole, Tier,
)
from kam_core.fx.models import FxRate
from kam_core.fx.rates import set_rate
from kam_core.fx.service import load_rates
from kam_core.importers.accounts_csv import import_accounts_csv
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.service import complete_follow_up, log_interaction, snooze_follow_up, undo_interaction
from kam_core.opportunities.editing import create_opportunity, update_opportunity
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.opportunities.priority import high_value_threshold
from kam_core.opportunities.service import account_opportunities, move_stage, pipeline_of
from kam_core.people.models import Person
from kam_core.plans.editing import (
    add_action, add_objective, create_plan, record_review, set_objective_actual, update_action, update_objective,
)
from kam_core.plans.models import AccountPlan
from kam_core.plans.schemas import ActionChanges, ObjectiveChanges
from kam_core.plans.service import complete_action, plan_status
from kam_core.policy import Policy
from kam_core.tiers.service import recompute_tiers, set_tier
from tests.factories import (
    make_account, make_action, make_contact, make_follow_up, make_interaction, make_objective, make_opportunity,
    make_person, make_plan, make_value,
)
from tests.kam_core.read_oracle import World, rate_on

SEED = 19
STEPS = 150
CHECK_EVERY = 10
TODAY = date(2026, 11, 20)
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
POLICY = Policy()
ADMIN = Actor.system("test:consistency")
STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
UNITS = [None, "meetings", "USD", "%", "sites"]


def hundreds(rng: random.Random, low: int = 10, high: int = 2000) -> Decimal:
    """A whole number of hundreds: sums and conversions at two-decimal rates stay exact."""
    return Decimal(rng.randint(low, high) * 100)


def pick(record: dict, like: dict) -> dict:
    """The fields of a view's record that the oracle states (a flat record: every value compared whole)."""
    return {name: record[name] for name in like}


# ---- the world -------------------------------------------------------------------------------------

def build_world(session, rng: random.Random) -> dict:
    manager = make_person(session, role=Role.manager, name="Mia Manager", team="north")
    reps = [make_person(session, name=f"Rep {n}", manager=manager) for n in ("Ann", "Ben", "Cai")]
    people = [manager, *reps]
    products = [Product(name=name) for name in ("Analytics", "Cloud", "Support", "Training")]
    session.add_all(products)
    session.flush()
    stages = {s.name: s for s in session.scalars(select(Stage))}
    accounts = []
    for n in range(12):
        owner = manager if n == 11 else reps[n % 3]
        account = make_account(session, name=f"Account {chr(65 + n)} Holdings", owner=owner,
                               industry=rng.choice(["software", "retail", None]), region=rng.choice(["EU", "US"]))
        accounts.append(account)
        if n % 3 == 0:
            session.add(AccountAlias(account=account, alias=f"ACC{chr(65 + n)}"))
        for member in rng.sample([p for p in reps if p is not owner], rng.randint(0, 2)):
            session.add(AccountTeamMember(account_id=account.id, person_id=member.id,
                                          role=rng.choice(list(TeamRole))))
        for product in rng.sample(products, rng.randint(0, 3)):
            session.add(AccountProduct(account_id=account.id, product_id=product.id))
        for c in range(rng.randint(0, 5)):
            make_contact(session, account=account, name=f"Contact {n}-{c}", title=rng.choice([None, "CFO", "CTO"]),
                         buying_role=rng.choice([*BuyingRole, None]), relationship_strength=rng.choice([None, 1, 3, 5]))
        make_value(session, account=account, revenue=hundreds(rng, 10, 9000), profit=hundreds(rng, 1, 2000),
                   referral_score=rng.randint(0, 5))
        for _ in range(rng.randint(0, 4)):
            make_opportunity(session, account=account, stage=rng.choice(STAGES), amount=hundreds(rng),
                             currency=rng.choice(["USD", "USD", "EUR"]), probability=rng.choice([None, None, 35, 80]))
        for _ in range(rng.randint(0, 4)):
            make_interaction(session, account=account, author=rng.choice(people),
                             kind=rng.choice(list(InteractionKind)),
                             occurred_at=START - timedelta(days=rng.randint(1, 200), hours=rng.randint(0, 12)))
        for _ in range(rng.randint(0, 3)):
            make_follow_up(session, account=account, owner=rng.choice([owner, *reps]),
                           due_on=TODAY + timedelta(days=rng.randint(-40, 40)),
                           status=rng.choice([FollowUpStatus.open, FollowUpStatus.open, FollowUpStatus.done]))
        if n % 4 != 3:
            if n % 5 == 0:  # an ended plan beside the current one
                make_plan(session, account=account, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                          objectives=[{"target": 10, "actual": 9, "unit": "meetings"}])
            plan = make_plan(session, account=account, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                             last_reviewed_at=rng.choice([None, datetime(2026, rng.randint(1, 11), 3, tzinfo=UTC)]),
                             executive_sponsor=rng.choice([None, manager]))
            for o in range(rng.randint(1, 3)):
                unit = rng.choice(UNITS)
                make_objective(session, plan=plan, description=f"Objective {n}x{o}", unit=unit,
                               target=rng.choice([10, 40, 100000]), actual=rng.choice([0, 3, 7.5, 35, 60000]))
            for _ in range(rng.randint(0, 4)):
                make_action(session, plan=plan, owner=rng.choice([None, owner, *reps]),
                            due_date=rng.choice([None, TODAY + timedelta(days=rng.randint(-60, 50))]),
                            status=rng.choice([ActionStatus.open, ActionStatus.open, ActionStatus.in_progress,
                                               ActionStatus.done, ActionStatus.cancelled]))
        elif n == 7:  # only an ended plan: it keeps showing
            make_plan(session, account=account, period_start=date(2025, 3, 1), period_end=date(2026, 2, 28),
                      actions=[{"due_date": date(2026, 1, 5)}])
    session.add(FxRate(currency="EUR", quote="USD", rate=Decimal("1.10"), valid_from=date(2026, 1, 1),
                       set_by="test", set_at=START - timedelta(days=300)))
    session.flush()
    recompute_tiers(session, policy=POLICY, actor=ADMIN, now=START)
    return {"manager": manager, "reps": reps, "people": people, "stages": stages, "logged": []}


# ---- the writes, through the services -----------------------------------------------------------

class Run:
    def __init__(self, session, rng: random.Random, world: dict, tmp_path) -> None:
        self.session, self.rng, self.tmp_path = session, rng, tmp_path
        self.manager, self.reps, self.people = world["manager"], world["reps"], world["people"]
        self.stages = world["stages"]
        self.logged: list[int] = []  # interactions logged in this run (undo candidates)
        self.now = START
        self.counter = 0
        self.kept_checks = {"names": 0, "rates": 0, "threshold": 0}

    def rows(self, model, *where):
        return self.session.scalars(select(model).where(*where).order_by(model.id)).all()

    def owned_accounts(self) -> list[Account]:
        return self.rows(Account, Account.owner_id.is_not(None))

    def as_owner(self, account: Account) -> Actor:
        return Actor.of(account.owner)

    def step(self) -> str:
        self.now += timedelta(minutes=self.rng.randint(1, 4))
        self.counter += 1
        kinds = [("log", 24), ("undo", 6), ("follow_up", 8), ("move", 12), ("deal_edit", 6), ("deal_new", 4),
                 ("objective", 8), ("action", 8), ("plan", 5), ("tier", 4), ("import", 3), ("rate", 4),
                 ("alias", 4)]
        kind = self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        done = getattr(self, "import_" if kind == "import" else kind)()
        if not done:
            self.log()
            kind = "log"
        return kind

    # Each write returns False when there is nothing for it to act on (the run then logs a note instead).

    def log(self) -> bool:
        account = self.rng.choice(self.owned_accounts())
        author = self.rng.choice([account.owner, *self.reps])
        contacts = [c.id for c in self.rows(Contact, Contact.account_id == account.id)]
        kind = self.rng.choice(list(InteractionKind))
        follow_up_on = self.rng.choice([None, None, TODAY + timedelta(days=self.rng.randint(0, 30))])
        view = log_interaction(
            self.session, actor=Actor.of(author), policy=POLICY, account_id=account.id, text=f"note {self.counter}",
            source=Source.slash_command, kind=kind,
            occurred_at=self.rng.choice([None, self.now - timedelta(days=self.rng.randint(0, 90))]),
            next_step=self.rng.choice([None, f"next step {self.counter}"]), follow_up_on=follow_up_on,
            contact_ids=self.rng.sample(contacts, min(len(contacts), self.rng.randint(0, 2))), now=self.now,
            today=TODAY)
        self.logged.append(view.id)
        return True

    def undo(self) -> bool:
        recent = [i for i in self.rows(Interaction, Interaction.id.in_(self.logged))
                  if self.now - i.created_at <= timedelta(minutes=50)]
        if not recent:
            return False
        interaction = self.rng.choice(recent)
        author = self.session.get(Person, interaction.author_id)
        undo_interaction(self.session, actor=Actor.of(author), interaction_id=interaction.id, now=self.now)
        self.logged.remove(interaction.id)
        return True

    def follow_up(self) -> bool:
        open_ones = self.rows(FollowUp, FollowUp.status == FollowUpStatus.open)
        if not open_ones:
            return False
        follow_up = self.rng.choice(open_ones)
        actor = Actor.of(follow_up.owner) if follow_up.owner else ADMIN
        if self.rng.random() < 0.7:
            complete_follow_up(self.session, actor=actor, follow_up_id=follow_up.id, now=self.now)
        else:
            snooze_follow_up(self.session, actor=actor, follow_up_id=follow_up.id, days=self.rng.randint(1, 20),
                             now=self.now, today=TODAY)
        return True

    def deals(self) -> list[Opportunity]:
        return [d for d in self.rows(Opportunity) if d.account.owner_id is not None]

    def move(self) -> bool:
        deal = self.rng.choice(self.deals())
        stage = self.stages[self.rng.choice(STAGES)]
        move_stage(self.session, actor=Actor.of(self.manager), opportunity_id=deal.id, stage_id=stage.id,
                   expected_version=deal.version, now=self.now, policy=POLICY)
        self.check_threshold()
        return True

    def deal_edit(self) -> bool:
        deal = self.rng.choice([d for d in self.deals() if d.stage.is_open] or [None])
        if deal is None:
            return False
        changes = {"amount": hundreds(self.rng)}
        if self.rng.random() < 0.3:
            changes["currency"] = self.rng.choice(["USD", "EUR", "GBP"])
        if self.rng.random() < 0.3:
            changes["probability"] = self.rng.choice([None, 20, 65, 90])
        update_opportunity(self.session, actor=self.as_owner(deal.account), opportunity_id=deal.id,
                           expected_version=deal.version, now=self.now, today=TODAY, policy=POLICY, **changes)
        self.check_threshold()
        return True

    def deal_new(self) -> bool:
        account = self.rng.choice(self.owned_accounts())
        stage = self.stages[self.rng.choice(STAGES[:8])]
        create_opportunity(self.session, actor=self.as_owner(account), account_id=account.id,
                           name=f"Deal {self.counter}", amount=hundreds(self.rng),
                           expected_close_date=TODAY + timedelta(days=self.rng.randint(1, 90)), stage_id=stage.id,
                           currency=self.rng.choice(["USD", "EUR", "GBP"]),
                           probability=self.rng.choice([None, 50]), now=self.now, today=TODAY, policy=POLICY)
        self.check_threshold()
        return True

    def plans_now(self) -> list[AccountPlan]:
        """Each owned account's current plan (the one the writes by account address)."""
        plans = [p for p in self.rows(AccountPlan) if p.account.owner_id is not None]
        by_account = {}
        for plan in plans:
            by_account.setdefault(plan.account_id, []).append(plan)
        return [max(ps, key=lambda p: (p.period_start <= TODAY <= p.period_end, p.period_start, p.id))
                for ps in by_account.values()]

    def objective(self) -> bool:
        plans = [p for p in self.plans_now() if p.objectives]
        plan = self.rng.choice(plans or [None])
        editor = Actor.of(self.manager)
        if plan is None or self.rng.random() < 0.2:
            plan = self.rng.choice(self.plans_now())
            add_objective(self.session, actor=editor, plan_id=plan.id, description=f"Goal {self.counter}",
                          lever=self.rng.choice([None, Lever.cross_sell]), target=Decimal(self.rng.choice([12, 500])),
                          unit=self.rng.choice(UNITS), actual=Decimal(self.rng.randint(0, 6)), now=self.now,
                          today=TODAY, policy=POLICY)
            return True
        objective = self.rng.choice(plan.objectives)
        actual = Decimal(self.rng.choice([0, 2, 9, 11, 250, 480])) + Decimal(self.rng.choice(["0", "0.4", "0.5"]))
        if self.rng.random() < 0.5:
            set_objective_actual(self.session, actor=editor, account_id=plan.account_id,
                                 words=objective.description, actual=actual, now=self.now, today=TODAY, policy=POLICY)
        else:
            update_objective(self.session, actor=editor, objective_id=objective.id,
                             changes=ObjectiveChanges(actual=actual), now=self.now, today=TODAY, policy=POLICY)
        return True

    def action(self) -> bool:
        plan = self.rng.choice(self.plans_now())
        actions = [a for a in plan.actions]
        editor = Actor.of(self.manager)
        if not actions or self.rng.random() < 0.3:
            add_action(self.session, actor=editor, plan_id=plan.id, description=f"Do {self.counter}",
                       owner_id=self.rng.choice([None, *[p.id for p in self.reps]]),
                       due_date=self.rng.choice([None, TODAY + timedelta(days=self.rng.randint(0, 45))]),
                       now=self.now, today=TODAY, policy=POLICY)
            return True
        action = self.rng.choice(actions)
        if self.rng.random() < 0.4:
            complete_action(self.session, actor=editor, action_id=action.id, expected_version=action.version,
                            now=self.now, policy=POLICY, today=TODAY)
        else:
            status = self.rng.choice([ActionStatus.open, ActionStatus.in_progress, ActionStatus.cancelled,
                                      ActionStatus.done])
            update_action(self.session, actor=editor, action_id=action.id, expected_version=action.version,
                          changes=ActionChanges(status=status), now=self.now, today=TODAY, policy=POLICY)
        return True

    def plan(self) -> bool:
        without = [a for a in self.owned_accounts() if not self.rows(AccountPlan, AccountPlan.account_id == a.id)]
        editor = Actor.of(self.manager)
        if without and self.rng.random() < 0.5:
            account = self.rng.choice(without)
            create_plan(self.session, actor=editor, account_id=account.id, period_start=TODAY - timedelta(days=60),
                        period_end=TODAY + timedelta(days=300), reason="worth a plan", focus="grow",
                        now=self.now, today=TODAY, policy=POLICY)
            return True
        plan = self.rng.choice(self.plans_now())
        reviewer = ADMIN if plan.account.owner_id == self.manager.id else editor  # nobody reviews their own plan
        record_review(self.session, actor=reviewer, plan_id=plan.id,
                      reviewed_on=TODAY - timedelta(days=self.rng.randint(0, 200)), notes=f"review {self.counter}",
                      customer_view=self.rng.choice([None, "happy"]), now=self.now, today=TODAY, policy=POLICY)
        return True

    def tier(self) -> bool:
        account = self.rng.choice(self.owned_accounts())
        set_tier(self.session, actor=Actor.of(self.manager), account_id=account.id,
                 tier=self.rng.choice([None, *Tier]), reason=f"override {self.counter}", now=self.now)
        return True

    def import_(self) -> bool:
        accounts = self.rng.sample(self.rows(Account), 3)
        lines = ["name,aliases,industry,region,owner_email,revenue,profit,currency"]
        for account in accounts:
            lines.append(f"{account.name},Alias {self.counter} {account.id}|ALS{self.counter}{account.id},"
                         f"{self.rng.choice(['mining', 'retail'])},,,{hundreds(self.rng, 10, 9000)},,USD")
        owner = self.rng.choice(self.reps)
        lines.append(f"Imported {self.counter} Group,IMP{self.counter},energy,APAC,{owner.email},"
                     f"{hundreds(self.rng, 10, 9000)},{hundreds(self.rng, 1, 100)},EUR")
        path = self.tmp_path / f"accounts-{self.counter}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_accounts_csv(self.session, file=path, actor=ADMIN, policy=POLICY, now=self.now)
        self.check_names()
        return True

    def rate(self) -> bool:
        set_rate(self.session, actor=ADMIN, reporting="USD", currency=self.rng.choice(["EUR", "EUR", "GBP"]),
                 rate=Decimal(self.rng.randint(80, 140)) / 100,
                 valid_from=self.rng.choice([None, date(2026, 1, 1), date(2026, self.rng.randint(2, 11), 1)]),
                 today=TODAY)
        self.check_rates()
        return True

    def alias(self) -> bool:
        learned = self.rows(AccountAlias, AccountAlias.source == AliasSource.learned)
        if learned and self.rng.random() < 0.4:
            gone = self.rng.choice(learned)
            remove_learned_alias(self.session, actor=ADMIN, account_id=gone.account_id, alias=gone.alias, now=self.now)
        else:
            account = self.rng.choice(self.owned_accounts())
            learn_alias(self.session, actor=Actor.of(self.rng.choice(self.reps)), policy=POLICY,
                        account_id=account.id, query=f"nick {self.counter} {account.id}", now=self.now)
        self.check_names()
        return True

    # ---- the kept values against a fresh computation ----------------------------------------------

    def check_names(self) -> None:
        self.session.flush()
        kept, fresh = name_index(self.session), NameIndex.build(account_rows(self.session))
        truth = {(a.id, a.name, None) for a in self.rows(Account)} | {
            (alias.account_id, alias.account.name, alias.alias) for alias in self.rows(AccountAlias)}
        assert index_entries(kept) == index_entries(fresh), f"step {self.counter}"
        assert {entry[:3] for entry in index_entries(kept)} == truth
        self.kept_checks["names"] += 1

    def check_rates(self) -> None:
        self.session.flush()
        rates = load_rates(self.session, reporting="USD")
        stored = self.session.scalars(select(FxRate).execution_options(populate_existing=True)).all()
        days = {r.valid_from + timedelta(days=shift) for r in stored for shift in (-1, 0, 1)} | {TODAY, clock.today()}
        for currency in ("EUR", "GBP", "USD", "JPY"):
            for day in sorted(days):
                assert rates.rate(currency, on=day) == rate_on(stored, currency, reporting="USD", day=day), \
                    (currency, day)
        self.kept_checks["rates"] += 1

    def check_threshold(self) -> None:
        self.session.flush()
        world = World.read(self.session, today=TODAY, rate_day=clock.today(), policy=POLICY)
        assert high_value_threshold(self.session, POLICY.priority) == world.high_value(), f"step {self.counter}"
        self.kept_checks["threshold"] += 1


def index_entries(index: NameIndex) -> set[tuple]:
    """What an index holds, whatever order it was built in: (account id, name, alias or None, key, core)."""
    return {(index.account_ids[index.entry_account[e]], index.account_names[index.entry_account[e]],
             index.entry_alias[e], index.entry_key[e], index.entry_core[e]) for e in range(len(index.entry_key))}


# ---- the views against the oracle ---------------------------------------------------------------

def card_shown(card) -> dict:
    return {
        "id": card.id, "name": card.name, "aliases": sorted(card.aliases), "industry": card.industry,
        "region": card.region, "tier": card.tier, "owner_id": card.owner.id if card.owner else None,
        "team": sorted((m.person.id, m.role.value) for m in card.team), "pipeline": card.pipeline.model_dump(),
        "plan_health": card.plan_health.model_dump() if card.plan_health else None,
        "last_touch": card.last_touch.model_dump() if card.last_touch else None, "cadence_days": card.cadence_days,
        "overdue_touch": card.overdue_touch,
        "next_follow_up": card.next_follow_up.model_dump() if card.next_follow_up else None,
        "key_contacts": [c.model_dump() for c in card.key_contacts], "whitespace": sorted(card.whitespace),
    }


def plan_shown(view, like: dict | None) -> dict | None:
    if view is None or like is None:
        return view and view.model_dump()
    shown = pick(view.model_dump(), like)
    for name in ("objectives", "reviews"):
        shown[name] = [pick(item, model) for item, model in zip(shown[name], like[name], strict=False)]
    return shown


def differences(shown, expected, where: str) -> list[str]:
    """Where a view differs from the oracle: each differing field named, with both values."""
    if shown == expected:
        return []
    if isinstance(shown, dict) and isinstance(expected, dict) and shown.keys() == expected.keys():
        return [line for name in expected for line in differences(shown[name], expected[name], f"{where}.{name}")]
    if isinstance(shown, list) and isinstance(expected, list) and len(shown) == len(expected):
        return [line for n, (s, e) in enumerate(zip(shown, expected)) for line in differences(s, e, f"{where}[{n}]")]
    return [f"{where}: shown {shown!r}, the base tables say {expected!r}"]


def check_views(session, run: Run, *, day: date, problems: list[str]) -> int:
    """Compare every view for every account and person with the oracle, adding each difference to `problems`;
    returns how many views were compared."""
    session.flush()
    session.expire_all()  # as a new request would read them
    world = World.read(session, today=day, rate_day=clock.today(), policy=POLICY)
    viewer = Actor.of(run.manager)
    at = f"step {run.counter}, viewed on {day}"
    compared = 0
    for account_id in sorted(world.accounts):
        card = account_card(session, actor=viewer, account_id=account_id, policy=POLICY, today=day)
        problems += differences(card_shown(card), world.card(account_id), f"{at}: card of account {account_id}")

        expected_deals = world.deal_list(account_id)
        listing = account_opportunities(session, actor=viewer, account_id=account_id, policy=POLICY, today=day)
        deals = listing.deals
        shown_deals = [pick(d.model_dump(), like) for d, like in zip(deals, expected_deals, strict=False)]
        shown_deals += [d.model_dump() for d in deals[len(expected_deals):]]
        problems += differences(
            {"account_name": listing.account_name, "deals": shown_deals,
             "total": pipeline_of(deals, reporting=POLICY.reporting_currency).model_dump()},
            {"account_name": world.accounts[account_id].name, "deals": expected_deals,
             "total": world.pipeline(account_id)}, f"{at}: deals of account {account_id}")

        expected_plan = world.plan_status(account_id)
        status = plan_status(session, actor=viewer, account_id=account_id, policy=POLICY, today=day)
        problems += differences(plan_shown(status, expected_plan), expected_plan,
                                f"{at}: plan of account {account_id}")
        compared += 3
    for person in run.people:
        scopes = [AttentionScope.mine, *([AttentionScope.team] if person.role == Role.manager else [])]
        for scope in scopes:
            expected = world.attention(person.id, team=scope == AttentionScope.team)
            page = attention_page(session, actor=Actor.of(person), policy=POLICY, today=day, scope=scope,
                                  page_size=100)
            items = {i.account_id: i.model_dump() for i in page.items}
            where = f"{at}: {scope.value} of {person.name}"
            problems += differences({"total": page.total, "reports": page.reports, "accounts": sorted(items)},
                                    {"total": expected["total"], "reports": expected["reports"],
                                     "accounts": sorted(expected["items"])}, where)
            for account_id, like in expected["items"].items():
                if account_id in items:
                    problems += differences(pick(items[account_id], like), like, f"{where}, account {account_id}")
            compared += 1
    return compared


def test_views_equal_the_base_tables_after_random_writes(session, tmp_path):
    rng = random.Random(SEED)
    world = build_world(session, rng)
    run = Run(session, rng, world, tmp_path)
    days = [TODAY, TODAY + timedelta(days=9), TODAY + timedelta(days=45)]
    problems: list[str] = []
    compared = check_views(session, run, day=TODAY, problems=problems)
    kinds: dict[str, int] = {}
    for n in range(1, STEPS + 1):
        kind = run.step()
        kinds[kind] = kinds.get(kind, 0) + 1
        if n % CHECK_EVERY == 0:
            compared += check_views(session, run, day=days[(n // CHECK_EVERY) % len(days)], problems=problems)
    by_view = Counter(line.split(": ")[1].split(" of ")[0] for line in problems)
    assert not problems, f"{len(problems)} differences ({dict(by_view)}), the first:\n" + "\n".join(problems[:15])
    run.check_names()
    run.check_rates()
    run.check_threshold()
    # The run did what it is about: every kind of write, and the kept values checked after them.
    assert set(kinds) >= {"log", "undo", "follow_up", "move", "deal_edit", "deal_new", "objective", "action", "plan",
                          "tier", "import", "rate", "alias"}, kinds
    assert compared > 500
    assert min(run.kept_checks.values()) >= 3, run.kept_checks
