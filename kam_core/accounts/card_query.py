"""The account card's one statement: the account with its owner (for the visibility check), and every
section of the card as a JSON column (kam_core.sqljson), decoded here into plain rows.

One round trip instead of a dozen: on PostgreSQL each statement is a network round trip, and building
ORM entities for a dozen small results cost more Python time than the card's queries took to run.
Money comes through JSON as text (no float on the way) and back to the cent, as the ORM gives it.
"""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import String, bindparam, cast, select
from sqlalchemy.orm import aliased

from kam_core.accounts.models import Account, AccountAlias, AccountProduct, AccountTeamMember, Contact, Product
from kam_core.accounts.schemas import LastTouch, PersonRef, TeamMemberView
from kam_core.base import as_date
from kam_core.enums import ActionStatus, BuyingRole, FollowUpStatus, TeamRole
from kam_core.interactions.models import FollowUp, Interaction
from kam_core.interactions.schemas import FollowUpView
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.opportunities.service import pipeline_columns
from kam_core.people.models import Person
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective
from kam_core.plans.service import PlanFacts
from kam_core.sqljson import as_datetime, as_money, json_row, json_rows, row_of, rows_of
from kam_core.tiers.service import explanation_columns


def _of_account(statement):
    # sqljson puts each statement in a subquery of its own: correlate it to the card's account explicitly.
    return statement.correlate(Account)


def _pipeline():
    groups = (select(*pipeline_columns()).join(Stage, Stage.id == Opportunity.stage_id)
              .where(Stage.is_open, Opportunity.account_id == Account.id).group_by(Opportunity.currency)
              .order_by(Opportunity.currency).correlate(Account).subquery())
    return select(groups.c.currency, groups.c.count, cast(groups.c.amount, String).label("amount"),
                  cast(groups.c.amount_x_probability, String).label("amount_x_probability"))


def _statement():
    owner, parent = aliased(Person), aliased(Account)
    author, member, follow_up_owner = aliased(Person), aliased(Person), aliased(Person)
    plans_of_account = select(AccountPlan.id).where(AccountPlan.account_id == Account.id).correlate(Account)
    sections = {
        "aliases": json_rows(_of_account(select(AccountAlias.alias).where(AccountAlias.account_id == Account.id)
                                         .order_by(AccountAlias.alias))),
        "last_touch": json_row(_of_account(
            select(Interaction.occurred_at, Interaction.kind, author.name.label("author_name"))
            .outerjoin(author, author.id == Interaction.author_id).where(Interaction.account_id == Account.id)
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))),
        "team": json_rows(_of_account(
            select(member.id, member.name, member.email, member.slack_user_id, AccountTeamMember.role)
            .join(member, member.id == AccountTeamMember.person_id)
            .where(AccountTeamMember.account_id == Account.id)
            .order_by(AccountTeamMember.role, AccountTeamMember.id))),
        "pipeline": json_rows(_pipeline()),
        "plans": json_rows(_of_account(
            select(AccountPlan.id, AccountPlan.period_start, AccountPlan.period_end, AccountPlan.last_reviewed_at)
            .where(AccountPlan.account_id == Account.id))),
        "objectives": json_rows(_of_account(
            select(PlanObjective.plan_id, PlanObjective.description, cast(PlanObjective.target, String).label("target"),
                   cast(PlanObjective.actual, String).label("actual"), PlanObjective.unit)
            .where(PlanObjective.plan_id.in_(plans_of_account)).order_by(PlanObjective.id))),
        "actions": json_rows(_of_account(
            select(PlanAction.plan_id, PlanAction.status, PlanAction.due_date)
            .where(PlanAction.plan_id.in_(plans_of_account)).order_by(PlanAction.id))),
        "next_follow_up": json_row(_of_account(
            select(FollowUp.id, FollowUp.title, FollowUp.due_on, FollowUp.status, FollowUp.version,
                   follow_up_owner.name.label("owner_name"))
            .outerjoin(follow_up_owner, follow_up_owner.id == FollowUp.owner_id)
            .where(FollowUp.account_id == Account.id, FollowUp.status == FollowUpStatus.open)
            .order_by(FollowUp.due_on, FollowUp.id))),
        "contacts": json_rows(_of_account(
            select(Contact.id, Contact.name, Contact.title, Contact.buying_role, Contact.relationship_strength,
                   Contact.last_contacted_at).where(Contact.account_id == Account.id).order_by(Contact.id))),
        "whitespace": json_rows(_of_account(select(Product.name).where(Product.id.not_in(
            _of_account(select(AccountProduct.product_id).where(AccountProduct.account_id == Account.id))))
            .order_by(Product.name))),
    }
    return (
        select(*explanation_columns(), Account.industry, Account.region, Account.size_segment, Account.status,
               Account.owner_id, owner.id.label("owner_person_id"), owner.name.label("owner_name"),
               owner.email.label("owner_email"), owner.slack_user_id.label("owner_slack_user_id"),
               owner.team.label("owner_team"), owner.manager_id.label("owner_manager_id"),
               parent.name.label("parent_name"), *(column.label(name) for name, column in sections.items()))
        .select_from(Account).outerjoin(owner, owner.id == Account.owner_id)
        .outerjoin(parent, parent.id == Account.parent_id)
        .where(Account.id == bindparam("account_id"))
    )


