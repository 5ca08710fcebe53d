"""The account card: everything a rep needs about one account, in one view."""

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from kam_core.accounts.access import visible_account
from kam_core.accounts.models import Account, AccountProduct, AccountTeamMember, Contact, Product
from kam_core.accounts.schemas import AccountCard, ContactView, LastTouch, PersonRef, TeamMemberView
from kam_core.actors import Actor
from kam_core.enums import BuyingRole, FollowUpStatus
from kam_core.fx.service import load_rates
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.service import follow_up_view
from kam_core.people.models import Person
from kam_core.opportunities.schemas import PipelineTotals
from kam_core.opportunities.service import pipeline_by_account
from kam_core.permissions import may_create_opportunity
from kam_core.plans.service import plan_health_by_account
from kam_core.policy import Policy
from kam_core.tiers.service import explain_tier

KEY_CONTACTS = 3
ROLE_ORDER = [BuyingRole.decision_maker, BuyingRole.champion, BuyingRole.influencer, BuyingRole.blocker,
              BuyingRole.user, None]


def person_ref(person) -> PersonRef | None:
    if person is None:
        return None
    return PersonRef(id=person.id, name=person.name, email=person.email, slack_user_id=person.slack_user_id)


def account_card(session: Session, *, actor: Actor, account_id: int, policy: Policy, today: date) -> AccountCard:
    account = visible_account(session, actor=actor, account_id=account_id, policy=policy,
                              load=(joinedload(Account.aliases), joinedload(Account.parent)))
    cadence = policy.cadence.days_for(account.tier)
    last_touch = _last_touch(session, account.id, today)
    team = _team(session, account.id)
    rates = load_rates(session, reporting=policy.reporting_currency)
    return AccountCard(
        as_of=today, id=account.id, name=account.name, aliases=[a.alias for a in account.aliases], industry=account.industry,
        region=account.region, size_segment=account.size_segment, status=account.status,
        parent_name=account.parent.name if account.parent else None, tier=account.tier,
        why=explain_tier(session, account_id=account.id, policy=policy, today=today, rates=rates),
        owner=person_ref(account.owner),
        team=team,
        pipeline=pipeline_by_account(session, [account.id], rates=rates).get(account.id, PipelineTotals()),
        plan_health=plan_health_by_account(session, [account.id], policy=policy, today=today).get(account.id),
        last_touch=last_touch, cadence_days=cadence,
        overdue_touch=last_touch is None or last_touch.days_since > cadence,
        next_follow_up=_next_follow_up(session, account.id), key_contacts=_key_contacts(session, account.id),
        whitespace=_whitespace(session, account.id), may_create_deal=_may_create_deal(actor, account, team),
    )


# The card's statements are built once, at import: building and caching a statement costs SQLAlchemy
# more than SQLite takes to run it, and the card runs a dozen per request (docs/benchmarks.md).
_LAST_TOUCH = (
    select(Interaction.occurred_at, Interaction.kind, Person.name.label("author_name"))
    .outerjoin(Person, Person.id == Interaction.author_id)
    .where(Interaction.account_id == bindparam("account_id"))
    .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)
)
_TEAM = (select(AccountTeamMember).where(AccountTeamMember.account_id == bindparam("account_id"))
         .order_by(AccountTeamMember.role, AccountTeamMember.id))
_NEXT_FOLLOW_UP = (
    select(FollowUp).options(joinedload(FollowUp.account), joinedload(FollowUp.owner))
    .where(FollowUp.account_id == bindparam("account_id"), FollowUp.status == FollowUpStatus.open)
    .order_by(FollowUp.due_on, FollowUp.id).limit(1)
)
_CONTACTS = select(Contact).where(Contact.account_id == bindparam("account_id"))
_WHITESPACE = (select(Product.name).where(Product.id.not_in(
    select(AccountProduct.product_id).where(AccountProduct.account_id == bindparam("account_id"))))
    .order_by(Product.name))


def _last_touch(session: Session, account_id: int, today: date) -> LastTouch | None:
    last = session.execute(_LAST_TOUCH, {"account_id": account_id}).first()
    if last is None:
        return None
    return LastTouch(occurred_at=last.occurred_at, kind=last.kind.value, author_name=last.author_name,
                     days_since=(today - last.occurred_at.date()).days)


def _may_create_deal(actor: Actor, account: Account, team: list[TeamMemberView]) -> bool:
    owner = account.owner
    return may_create_opportunity(actor, account_owner_id=owner.id if owner else None,
                                  account_owner_manager_id=owner.manager_id if owner else None,
                                  account_team_ids={m.person.id for m in team})


def _team(session: Session, account_id: int) -> list[TeamMemberView]:
    members = session.scalars(_TEAM, {"account_id": account_id})
    return [TeamMemberView(person=person_ref(m.person), role=m.role) for m in members]


def _next_follow_up(session: Session, account_id: int):
    follow_up = session.scalar(_NEXT_FOLLOW_UP, {"account_id": account_id})
    return follow_up_view(follow_up) if follow_up else None


def _key_contacts(session: Session, account_id: int) -> list[ContactView]:
    contacts = session.scalars(_CONTACTS, {"account_id": account_id}).all()
    contacts = sorted(contacts, key=lambda c: (ROLE_ORDER.index(c.buying_role), -(c.relationship_strength or 0), c.name))
    return [ContactView(id=c.id, name=c.name, title=c.title, buying_role=c.buying_role,
                        relationship_strength=c.relationship_strength, last_contacted_at=c.last_contacted_at)
            for c in contacts[:KEY_CONTACTS]]


def _whitespace(session: Session, account_id: int) -> list[str]:
    return list(session.scalars(_WHITESPACE, {"account_id": account_id}))
