"""The second pass: everything that hangs off one account, written account by account.

Contacts, team, products bought, value figures, opportunities, the account plan
(key accounts) and the interaction history with its follow-ups. Rows are
buffered and flushed in chunks by the BulkWriter.
"""

from datetime import timedelta

from kam_core.accounts.models import AccountProduct, AccountTeamMember, AccountValue, Contact
from kam_core.demo import names, phrases
from kam_core.demo.accounts import AccountSeed
from kam_core.demo.context import SLOTS, Context, Staff
from kam_core.demo.plans import write_plan
from kam_core.enums import (
    AccountStatus,
    BuyingRole,
    FollowUpStatus,
    InteractionKind,
    Lever,
    Sentiment,
    Source,
    TeamRole,
    Tier,
)
from kam_core.interactions.models import FollowUp, Interaction, interaction_contacts
from kam_core.opportunities.models import Opportunity, StageChange

HISTORY = 120  # interactions reach this many days back
CONTACTS = {Tier.key: (4, 7), Tier.important: (2, 4), Tier.general: (1, 3)}
PRODUCTS_BOUGHT = {Tier.key: (3, 6), Tier.important: (2, 4), Tier.general: (1, 3)}
# Days since the last touch for an account that keeps its cadence, by tier.
FRESH_TOUCH = {Tier.key: (1, 12), Tier.important: (1, 25), Tier.general: (1, 85)}
STALE_SHARE = {Tier.key: 0.25, Tier.important: 0.15, Tier.general: 0.2}
PLAN_SHARE = 0.9

KINDS = ([InteractionKind.call] * 30 + [InteractionKind.email] * 25 + [InteractionKind.meeting] * 18
         + [InteractionKind.visit] * 8 + [InteractionKind.note] * 14 + [InteractionKind.complaint] * 5)
SENTIMENTS = [Sentiment.positive] * 9 + [Sentiment.neutral] * 9 + [Sentiment.negative] * 2 + [None] * 4
COMPLAINT_SENTIMENTS = [Sentiment.negative] * 4 + [Sentiment.neutral]
SOURCES = ([Source.slash_command] * 35 + [Source.modal] * 25 + [Source.message_shortcut] * 10
           + [Source.direct_message] * 15 + [Source.console] * 5 + [Source.import_] * 10)
OTHER_ROLES = [BuyingRole.influencer, BuyingRole.user, BuyingRole.user, BuyingRole.blocker, BuyingRole.champion]
KEY_TEAM = [TeamRole.sales, TeamRole.solution_engineer, TeamRole.customer_support, TeamRole.finance,
            TeamRole.marketing]
EXISTING_LEVERS = ([Lever.raise_usage] * 25 + [Lever.cross_sell] * 32 + [Lever.price_mix] * 15
                   + [Lever.retention] * 15 + [Lever.new_adjacent] * 8 + [Lever.new_core] * 5)
NEW_LEVERS = [Lever.new_core] * 7 + [Lever.new_adjacent] * 3
# Levers that grow what the account already buys; the others sell it something new.
ON_BOUGHT = {Lever.raise_usage, Lever.price_mix, Lever.retention}
DEAL_MULTIPLES = [0.5, 1, 1, 1, 2, 2, 3, 5, 10]
N_KINDS, N_SOURCES, N_SLOTS = len(KINDS), len(SOURCES), len(SLOTS)
ENTRY_LAGS = [timedelta(minutes=m) for m in range(1, 91)]  # logged this long after it happened
N_LAGS = len(ENTRY_LAGS)
FOLLOW_UP_GAPS = [timedelta(days=d) for d in range(2, 22)]
PERMALINK = "https://demo.slack.com/archives/C0DEMO/p"


def write_activity(ctx: Context, seed: AccountSeed, interactions: int, opportunities: int) -> None:
    team = _team(ctx, seed)
    contacts = _contacts(ctx, seed)
    bought = _products_and_values(ctx, seed)
    _opportunities(ctx, seed, opportunities, bought, team)
    if seed.tier is Tier.key and ("plan" in seed.features or ctx.rng.random() < PLAN_SHARE):
        write_plan(ctx, seed, team, bought)
    _interactions(ctx, seed, interactions, contacts, team)
    ctx.writer.maybe_flush()