# Built once, at import: building and caching a statement this size costs SQLAlchemy more than running it.
CARD = _statement()


def card_row(session, *, account_id: int, today: date):
    """The card's row (None: no such account); the JSON columns are decoded by the functions below."""
    # On the connection: a plain Core row needs none of the ORM's result handling (a third of the card's
    # time on SQLite). What the session holds unflushed is flushed first, as session.execute would.
    session.flush()
    return session.connection().execute(CARD, {"account_id": account_id, "today": today}).first()


def team_of(row) -> list[TeamMemberView]:
    return [TeamMemberView(person=PersonRef(id=m["id"], name=m["name"], email=m["email"],
                                            slack_user_id=m["slack_user_id"]), role=TeamRole(m["role"]))
            for m in rows_of(row.team)]


def owner_of(row) -> PersonRef | None:
    if row.owner_person_id is None:
        return None
    return PersonRef(id=row.owner_person_id, name=row.owner_name, email=row.owner_email,
                     slack_user_id=row.owner_slack_user_id)


def last_touch_of(row, today: date) -> LastTouch | None:
    last = row_of(row.last_touch)
    if last is None:
        return None
    occurred_at = as_datetime(last["occurred_at"])
    return LastTouch(occurred_at=occurred_at, kind=last["kind"], author_name=last["author_name"],
                     days_since=(today - occurred_at.date()).days)


def pipeline_rows_of(row) -> list[SimpleNamespace]:
    """The open deals grouped by currency, as kam_core.opportunities.service.pipeline_cell reads them."""
    return [SimpleNamespace(currency=g["currency"], count=g["count"], amount=as_money(g["amount"]),
                            amount_x_probability=as_money(g["amount_x_probability"])) for g in rows_of(row.pipeline)]


def plans_of(row, account_id: int) -> list[PlanFacts]:
    """Every plan of the account with its objectives and actions (plans.service.current_plan picks one)."""
    plans = {p["id"]: PlanFacts(id=p["id"], account_id=account_id, period_start=as_date(p["period_start"]),
                                period_end=as_date(p["period_end"]),
                                last_reviewed_at=as_datetime(p["last_reviewed_at"]))
             for p in rows_of(row.plans)}
    for o in rows_of(row.objectives):
        plans[o["plan_id"]].objectives.append(SimpleNamespace(
            description=o["description"], target=as_money(o["target"]), actual=as_money(o["actual"]), unit=o["unit"]))
    for a in rows_of(row.actions):
        plans[a["plan_id"]].actions.append(SimpleNamespace(
            status=ActionStatus(a["status"]), due_date=None if a["due_date"] is None else as_date(a["due_date"])))
    return list(plans.values())


def next_follow_up_of(row) -> FollowUpView | None:
    f = row_of(row.next_follow_up)
    if f is None:
        return None
    return FollowUpView(id=f["id"], account_id=row.id, account_name=row.name, title=f["title"],
                        due_on=as_date(f["due_on"]), status=FollowUpStatus(f["status"]), owner_name=f["owner_name"],
                        version=f["version"])


def contacts_of(row) -> list[SimpleNamespace]:
    """Every contact of the account (the card shows the key ones: accounts.service.key_contacts)."""
    return [SimpleNamespace(id=c["id"], name=c["name"], title=c["title"],
                            buying_role=None if c["buying_role"] is None else BuyingRole(c["buying_role"]),
                            relationship_strength=c["relationship_strength"],
                            last_contacted_at=as_datetime(c["last_contacted_at"])) for c in rows_of(row.contacts)]


def aliases_of(row) -> list[str]:
    return [a["alias"] for a in rows_of(row.aliases)]


def whitespace_of(row) -> list[str]:
    return [p["name"] for p in rows_of(row.whitespace)]
