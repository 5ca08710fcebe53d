"""`kam demo`: a realistic, deterministic dataset, from a demo's size to benchmark size.

The same seed (and the same day) gives the same data: every choice comes from one
random.Random(seed), consumed in a fixed order; dates are relative to today so the
demo always looks current. Rows go in with ids chosen here (kam_core.demo.writer),
by bulk inserts on SQLite and by COPY on PostgreSQL, so even 100,000 accounts and a
million interactions take no round trip per row; both back ends get the same rows.

A demo replaces the database's contents (all but the pipeline stages). Unless forced,
it refuses a database holding anything it did not write itself: data from elsewhere,
or anything imported, logged or changed since the last demo (kam_core.demo.guard,
from the snapshot the demo leaves in its audit_log row with action "demo").
"""

import random
import time
from contextlib import nullcontext
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import Product
from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.changes import bump_all
from kam_core.clock import utcnow
from kam_core.demo import names, phrases
from kam_core.demo.accounts import AccountSeed, plan_accounts, write_accounts
from kam_core.demo.activity import write_activity
from kam_core.demo.context import Context, StageInfo, Staff
from kam_core.demo.schemas import DemoReport, DemoSize, DemoUser
from kam_core.demo.guard import DemoWouldReplace, found_since_demo, snapshot
from kam_core.demo.writer import DEMO_ACTION, BulkWriter, analyze, data_tables, holds_data, wipe
from kam_core.enums import AccountStatus, Role, Tier
from kam_core.errors import InvalidInput
from kam_core.opportunities.models import Stage
from kam_core.people.models import Person
from kam_core.permissions import Action, require
from kam_core.policy import Policy
from kam_core.progress import step, tally
from kam_core.tiers.service import recompute_tiers

DEMO_DOMAIN = "demo.kam.test"
# Stable Slack ids for the three people the local Slack emulator acts as.
# (name, email local part, Slack id); emails are stable too: rep@demo.kam.test etc.
DEMO_ADMIN = ("Alex Morgan", "admin", "U0DEMOADM1")
DEMO_MANAGER = ("王芳", "manager", "U0DEMOMGR1")
DEMO_REP = ("陈杰", "rep", "U0DEMOREP1")
# A Chinese-speaking manager and rep (their Slack locale zh-CN): the bot talks to them in Chinese.
# Extra people, drawn from no random number, so the rest of the demo is as it was without them.
DEMO_MANAGER_ZH = ("李娜", "manager.zh", "U0DEMOMGRZH")
DEMO_REP_ZH = ("张伟", "rep.zh", "U0DEMOREPZH")
TEAMS = ["Greater China", "Europe", "North America", "Asia Pacific"]
TIMEZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Singapore"]
# Interactions and opportunities are shared out in proportion to these weights.
TOUCH_WEIGHT = {Tier.key: 10.0, Tier.important: 4.0, Tier.general: 1.5}
DEAL_WEIGHT = {Tier.key: 5.0, Tier.important: 2.5, Tier.general: 1.0}


