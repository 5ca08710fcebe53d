"""`kam import plans FILE.csv`: account plans kept in a spreadsheet (the format: plans_format.py, docs/imports.md).

All or nothing: every row is read and checked before anything is written, and every problem found is
reported at once, each with its row and column. Keys, so that importing the same file again changes
nothing: a plan is its account + period_start; an objective or an action is its description within
the plan (regardless of case; two alike are matched in order); a review is its plan + reviewed_on +
reviewer. An empty cell leaves the
stored value as it is. A new plan on an account that is not a key account needs a `reason`, as in Slack.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kam_core.accounts.models import Account
from kam_core.actors import Actor
from kam_core.clock import utcnow
from kam_core.enums import ActionStatus, Lever, Tier
from kam_core.errors import ImportFailed, InvalidInput
from kam_core.importers.plans_format import COLUMNS, LEVERS, PART_COLUMNS, RECORDS, REQUIRED, STATUSES, normal, \
    used_by
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.source import Row, raise_problems, read_csv
from kam_core.importers.upsert import align, audit_run
from kam_core.people.models import Person
from kam_core.permissions import Action, require
from kam_core.plans.checks import DESCRIPTION, LARGEST, LONG_TEXT, PLAN_YEARS, UNIT, parse_amount
from kam_core.plans.models import AccountPlan, PlanAction, PlanObjective, PlanReview
from kam_core.plans.service import review_moment
from kam_core.policy import Policy

ENTITIES = ["plans", "objectives", "actions", "reviews"]
LIMITS = {"description": DESCRIPTION, "unit": UNIT}
EMAILS = {"executive_sponsor_email": "executive_sponsor_id", "owner_email": "owner_id",
          "reviewer_email": "reviewer_id"}
_BAD = object()  # a cell whose problem is already noted


@dataclass
class Line:
    row: Row
    record: str
    account: Account | None
    period_start: date | None
    period_end: date | None
    values: dict = field(default_factory=dict)  # the part's filled cells, as stored (emails as person ids)
    occurrence: int = 0  # rows before this one of the same plan part (see _stored_part)

    @property
    def plan_key(self) -> tuple[int, date] | None:
        if self.account is None or self.period_start in (None, _BAD):
            return None
        return self.account.id, self.period_start


class Problems:
    def __init__(self) -> None:
        self.found: list[ImportFailed] = []

    def add(self, problem: ImportFailed) -> None:
        self.found.append(problem)

    def check(self, read):
        try:
            return read()
        except ImportFailed as problem:
            self.found.append(problem)
            return _BAD


def import_plans_csv(session: Session, *, file: Path, actor: Actor, policy: Policy,
                     now: datetime | None = None) -> ImportReport:
    require(actor, Action.import_data)
    now = now or utcnow()
    file = Path(file)
    rows = read_csv(file, required=REQUIRED, optional=[c for c in COLUMNS if c not in REQUIRED])
    problems = Problems()
    accounts = _AccountNames(session)
    people = {email.lower(): person_id for email, person_id in session.execute(select(Person.email, Person.id))}
    lines = [line for row in rows if (line := _parse(row, accounts, people, problems, today=now.date()))]

    account_ids = sorted({line.account.id for line in lines if line.account is not None})
    stored = {(p.account_id, p.period_start): p for p in session.scalars(
        select(AccountPlan).where(AccountPlan.account_id.in_(account_ids))
        .options(selectinload(AccountPlan.objectives), selectinload(AccountPlan.actions),
                 selectinload(AccountPlan.reviews)))} if account_ids else {}
    _check_plans(lines, stored, problems)
    raise_problems(str(file), problems.found)

    report = ReportBuilder("plans", str(file), ENTITIES)
    _write(session, lines, stored, report, now=now)
    session.flush()
    result = report.build()
    audit_run(session, report.source, result, kind="plans", actor=actor)
    return result


class _AccountNames:
    """Accounts by exact name, else by alias, regardless of case; an alias two accounts share names neither."""

    def __init__(self, session: Session) -> None:
        self.by_name: dict[str, Account] = {}
        self.by_alias: dict[str, dict[int, Account]] = defaultdict(dict)
        for account in session.scalars(select(Account).options(selectinload(Account.aliases))):
            self.by_name[account.name.casefold()] = account
            for alias in account.aliases:
                self.by_alias[alias.alias.casefold()][account.id] = account

    def find(self, row: Row, name: str) -> Account:
        if (account := self.by_name.get(name.casefold())) is not None:
            return account
        found = list(self.by_alias.get(name.casefold(), {}).values())
        if not found:
            raise row.fail("account", "no_such_account", value=name)
        if len(found) > 1:
            raise row.fail("account", "account_ambiguous", value=name, names=sorted(a.name for a in found))
        return found[0]


def _parse(row: Row, accounts: _AccountNames, people: dict[str, int], problems: Problems, *,
           today: date) -> Line | None:
    record = problems.check(lambda: row.text("record", required=True))
    if record is _BAD:
        return None
    if record.lower() not in RECORDS:
        problems.add(row.fail("record", "not_one_of", value=record, choices=RECORDS))
        return None
    record = record.lower()
    for column in row.values:
        if column not in PART_COLUMNS[record] and column not in ("record", "account", "period_start", "period_end") \
                and row.text(column) is not None:
            problems.add(row.fail(column, "not_for_record", record=record, records=used_by(column)))
    name = problems.check(lambda: row.text("account", required=True))
    account = None if name is _BAD else problems.check(lambda: accounts.find(row, name))
    line = Line(row=row, record=record, account=None if account is _BAD else account,
                period_start=problems.check(lambda: row.date("period_start", required=True)),
                period_end=problems.check(lambda: row.date("period_end", required=record == "plan")))
    for column in PART_COLUMNS[record]:
        value = problems.check(lambda c=column: _cell(row, c, people, today=today,
                                                      required=c in _REQUIRED_CELLS[record]))
        if value is not None and value is not _BAD:
            line.values[EMAILS.get(column, column)] = value
    return line


_REQUIRED_CELLS = {"plan": set(), "objective": {"description"}, "action": {"description"},
                   "review": {"reviewed_on", "notes"}}


def _cell(row: Row, column: str, people: dict[str, int], *, today: date, required: bool):
    if column in ("due_date", "reviewed_on"):
        day = row.date(column, required=required)
        if column == "reviewed_on" and day is not None and day > today:
            raise row.fail(column, "date_in_future")
        return day
    text = row.text(column, required=required)
    if text is None:
        return None
    if column in EMAILS:
        if (person_id := people.get(text.lower())) is None:
            raise row.fail(column, "unknown_person", value=text)
        return person_id
    if column == "lever":
        if (lever := LEVERS.get(normal(text))) is None:
            raise row.fail(column, "not_one_of", value=text, choices=[lever.value for lever in Lever])
        return lever
    if column == "status":
        if (status := STATUSES.get(normal(text))) is None:
            raise row.fail(column, "not_one_of", value=text, choices=[status.value for status in ActionStatus])
        return status
    if column in ("target", "actual"):
        return _figure(row, column, text)
    limit = LIMITS.get(column, LONG_TEXT)
    if len(text) > limit:
        raise row.fail(column, "too_long", length=len(text), limit=limit)
    return text


def _figure(row: Row, column: str, text: str) -> Decimal:
    try:
        number = parse_amount(text, field=column)
    except InvalidInput:
        raise row.fail(column, "not_a_number", value=text) from None
    if column == "target" and number <= 0:
        raise row.fail(column, "target_not_positive", value=text)
    if abs(number) >= LARGEST:
        raise row.fail(column, "too_large", value=text, limit=int(LARGEST))
    return number


def _check_plans(lines: list[Line], stored: dict[tuple[int, date], AccountPlan], problems: Problems) -> None:
    """What no single row shows: twice the same thing, overlapping plans, parts of plans that do not exist."""
    plans: dict[tuple[int, date], Line] = {}
    for line in (line for line in lines if line.record == "plan" and line.plan_key):
        if (first := plans.get(line.plan_key)) is not None:
            problems.add(line.row.fail("period_start", "duplicate", value=f"{line.account.name} {line.period_start}",
                                       first_row=first.row.number))
            continue
        plans[line.plan_key] = line
        plan = stored.get(line.plan_key)
        if line.period_end is _BAD:
            continue
        if line.period_end < line.period_start:
            problems.add(line.row.fail("period_end", "period_end_before_start"))
        elif line.period_end - line.period_start > timedelta(days=366 * PLAN_YEARS):
            problems.add(line.row.fail("period_end", "period_too_long", years=PLAN_YEARS))
        if plan is None and line.account.tier != Tier.key and not line.values.get("reason"):
            problems.add(line.row.fail("reason", "plan_needs_reason", tier=line.account.tier.value))

    ends = {key: plan.period_end for key, plan in stored.items()}
    ends.update({key: line.period_end for key, line in plans.items() if isinstance(line.period_end, date)})
    # Two plans of the file that overlap: the later row is the one reported.
    earlier = {key: end for key, end in ends.items() if key not in plans}
    for key, line in plans.items():
        if not isinstance(line.period_end, date) or line.period_end < line.period_start:
            continue
        other = next(((start, end) for (account_id, start), end in sorted(earlier.items())
                      if account_id == key[0] and start <= line.period_end and key[1] <= end), None)
        if other is not None:
            problems.add(line.row.fail("period_start", "plan_exists", period_start=other[0], period_end=other[1]))
        earlier[key] = line.period_end

    seen: dict[tuple, int] = defaultdict(int)
    for line in (line for line in lines if line.record != "plan" and line.plan_key):
        if line.plan_key not in ends:
            problems.add(line.row.fail("period_start", "no_such_plan", account=line.account.name,
                                       period_start=line.period_start))
            continue
        end = ends[line.plan_key]
        if isinstance(line.period_end, date) and line.period_end != end:
            problems.add(line.row.fail("period_end", "period_end_differs", period_end=end))
        key = _part_key(line)
        if key is None:
            continue
        line.occurrence = seen[key]
        seen[key] += 1
        if line.record == "objective" and line.row.text("target") is None and _stored_part(stored, line) is None:
            problems.add(line.row.fail("target", "value_required"))


def _part_key(line: Line) -> tuple | None:
    if line.record == "review":
        if "reviewed_on" not in line.values:
            return None
        return line.plan_key, "review", line.values["reviewed_on"], line.values.get("reviewer_id")
    if "description" not in line.values:
        return None
    return line.plan_key, line.record, line.values["description"].casefold()


def _stored_part(stored: dict, line: Line):
    """The stored part this row is. Two parts alike (a done "Call the CFO" and a new one) are matched in
    order: the file's first such row is the oldest stored one, and so on; the export writes them so."""
    plan = stored.get(line.plan_key)
    if plan is None:
        return None
    if line.record == "review":
        same = [r for r in plan.reviews
                if (r.reviewed_on, r.reviewer_id) == (line.values["reviewed_on"], line.values.get("reviewer_id"))]
    else:
        parts = plan.objectives if line.record == "objective" else plan.actions
        same = [p for p in parts if p.description.casefold() == line.values["description"].casefold()]
    same.sort(key=lambda p: (p.id is None, p.id or 0))  # stored ones first, then those this run added
    return same[line.occurrence] if line.occurrence < len(same) else None


