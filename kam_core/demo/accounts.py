"""The first pass over accounts: names, hierarchy, value figures, owners.

Value is drawn heavy-tailed (log-normal revenue), so ranking by value with the
default policy makes roughly one account in eight key, as the Pareto rule of
the source suggests. The tier each account will get is worked out here with the
same ranking the tier service uses, so later steps (plans, teams, contact
cadence) can shape each account for its tier.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from kam_core.accounts.models import Account, AccountAlias
from kam_core.demo import names
from kam_core.demo.context import Context, Staff
from kam_core.enums import AccountStatus, AliasSource, SizeSegment, Tier
from kam_core.progress import track
from kam_core.tiers.ranking import rank_accounts

CHINESE_SHARE = 0.4
# The bulk writer names every column: a demo's aliases are all imported, none learned.
IMPORTED_ALIAS = {"source": AliasSource.imported, "learned_by_id": None, "learned_at": None, "query": None}
GROUP_PARENT_SHARE = 0.04
REVENUE_MEDIAN = 150_000
REVENUE_SIGMA = 1.25
REGION_GROUP = {"North America": 2, "Europe": 1, "Asia Pacific": 3}
STATUSES = [AccountStatus.existing] * 82 + [AccountStatus.new] * 10 + [AccountStatus.prospect] * 5 + [
    AccountStatus.churned] * 3


@dataclass(slots=True)
class AccountSeed:
    id: int
    company: names.CompanyName
    parent_id: int | None
    status: AccountStatus
    group: int
    revenue: int = 0
    total_value: Decimal = Decimal(0)
    # (period, revenue, profit, cost to serve, learning, capability, referral)
    values: list[tuple] = field(default_factory=list)
    tier: Tier = Tier.general
    owner: Staff | None = None
    renewal_date: date | None = None
    features: dict = field(default_factory=dict)


def plan_accounts(ctx: Context, count: int) -> list[AccountSeed]:
    companies = _companies(ctx, count)
    seeds = []
    for index, (company, parent_index) in enumerate(track(companies, "accounts")):
        status = AccountStatus.existing if index < _famous_count(count) else ctx.rng.choice(STATUSES)
        group = 0 if company.country == "China" else REGION_GROUP.get(company.region, 3)
        seed = AccountSeed(id=index + 1, company=company, status=status, group=group,
                           parent_id=None if parent_index is None else parent_index + 1)
        _draw_value(ctx, seed, famous=index < _famous_count(count))
        seeds.append(seed)
    ranked = rank_accounts([(s.id, s.company.name, s.total_value) for s in seeds], ctx.policy.tiers)
    for r in ranked:
        seeds[r.account_id - 1].tier = r.tier
    _assign_owners(ctx, seeds)
    _renewals(ctx, seeds)
    return seeds


def _famous_count(count: int) -> int:
    # Tiny demos stay all-generated so the well-known names don't crowd them.
    return len(names.FAMOUS) if count >= 40 else 0


def _companies(ctx: Context, count: int) -> list[tuple[names.CompanyName, int | None]]:
    """`count` distinct companies with the index of their parent, parents first."""
    rng = ctx.rng
    result: list[tuple[names.CompanyName, int | None]] = []
    taken: set[str] = set()
    famous_index = {}
    for famous in names.FAMOUS[:_famous_count(count)]:
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in famous.name)
        company = names.CompanyName(name=famous.name, chinese=chinese, short=famous.aliases[0],
                                    industry=famous.industry, region=famous.region, country=famous.country,
                                    aliases=list(famous.aliases), core=famous.aliases[0])
        famous_index[famous.name] = len(result)
        result.append((company, famous_index.get(famous.parent) if famous.parent else None))
        taken.add(famous.name)
    cn_next, en_next = 0, 0
    while len(result) < count:
        if rng.random() < CHINESE_SHARE:
            company, cn_next = names.chinese_company(cn_next), cn_next + 1
        else:
            company, en_next = names.english_company(en_next), en_next + 1
        if company.name in taken:
            continue
        taken.add(company.name)
        parent = len(result)
        result.append((company, None))
        if rng.random() < GROUP_PARENT_SHARE:
            for _ in range(rng.randint(1, 3)):
                if len(result) >= count:
                    break
                subsidiary = _subsidiary(rng, company)
                if subsidiary.name not in taken:
                    taken.add(subsidiary.name)
                    result.append((subsidiary, parent))
    return result


def _subsidiary(rng, parent: names.CompanyName) -> names.CompanyName:
    if parent.chinese:
        return names.chinese_subsidiary(parent, rng.randrange(len(names.CITIES)))
    return names.english_subsidiary(parent, rng.randrange(len(names.EN_SUFFIXES)))


def _draw_value(ctx: Context, seed: AccountSeed, famous: bool) -> None:
    rng = ctx.rng
    if seed.status is AccountStatus.prospect:
        return
    revenue = REVENUE_MEDIAN * math.exp(rng.gauss(0, REVENUE_SIGMA))
    if famous:
        # The first well-known name (Huawei) leads, so the demo opens on a cross-script alias.
        revenue = REVENUE_MEDIAN * (15 if seed.id == 1 else rng.uniform(6, 12))
    if seed.status is AccountStatus.churned:
        revenue *= 0.05
    seed.revenue = int(round(revenue, -2))
    year = ctx.today.year
    # Bigger customers tend to teach us more and refer more: scores lean on size.
    size_points = max(0.0, min(5.0, math.log10(max(revenue, 1)) - 3.8))
    periods = [str(year)] if seed.status is AccountStatus.new else [str(year - 1), str(year)]
    for period in periods:
        scale = 1.0 if period == str(year) else rng.uniform(0.7, 1.25)
        period_revenue = int(round(revenue * scale, -2))
        margin = rng.uniform(-0.05, 0.1) if rng.random() < 0.05 else rng.uniform(0.12, 0.35)
        profit = int(round(period_revenue * margin, -2))
        cost = int(round(period_revenue * rng.uniform(0.02, 0.1) + rng.randint(1_000, 8_000), -2))
        scores = [max(0, min(5, round(size_points + rng.gauss(0, 1)))) for _ in range(3)]
        seed.values.append((period, period_revenue, profit, cost, *scores))
    _, _, profit, cost, learning, capability, referral = seed.values[-1]
    points = learning + capability + referral
    seed.total_value = Decimal(profit - cost) + ctx.policy.value.intangible_point_value * points


def _assign_owners(ctx: Context, seeds: list[AccountSeed]) -> None:
    rng = ctx.rng
    for seed in seeds:
        pool = ctx.reps_by_group.get(seed.group) or ctx.reps
        seed.owner = pool[rng.randrange(len(pool))]
    _give_demo_rep_a_portfolio(ctx, seeds)
    _give_chinese_team_accounts(ctx, seeds)


def _give_demo_rep_a_portfolio(ctx: Context, seeds: list[AccountSeed]) -> None:
    """The demo rep (the one the Slack emulator acts as) gets accounts that show every feature."""
    demo_rep = ctx.reps[0]
    by_tier = {tier: [s for s in seeds if s.tier is tier and s.status is not AccountStatus.churned] for tier in Tier}
    for tier in by_tier:
        # Their own region first, richest first: a demo opens on a recognisable key account.
        by_tier[tier].sort(key=lambda s: (s.group != demo_rep.group, -s.total_value, s.id))
    picks = {"key_fresh": by_tier[Tier.key][:1], "key_stale": by_tier[Tier.key][1:2],
             "important": by_tier[Tier.important][:1], "general": by_tier[Tier.general][:2]}
    for role, chosen in picks.items():
        for seed in chosen:
            seed.owner = demo_rep
            seed.features["demo"] = role
    for seed in picks["key_fresh"]:
        seed.features.update(last_touch=2, follow_up_in=0, birthday_in=2, plan="at_risk")
    for seed in picks["key_stale"]:
        seed.features.update(last_touch=27, follow_up_in=-20, plan="off_track")
    for seed in picks["important"]:
        seed.features.update(last_touch=6, follow_up_in=4, renewal_in=3)


def _give_chinese_team_accounts(ctx: Context, seeds: list[AccountSeed]) -> None:
    """The Chinese-speaking demo rep gets Chinese companies of every tier, richest first, none of the demo
    rep's: a key account with a plan at risk and a follow-up due today, one off track and long untouched."""
    if ctx.zh_rep is None:
        return
    free = [s for s in seeds if s.company.chinese and "demo" not in s.features
            and s.status is not AccountStatus.churned]
    by_tier = {tier: sorted((s for s in free if s.tier is tier), key=lambda s: (-s.total_value, s.id)) for tier in Tier}
    picks = {"zh_key_fresh": by_tier[Tier.key][:1], "zh_key_stale": by_tier[Tier.key][1:2],
             "zh_important": by_tier[Tier.important][:2], "zh_general": by_tier[Tier.general][:2]}
    for role, chosen in picks.items():
        for seed in chosen:
            seed.owner = ctx.zh_rep
            seed.features["demo"] = role
    for seed in picks["zh_key_fresh"]:
        seed.features.update(last_touch=3, follow_up_in=0, plan="at_risk")
    for seed in picks["zh_key_stale"]:
        seed.features.update(last_touch=25, follow_up_in=-6, plan="off_track")
    for seed in picks["zh_important"][:1]:
        seed.features.update(last_touch=5, follow_up_in=3)