def generate_demo(session: Session, *, actor: Actor, policy: Policy, size: DemoSize, seed: int = 7,
                  force: bool = False, today: date | None = None) -> DemoReport:
    require(actor, Action.import_data)
    started = time.perf_counter()
    size = size.resolved()
    replaced = holds_data(session)
    if replaced and not force:
        found = found_since_demo(session)
        if found.anything:
            raise DemoWouldReplace(found)
    with step("wipe") if replaced else nullcontext():
        wipe(session)
    writer = BulkWriter(session, data_tables())
    ctx = Context(rng=random.Random(seed), today=today or utcnow().date(), writer=writer, policy=policy)
    _load_stages(session, ctx)
    with writer.loading():  # no statement of the session's own inside: the writer may be using it
        users = _people(ctx, size)
        _products(ctx)
        seeds = plan_accounts(ctx, size.accounts)
        write_accounts(ctx, seeds)
        touches = _share_out(ctx, seeds, size.interactions, TOUCH_WEIGHT, minimum_for_featured=1)
        deals = _share_out(ctx, seeds, size.opportunities, DEAL_WEIGHT, minimum_for_featured=0)
        with tally("interactions", total=size.interactions) as told_interactions, \
                tally("opportunities", total=size.opportunities) as told_opportunities:
            for account, interactions, opportunities in zip(seeds, touches, deals, strict=True):
                write_activity(ctx, account, interactions, opportunities)
                told_interactions.add(interactions)
                told_opportunities.add(opportunities)
    writer.sync_sequences()
    bump_all(session)  # bulk inserts bypass the ORM hook that would do it
    with step("statistics"):
        analyze(session, writer.order)
    with step("tiers"):
        tiers = recompute_tiers(session, policy=policy, actor=actor, now=utcnow())
        session.flush()
    record(session, actor=actor, action=DEMO_ACTION, entity="database", entity_id=None,
           changes={"seed": seed, **size.model_dump(), "people": len(ctx.staff_by_id), "tables": snapshot(session)})
    session.flush()
    example = next((s for s in seeds if s.features.get("demo") == "key_fresh"), None)
    counts = {**writer.counts, "tier_changes": tiers.changed}
    return DemoReport(
        seed=seed, today=ctx.today, size=size, counts=counts, tiers={t.value: tiers.counts[t] for t in Tier},
        users=users, highlights=dict(sorted(ctx.highlights.items())),
        example_account=example.company.name if example else None, example_rep_email=ctx.reps[0].email,
        replaced_existing=replaced, insert_seconds=dict(writer.seconds), total_seconds=time.perf_counter() - started,
    )


def _load_stages(session: Session, ctx: Context) -> None:
    stages = session.scalars(select(Stage).order_by(Stage.position)).all()
    ctx.open_stages = [StageInfo(s.id, s.position, s.default_probability) for s in stages if s.is_open]
    ctx.won_stage = next((StageInfo(s.id, s.position, s.default_probability) for s in stages if s.is_won), None)
    ctx.lost_stage = next((StageInfo(s.id, s.position, s.default_probability) for s in stages if s.is_lost), None)
    if not ctx.open_stages or not ctx.won_stage or not ctx.lost_stage:
        raise InvalidInput(field="stages", problem="stages_missing")