def _write(session: Session, lines: list[Line], stored: dict, report: ReportBuilder, *, now: datetime) -> None:
    for line in (line for line in lines if line.record == "plan"):
        wanted = {"period_end": line.period_end, **line.values}
        plan = stored.get(line.plan_key)
        if plan is None:
            plan = AccountPlan(account_id=line.account.id, period_start=line.period_start, objectives=[], actions=[],
                               reviews=[], **wanted)
            session.add(plan)
            stored[line.plan_key] = plan
            report.outcome("plans", line.plan_key, "created")
        else:
            report.changed("plans", line.plan_key, created=False, changed=align(plan, wanted))
    for line in (line for line in lines if line.record != "plan"):
        plan, part = stored[line.plan_key], _stored_part(stored, line)
        entity, key = f"{line.record}s", (_part_key(line), line.occurrence)
        if part is not None:
            report.changed(entity, key, created=False, changed=_update(part, line.values, now=now))
            continue
        report.outcome(entity, key, "created")
        if line.record == "objective":
            plan.objectives.append(PlanObjective(**{"actual": Decimal(0), **line.values}))
        elif line.record == "action":
            status = line.values.get("status", ActionStatus.open)
            plan.actions.append(PlanAction(**{**line.values, "status": status,
                                              "completed_at": now if status == ActionStatus.done else None}))
        else:
            plan.reviews.append(PlanReview(created_at=now, **line.values))
            moment = review_moment(line.values["reviewed_on"], now=now, today=now.date())
            if plan.last_reviewed_at is None or moment > plan.last_reviewed_at:
                plan.last_reviewed_at = moment


def _update(part, values: dict, *, now: datetime) -> bool:
    changed = align(part, values)
    if isinstance(part, PlanAction) and changed and "status" in values:
        if part.status == ActionStatus.done and part.completed_at is None:
            part.completed_at = now
        elif part.status != ActionStatus.done:
            part.completed_at = None
    return changed