def _renewals(ctx: Context, seeds: list[AccountSeed]) -> None:
    rng = ctx.rng
    for seed in seeds:
        if "renewal_in" in seed.features:
            days = seed.features["renewal_in"]
        elif seed.status in (AccountStatus.existing, AccountStatus.new) and rng.random() < 0.65:
            days = rng.randint(1, 365)
        else:
            continue
        seed.renewal_date = ctx.today + timedelta(days=days)
        if days <= 7:
            ctx.highlights["renewals_next_7_days"] += 1


def size_segment(revenue: int) -> SizeSegment:
    if revenue >= 2_000_000:
        return SizeSegment.enterprise
    if revenue >= 300_000:
        return SizeSegment.mid_market
    return SizeSegment.small if revenue >= 15_000 else SizeSegment.consumer


def write_accounts(ctx: Context, seeds: list[AccountSeed]) -> None:
    rng, writer = ctx.rng, ctx.writer
    accounts, aliases = Account.__table__, AccountAlias.__table__
    for seed in seeds:
        company = seed.company
        recent = seed.status in (AccountStatus.new, AccountStatus.prospect)
        since = rng.randint(10, 90) if recent else rng.randint(120, 790)
        created = ctx.at(since)
        segment = size_segment(seed.revenue)
        writer.add(accounts, {
            "id": seed.id, "name": company.name, "industry": company.industry, "size_segment": segment,
            "status": seed.status, "region": company.region, "country": company.country,
            "employees": _employees(rng, segment), "renewal_date": seed.renewal_date, "parent_id": seed.parent_id,
            "owner_id": seed.owner.id, "computed_tier": Tier.general, "tier_override": None,
            "tier_override_reason": None, "tier_override_by_id": None, "tier_override_at": None,
            "value_total": None, "value_period": None, "value_rank": None, "value_share": None,
            "value_share_before": None, "tiers_computed_at": None, "created_at": created, "updated_at": created,
        })
        # Every English alias of a Chinese company, and about a third of the short forms of the others.
        chosen = company.aliases if company.chinese or seed.id <= _famous_count(len(seeds)) else [
            a for a in company.aliases if rng.random() < 0.35]
        for alias in dict.fromkeys(chosen):
            if alias != company.name:
                writer.add(aliases, {"id": writer.new_id(aliases), "account_id": seed.id, "alias": alias,
                                     **IMPORTED_ALIAS})
        writer.maybe_flush()
    writer.flush()


def _employees(rng, segment: SizeSegment) -> int:
    low, high = {SizeSegment.enterprise: (2_000, 120_000), SizeSegment.mid_market: (200, 2_000),
                 SizeSegment.small: (10, 200), SizeSegment.consumer: (1, 10)}[segment]
    return rng.randint(low, high)