def _people(ctx: Context, size: DemoSize) -> list[DemoUser]:
    writer, rng, table = ctx.writer, ctx.rng, Person.__table__
    taken: set[str] = set()

    def add(name: str, local: str, role: Role, manager: Staff | None, group: int = -1, team: str | None = None,
            slack: str | None = None, language: str | None = None) -> Staff:
        staff = Staff(id=writer.new_id(table), name=name, email=_unique_email(local, taken),
                      manager_id=manager.id if manager else None, group=group, team=team)
        writer.add(table, {
            "id": staff.id, "name": name, "email": staff.email, "slack_user_id": slack, "role": role,
            "manager_id": staff.manager_id, "team": team, "timezone": TIMEZONES[group] if group >= 0 else "UTC",
            "active": True, "language": language,
            "locale": "zh-CN" if slack and language == "zh" else None, "linked_at": ctx.anchor if slack else None, "created_at": ctx.anchor,
            "updated_at": ctx.anchor,
        })
        ctx.staff_by_id[staff.id] = staff
        return staff

    ctx.admin = add(*DEMO_ADMIN[:2], Role.admin, None, slack=DEMO_ADMIN[2])
    for index in range(size.managers):
        group, number = index % len(TEAMS), index // len(TEAMS) + 1
        team = TEAMS[group] if number == 1 else f"{TEAMS[group]} {number}"
        name, local = DEMO_MANAGER[:2] if index == 0 else _person_name(rng, group)
        slack = DEMO_MANAGER[2] if index == 0 else None
        ctx.managers.append(add(name, local, Role.manager, None, group, team, slack))
    for index in range(size.reps):
        manager = ctx.managers[index % size.managers]
        name, local = DEMO_REP[:2] if index == 0 else _person_name(rng, manager.group)
        slack = DEMO_REP[2] if index == 0 else None
        rep = add(name, local, Role.rep, manager, manager.group, manager.team, slack)
        ctx.reps.append(rep)
        ctx.reps_by_manager.setdefault(manager.id, []).append(rep)
        ctx.reps_by_group.setdefault(manager.group, []).append(rep)
    # Not in ctx.managers / ctx.reps: no account falls to them by chance (accounts._give_chinese_team_accounts).
    ctx.zh_manager = add(*DEMO_MANAGER_ZH[:2], Role.manager, None, 0, TEAMS[0], DEMO_MANAGER_ZH[2], "zh")
    ctx.zh_rep = add(*DEMO_REP_ZH[:2], Role.rep, ctx.zh_manager, 0, TEAMS[0], DEMO_REP_ZH[2], "zh")
    ctx.reps_by_manager[ctx.zh_manager.id] = [ctx.zh_rep]
    writer.flush()
    demo_people = [(ctx.admin, Role.admin, DEMO_ADMIN[2]), (ctx.managers[0], Role.manager, DEMO_MANAGER[2]),
                   (ctx.reps[0], Role.rep, DEMO_REP[2]), (ctx.zh_manager, Role.manager, DEMO_MANAGER_ZH[2]),
                   (ctx.zh_rep, Role.rep, DEMO_REP_ZH[2])]
    return [DemoUser(name=s.name, email=s.email, role=role, slack_user_id=slack, team=s.team,
                     language="zh" if s in (ctx.zh_manager, ctx.zh_rep) else None)
            for s, role, slack in demo_people]


def _person_name(rng: random.Random, group: int) -> tuple[str, str]:
    if group == 0:
        surname, surname_py = rng.choice(names.CN_SURNAMES)
        given, given_py = rng.choice(names.CN_GIVEN)
        return surname + given, f"{surname_py}.{given_py}".lower()
    given, surname = rng.choice(names.EN_GIVEN), rng.choice(names.EN_SURNAMES)
    return f"{given} {surname}", names.email_local(f"{given}.{surname}")


def _unique_email(local: str, taken: set[str]) -> str:
    candidate, number = local, 1
    while candidate in taken:
        number += 1
        candidate = f"{local}{number}"
    taken.add(candidate)
    return f"{candidate}@{DEMO_DOMAIN}"


def _products(ctx: Context) -> None:
    writer, table = ctx.writer, Product.__table__
    for name, series, price in phrases.PRODUCTS:
        product_id = writer.new_id(table)
        writer.add(table, {"id": product_id, "name": name, "series": series, "list_price": price})
        ctx.products.append((product_id, name, price))
    writer.flush()


def _share_out(ctx: Context, seeds: list[AccountSeed], total: int, weights: dict[Tier, float],
               minimum_for_featured: int) -> list[int]:
    """Split `total` over the accounts in proportion to tier weight × a random factor; exact sum."""
    rng = ctx.rng
    raw = []
    for seed in seeds:
        weight = weights[seed.tier] * rng.uniform(0.5, 1.5)
        if seed.status is AccountStatus.churned:
            weight *= 0.2
        raw.append(weight)
    scale = total / sum(raw) if raw and sum(raw) else 0
    quotas = [w * scale for w in raw]
    counts = [int(q) for q in quotas]
    leftover = total - sum(counts)
    by_fraction = sorted(range(len(seeds)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_fraction[:leftover]:
        counts[i] += 1
    # The demo rep's showcase accounts need a history to show; take it from the busiest account.
    for i, seed in enumerate(seeds):
        if "demo" in seed.features and counts[i] < minimum_for_featured:
            busiest = max(range(len(counts)), key=counts.__getitem__)
            if counts[busiest] > minimum_for_featured:
                counts[busiest] -= 1
                counts[i] += 1
    return counts