def _team(ctx: Context, seed: AccountSeed) -> list[Staff]:
    """The account team (owner first). General accounts are served by their owner alone."""
    owner = seed.owner
    if seed.tier is Tier.general:
        return [owner]
    rng, writer, table = ctx.rng, ctx.writer, AccountTeamMember.__table__
    members = [(owner, TeamRole.account_manager)]
    colleagues = [r for r in ctx.reps_by_manager.get(owner.manager_id, []) if r.id != owner.id]
    roles = KEY_TEAM[:rng.randint(2, 4)] if seed.tier is Tier.key else [rng.choice(KEY_TEAM[:3])]
    # One person per role; a small team simply leaves the last roles unfilled.
    members += zip(rng.sample(colleagues, min(len(roles), len(colleagues))), roles)
    manager = ctx.staff_by_id.get(owner.manager_id)
    if seed.tier is Tier.key and manager:
        members.append((manager, TeamRole.executive_sponsor))
    for person, role in members:
        writer.add(table, {"id": writer.new_id(table), "account_id": seed.id, "person_id": person.id, "role": role})
    return [person for person, _ in members]


def _contacts(ctx: Context, seed: AccountSeed) -> list[dict]:
    rng, writer, table = ctx.rng, ctx.writer, Contact.__table__
    chinese = seed.company.chinese
    titles = phrases.TITLES_ZH if chinese else phrases.TITLES_EN
    domain = names.web_domain(seed.company)
    low, high = CONTACTS[seed.tier]
    count = rng.randint(low, high) if seed.status is not AccountStatus.prospect else 1
    created = ctx.at(rng.randint(30, 700))
    contacts = []
    for index in range(count):
        role = (BuyingRole.decision_maker, BuyingRole.champion)[index] if index < 2 else rng.choice(OTHER_ROLES)
        if chinese:
            surname, surname_py = rng.choice(names.CN_SURNAMES)
            given, given_py = rng.choice(names.CN_GIVEN)
            name, email = surname + given, f"{given_py}.{surname_py}".lower()
            phone = f"+86 1{rng.randint(30, 89)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        else:
            given, surname = rng.choice(names.EN_GIVEN), rng.choice(names.EN_SURNAMES)
            name, email = f"{given} {surname}", names.email_local(f"{given}.{surname}")
            phone = f"+{rng.randint(1, 49)} {rng.randint(100, 999)} {rng.randint(100_000, 999_999)}"
        contact = {
            "id": writer.new_id(table), "account_id": seed.id, "name": name, "title": rng.choice(titles[role]),
            "email": f"{email}@{domain}", "phone": phone, "buying_role": role,
            "relationship_strength": rng.randint(3, 5) if index < 2 else rng.randint(1, 4),
            "last_contacted_at": None, "birthday": _birthday(ctx, seed, index), "created_at": created,
            "updated_at": created,
        }
        contacts.append(contact)
        writer.add(table, contact)
    return contacts


def _birthday(ctx: Context, seed: AccountSeed, index: int):
    rng = ctx.rng
    if index == 0 and "birthday_in" in seed.features:
        day = ctx.today + timedelta(days=seed.features["birthday_in"])
    elif rng.random() < 0.7:
        day = ctx.today + timedelta(days=rng.randrange(365))
    else:
        return None
    if 0 <= (day - ctx.today).days <= 7:
        ctx.highlights["birthdays_next_7_days"] += 1
    year = rng.randint(1962, 1996)
    if day.month == 2 and day.day == 29:
        year = 1988  # a leap year, so 29 February exists
    return day.replace(year=year)


def _products_and_values(ctx: Context, seed: AccountSeed) -> list[tuple[int, str, int]]:
    rng, writer = ctx.rng, ctx.writer
    for period, revenue, profit, cost, learning, capability, referral in seed.values:
        writer.add(AccountValue.__table__, {
            "id": writer.new_id(AccountValue.__table__), "account_id": seed.id, "period": period, "currency": "USD",
            "revenue": revenue, "profit_contribution": profit, "cost_to_serve": cost, "learning_score": learning,
            "capability_score": capability, "referral_score": referral,
        })
    if seed.status is AccountStatus.prospect:
        return []
    low, high = PRODUCTS_BOUGHT[seed.tier]
    bought = rng.sample(ctx.products, rng.randint(low, high))
    table = AccountProduct.__table__
    for product_id, _, _ in bought:
        writer.add(table, {"id": writer.new_id(table), "account_id": seed.id, "product_id": product_id,
                           "since": ctx.today - timedelta(days=rng.randint(60, 2_000))})
    return bought


