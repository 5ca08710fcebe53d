"""The account card: everything a rep needs about one account, in one view."""

from datetime import date

from sqlalchemy.orm import Session

from kam_core.accounts.access import require_visible
from kam_core.accounts.card_query import (aliases_of, card_row, contacts_of, last_touch_of, next_follow_up_of,
                                          owner_of, pipeline_rows_of, plans_of, team_of, whitespace_of)
from kam_core.accounts.models import tier_of
from kam_core.accounts.schemas import AccountCard, ContactView
from kam_core.actors import Actor
from kam_core.enums import BuyingRole
from kam_core.errors import NotFound
from kam_core.fx.service import load_rates
from kam_core.opportunities.schemas import PipelineTotals
from kam_core.opportunities.service import pipeline_cell
from kam_core.permissions import may_create_opportunity
from kam_core.plans.health import assess
from kam_core.plans.service import current_plan
from kam_core.policy import Policy
from kam_core.tiers.service import explained
from kam_core.tiers.won_deals import value_window

KEY_CONTACTS = 3
ROLE_ORDER = [BuyingRole.decision_maker, BuyingRole.champion, BuyingRole.influencer, BuyingRole.blocker,
              BuyingRole.user, None]


def account_card(session: Session, *, actor: Actor, account_id: int, policy: Policy, today: date) -> AccountCard:
    """One statement (kam_core/accounts/card_query.py), then plain Python."""
    row = card_row(session, account_id=account_id, today=today)
    if row is None:
        raise NotFound(what="account", name=str(account_id))
    require_visible(actor, policy=policy, owner_id=row.owner_id, owner_team=row.owner_team,
                    owner_manager_id=row.owner_manager_id)
    tier = tier_of(row)
    cadence = policy.cadence.days_for(tier)
    rates = load_rates(session, reporting=policy.reporting_currency)
    last_touch = last_touch_of(row, today)
    team = team_of(row)
    pipeline = PipelineTotals(currency=rates.reporting)
    for group in pipeline_rows_of(row):
        pipeline.add(pipeline_cell(group, rates))
    plan = current_plan(plans_of(row, row.id), today)
    return AccountCard(
        as_of=today, id=row.id, name=row.name, aliases=aliases_of(row), industry=row.industry,
        region=row.region, size_segment=row.size_segment, status=row.status, parent_name=row.parent_name, tier=tier,
        why=explained(row, policy=policy, window_of=lambda: value_window(session, today=today), rates=lambda: rates),
        owner=owner_of(row),
        team=team,
        pipeline=pipeline,
        plan_health=None if plan is None else assess(plan, today=today, policy=policy.plan_health),
        last_touch=last_touch, cadence_days=cadence,
        overdue_touch=last_touch is None or last_touch.days_since > cadence,
        next_follow_up=next_follow_up_of(row),
        key_contacts=_key_contacts(contacts_of(row)), whitespace=whitespace_of(row),
        may_create_deal=may_create_opportunity(
            actor, account_owner_id=row.owner_person_id, account_owner_manager_id=row.owner_manager_id,
            account_team_ids={m.person.id for m in team}),
    )


def _key_contacts(contacts) -> list[ContactView]:
    contacts = sorted(contacts, key=lambda c: (ROLE_ORDER.index(c.buying_role), -(c.relationship_strength or 0), c.name))
    return [ContactView(id=c.id, name=c.name, title=c.title, buying_role=c.buying_role,
                        relationship_strength=c.relationship_strength, last_contacted_at=c.last_contacted_at)
            for c in contacts[:KEY_CONTACTS]]
