"""`kam export plans FILE.csv`: every account plan in the format `kam import plans` reads (plans_format.py).

Per plan, by account name and period: the plan row, then its objectives and actions (in the order they
were added) and its reviews (by date). Every row
repeats the plan's period, so a spreadsheet can sort and filter the file. Figures are plain numbers
(45, 1200.5), dates YYYY-MM-DD, levers and statuses their stored value (raise_usage, in_progress).
"""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.errors import InvalidInput
from kam_core.importers.plans_format import COLUMNS
from kam_core.people.models import Person
from kam_core.permissions import Action, require
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview


class PlansExport(BaseModel):
    file: str
    counts: dict[str, int]


def export_plans_csv(session: Session, *, file: Path, actor: Actor) -> PlansExport:
    # Plans of every account: as privileged as the whole-database export.
    require(actor, Action.import_data)
    file = Path(file)
    if file.is_dir():
        raise InvalidInput(field="file", problem="not_a_file", file=str(file))
    people = dict(session.execute(select(Person.id, Person.email)).all())
    plans = session.scalars(
        select(AccountPlan).join(Account, Account.id == AccountPlan.account_id)
        .options(joinedload(AccountPlan.account), selectinload(AccountPlan.objectives),
                 selectinload(AccountPlan.actions), selectinload(AccountPlan.reviews))
        .order_by(Account.name, AccountPlan.period_start, AccountPlan.id)).unique().all()
    counts = dict.fromkeys(("plans", "objectives", "actions", "reviews"), 0)
    with file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for plan in plans:
            for row in _rows(plan, people):
                writer.writerow({column: _cell(value) for column, value in row.items()})
                counts[f"{row['record']}s"] += 1
    return PlansExport(file=str(file), counts=counts)


def _rows(plan: AccountPlan, people: dict[int, str]):
    key = {"account": plan.account.name, "period_start": plan.period_start, "period_end": plan.period_end}
    yield {"record": "plan", **key, "focus": plan.focus, "customer_trends": plan.customer_trends,
           "customer_priorities": plan.customer_priorities, "our_impact": plan.our_impact,
           "value_proposition": plan.value_proposition,
           "executive_sponsor_email": people.get(plan.executive_sponsor_id), "team_roles": plan.team_roles,
           "reason": plan.reason}
    for o in sorted(plan.objectives, key=lambda o: o.id):
        yield _objective(o, key)
    for a in sorted(plan.actions, key=lambda a: a.id):  # as added: how the import matches two alike
        yield _action(a, key, people)
    for r in sorted(plan.reviews, key=lambda r: (r.reviewed_on, r.id)):
        yield _review(r, key, people)


def _objective(o: PlanObjective, key: dict) -> dict:
    return {"record": "objective", **key, "description": o.description, "lever": o.lever, "target": o.target,
            "unit": o.unit, "actual": o.actual}


def _action(a: PlanAction, key: dict, people: dict[int, str]) -> dict:
    return {"record": "action", **key, "description": a.description, "owner_email": people.get(a.owner_id),
            "due_date": a.due_date, "status": a.status}


def _review(r: PlanReview, key: dict, people: dict[int, str]) -> dict:
    return {"record": "review", **key, "reviewed_on": r.reviewed_on, "reviewer_email": people.get(r.reviewer_id),
            "notes": r.notes, "customer_view": r.customer_view}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # 45, not 45.00 (a spreadsheet shows either)
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))