def _opportunities(ctx: Context, seed: AccountSeed, count: int, bought, team: list[Staff]) -> None:
    rng, writer, today = ctx.rng, ctx.writer, ctx.today
    table, changes = Opportunity.__table__, StageChange.__table__
    whitespace = [p for p in ctx.products if p not in bought]
    levers = NEW_LEVERS if seed.status in (AccountStatus.prospect, AccountStatus.new) or not bought else EXISTING_LEVERS
    size_factor = {Tier.key: 3.0, Tier.important: 1.5, Tier.general: 0.6}[seed.tier]
    for _ in range(count):
        lever = rng.choice(levers)
        pool = bought if lever in ON_BOUGHT else whitespace or bought
        product_id, product_name, price = rng.choice(pool or ctx.products)
        amount = int(round(price * rng.choice(DEAL_MULTIPLES) * size_factor * rng.uniform(0.6, 1.6), -2)) or 100
        owner = seed.owner if rng.random() < 0.85 else rng.choice(team)
        outcome = rng.random()
        next_step = None
        if outcome < 0.62:
            stage = ctx.open_stages[_weighted_open_stage(rng, len(ctx.open_stages))]
            close = today + timedelta(days=rng.randint(-30, 150))
            if close < today:
                ctx.highlights["slipping_opportunities"] += 1
            closed_on, probability = None, None
            engaged = min(today - timedelta(days=5), close - timedelta(days=rng.randint(20, 160)))
            next_step = rng.choice(phrases.NEXT_STEPS_ZH if seed.company.chinese else phrases.NEXT_STEPS_EN)
            if rng.random() < 0.4:
                probability = max(5, min(95, stage.default_probability + rng.randint(-15, 15)))
        else:
            stage = ctx.won_stage if outcome < 0.84 else ctx.lost_stage
            recent = rng.random() < 0.2
            closed_on = today - timedelta(days=rng.randint(1, 30) if recent else rng.randint(31, 330))
            close = closed_on + timedelta(days=rng.randint(-20, 20))
            engaged = closed_on - timedelta(days=rng.randint(20, 200))
            probability = None
            if recent:
                ctx.highlights[f"closed_{'won' if stage is ctx.won_stage else 'lost'}_last_30_days"] += 1
        opportunity_id = writer.new_id(table)
        created = ctx.on(engaged)
        writer.add(table, {
            "id": opportunity_id, "name": f"{seed.company.short} – {product_name} {phrases.LEVER_WORDS[lever]}",
            "account_id": seed.id, "product_id": product_id, "lever": lever, "amount": amount, "currency": "USD",
            "stage_id": stage.id, "probability": probability, "expected_close_date": close, "closed_on": closed_on,
            "engaged_on": engaged, "next_step": next_step, "owner_id": owner.id, "source": "demo",
            "external_id": None, "lost_reason_id": None, "lost_note": None, "version": 1, "created_at": created,
            "updated_at": ctx.on(closed_on) if closed_on else created,
        })
        if closed_on or stage.position > ctx.open_stages[0].position:
            before = ctx.open_stages[rng.randrange(len(ctx.open_stages))] if closed_on else ctx.open_stages[
                max(0, ctx.open_stages.index(stage) - 1)]
            moved = ctx.on(closed_on) if closed_on else ctx.on(max(engaged, today - timedelta(days=rng.randint(1, 40))))
            writer.add(changes, {"id": writer.new_id(changes), "opportunity_id": opportunity_id,
                                 "from_stage_id": before.id, "to_stage_id": stage.id, "changed_by_id": owner.id,
                                 "changed_at": moved, "idempotency_key": None})


def _weighted_open_stage(rng, count: int) -> int:
    # Early stages hold more deals than late ones: index i has weight (count - i + 2).
    total = sum(count - i + 2 for i in range(count))
    pick = rng.randrange(total)
    for index in range(count):
        pick -= count - index + 2
        if pick < 0:
            return index
    return count - 1


def _interactions(ctx: Context, seed: AccountSeed, count: int, contacts: list[dict], team: list[Staff]) -> None:
    """The account's history. The hottest loop of the generator (a million rows at benchmark size),
    hence the local names and `int(random() * n)` picks instead of rng.choice/randint."""
    if count <= 0:
        return
    rnd, writer = ctx.rng.random, ctx.writer
    rows, link_rows = writer.rows(Interaction.__table__), writer.rows(interaction_contacts)
    texts = phrases.INTERACTION_TEXT_ZH if seed.company.chinese else phrases.INTERACTION_TEXT_EN
    next_steps = phrases.NEXT_STEPS_ZH if seed.company.chinese else phrases.NEXT_STEPS_EN
    last_touch = _last_touch(ctx, seed)
    span = HISTORY - last_touch + 1
    owner, account_id, day_start = seed.owner, seed.id, ctx.day_start
    first_id = writer.take_ids(Interaction.__table__, count)
    forced_due = seed.features.get("follow_up_in")
    for index in range(count):
        interaction_id = first_id + index
        days_ago = last_touch if index == 0 else last_touch + int(rnd() * span)
        occurred = day_start[days_ago] + SLOTS[int(rnd() * N_SLOTS)]
        kind = KINDS[int(rnd() * N_KINDS)]
        forced = index == 0 and forced_due is not None
        author = owner if forced or len(team) == 1 or rnd() < 0.85 else team[int(rnd() * len(team))]
        source = SOURCES[int(rnd() * N_SOURCES)]
        next_step = next_steps[int(rnd() * len(next_steps))] if forced or rnd() < 0.35 else None
        follow_up_on = None
        if forced:
            follow_up_on = ctx.today + timedelta(days=forced_due)
        elif next_step and rnd() < 0.55:
            follow_up_on = occurred.date() + FOLLOW_UP_GAPS[int(rnd() * len(FOLLOW_UP_GAPS))]
        pool = texts[kind]
        sentiments = COMPLAINT_SENTIMENTS if kind is InteractionKind.complaint else SENTIMENTS
        rows.append({
            "id": interaction_id, "account_id": account_id, "kind": kind, "occurred_at": occurred,
            "author_id": author.id, "text": pool[int(rnd() * len(pool))],
            "sentiment": sentiments[int(rnd() * len(sentiments))], "next_step": next_step,
            "follow_up_on": follow_up_on, "source": source,
            "permalink": f"{PERMALINK}{interaction_id}" if source is Source.message_shortcut else None,
            "idempotency_key": None, "created_at": occurred + ENTRY_LAGS[int(rnd() * N_LAGS)],
        })
        if contacts and kind is not InteractionKind.note and rnd() < 0.8:
            spoken = [contacts[0] if rnd() < 0.5 else contacts[int(rnd() * len(contacts))]]
            if len(contacts) > 1 and rnd() < 0.15:
                spoken.append(contacts[1] if spoken[0] is not contacts[1] else contacts[0])
            for contact in spoken:
                link_rows.append({"interaction_id": interaction_id, "contact_id": contact["id"]})
                if contact["last_contacted_at"] is None or contact["last_contacted_at"] < occurred:
                    contact["last_contacted_at"] = occurred
        if follow_up_on:
            _follow_up(ctx, seed, interaction_id, author, next_step, follow_up_on, forced, occurred)


def _last_touch(ctx: Context, seed: AccountSeed) -> int:
    if "last_touch" in seed.features:
        days = seed.features["last_touch"]
    else:
        low, high = FRESH_TOUCH[seed.tier]
        cadence = ctx.policy.cadence.days_for(seed.tier)
        stale = ctx.rng.random() < STALE_SHARE[seed.tier]
        days = ctx.rng.randint(cadence + 1, min(HISTORY, cadence + 45)) if stale else ctx.rng.randint(low, high)
    if seed.tier is Tier.key and days > ctx.policy.cadence.key_days:
        ctx.highlights["stale_key_accounts"] += 1
    return days


def _follow_up(ctx: Context, seed: AccountSeed, interaction_id: int, author: Staff, title: str, due, forced: bool,
               created) -> None:
    rng, writer, table, today = ctx.rng, ctx.writer, FollowUp.__table__, ctx.today
    status, completed = FollowUpStatus.open, None
    if due < today and not forced:
        roll = rng.random()
        if roll < 0.85:
            status, completed = FollowUpStatus.done, ctx.on(due)
        elif roll < 0.88:
            status = FollowUpStatus.cancelled
    if status is FollowUpStatus.open:
        bucket = "overdue" if due < today else "today" if due == today else "upcoming"
        ctx.highlights[f"follow_ups_{bucket}"] += 1
    writer.add(table, {
        "id": writer.new_id(table), "owner_id": author.id, "account_id": seed.id, "opportunity_id": None,
        "interaction_id": interaction_id, "title": title, "due_on": due, "status": status,
        "completed_at": completed, "version": 1, "created_at": created, "updated_at": completed or created,
    })
