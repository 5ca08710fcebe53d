"""`kam import maven DIR`: the Maven Analytics "CRM Sales Opportunities" data set.

How the data maps (the flaws and their fixes are in maven_files.py; all reported):
- Sales agents become reps under their manager; team = regional office; no
  emails in the data, so people get placeholder emails.
- Account: industry = sector, country = office location, region from the
  country (Americas / EMEA / APAC), size segment from employees, status
  existing when it has won a deal (else prospect), owner = the agent with the
  most won value on it (ties by name; with no wins, the agent with most deals),
  a `sales` team member for every agent with a deal on it, an AccountProduct for
  every product it has won (since the first win), and one AccountValue per
  calendar year of close: revenue = won close value (profit unknown, cost to
  serve 0; an existing row keeps the profit and cost someone entered).
  `year_established` and `revenue` (the customer's own turnover) are checked but
  not stored.
- Opportunity: external id = opportunity_id, stage Prospecting/Engaging/Won/Lost
  -> Prospecting/Qualification/Closed Won/Closed Lost. Open and lost deals carry
  no value, so their amount is the product's list price (an estimate, reported).
  Expected close = close date when closed, engage date + 90 days when engaging,
  none for prospecting deals (they have no engage date).
  Lever: raise_usage if the account had already won this product before the deal
  was engaged, else cross_sell if it had won another product, else new_core. (A
  repeat of a product the account already buys is more of current business, so
  raise_usage is checked first.)
- Deals without an account are skipped and counted.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.accounts.models import AccountProduct, AccountTeamMember, Product
from kam_core.actors import Actor
from kam_core.enums import AccountStatus, Lever, Role, TeamRole
from kam_core.errors import ImportFailed
from kam_core.importers.maven_files import CLOSED, MavenData, read_maven
from kam_core.importers.report import ImportReport, ReportBuilder
from kam_core.importers.upsert import AccountIndex, align, existing_values, finish, size_segment, upsert_value
from kam_core.opportunities.models import Opportunity, Stage
from kam_core.people.service import upsert_imported_person
from kam_core.permissions import Action, require
from kam_core.policy import Policy
from kam_core.progress import track

SOURCE = "maven"
STAGES = {"Prospecting": "Prospecting", "Engaging": "Qualification", "Won": "Closed Won", "Lost": "Closed Lost"}
OPEN_DEAL_HORIZON = timedelta(days=90)
REGIONS = {
    "Americas": {"United States", "Brazil", "Panama", "Canada", "Mexico"},
    "EMEA": {"Kenya", "Italy", "Norway", "Jordan", "Germany", "Belgium", "Romania", "Poland", "United Kingdom",
             "France"},
    "APAC": {"Japan", "Korea", "China", "Philippines", "India", "Australia"},
}
REGION_OF = {country: region for region, countries in REGIONS.items() for country in countries}
ENTITIES = ["products", "people", "accounts", "aliases", "team members", "account products", "values",
            "opportunities"]


def import_maven(session: Session, *, directory: Path, actor: Actor, policy: Policy,
                 now: datetime | None = None) -> ImportReport:
    require(actor, Action.import_data)
    directory = Path(directory)
    report = ReportBuilder(SOURCE, str(directory), ENTITIES)
    data = read_maven(directory, report)
    stages = _stages(session, directory)
    products = _products(session, data, report)
    people = _people(session, data, report)
    accounts = _accounts(session, data, people, report)
    _account_links(session, data, accounts, people, products, report)
    _opportunities(session, data, accounts, people, products, stages, report)
    return finish(session, report, actor=actor, policy=policy, now=now)


def _stages(session: Session, directory: Path) -> dict[str, Stage]:
    by_name = {s.name: s for s in session.scalars(select(Stage))}
    for ours in STAGES.values():
        if ours not in by_name:
            raise ImportFailed(file=str(directory / "sales_pipeline.csv"), row=None, field="deal_stage",
                               problem="stage_missing", stage=ours)
    return {theirs: by_name[ours] for theirs, ours in STAGES.items()}


def _products(session: Session, data: MavenData, report: ReportBuilder) -> dict[str, Product]:
    existing = {p.name: p for p in session.scalars(select(Product))}
    for name, (series, price) in data.products.items():
        product = existing.get(name)
        if product is None:
            existing[name] = Product(name=name, series=series, list_price=price)
            session.add(existing[name])
        report.changed("products", name, created=product is None,
                       changed=product is not None and align(product, {"series": series, "list_price": price}))
    session.flush()
    return existing


def _people(session: Session, data: MavenData, report: ReportBuilder) -> dict:
    people = {}
    offices = {}
    for agent in data.agents.values():
        offices.setdefault(agent.manager, agent.office)
    for name in sorted(offices):
        people[name], status = upsert_imported_person(session, name=name, email=None, role=Role.manager,
                                                      team=offices[name])
        report.outcome("people", name, status)
    with_deals = {deal.agent for deal in data.deals}
    for agent in data.agents.values():
        people[agent.name], status = upsert_imported_person(session, name=agent.name, email=None, role=Role.rep,
                                                            manager=people[agent.manager], team=agent.office)
        report.outcome("people", agent.name, status)
        if agent.name not in with_deals:
            report.note("people", "agent_without_deals", example=agent.name)
    return people


def _accounts(session: Session, data: MavenData, people: dict, report: ReportBuilder) -> dict:
    won_value: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    deal_count: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for deal in data.deals:
        if deal.account:
            deal_count[deal.account][deal.agent] += 1
            if deal.stage == "Won":
                won_value[deal.account][deal.agent] += deal.value
    index = AccountIndex(session)
    accounts = {}
    for name, row in track(data.accounts.items(), "accounts"):
        account, created = index.get_or_create(name)
        owner = _owner(won_value.get(name) or deal_count.get(name) or {})
        changed = align(account, {
            "industry": row.industry, "country": row.country, "region": REGION_OF.get(row.country),
            "employees": row.employees, "size_segment": size_segment(row.employees),
            "status": AccountStatus.existing if name in won_value else AccountStatus.prospect,
            "owner_id": people[owner].id if owner else None,
        })
        report.changed("accounts", name, created=created, changed=changed)
        for alias in row.aliases:
            report.outcome("aliases", (name, alias), "created" if index.add_alias(account, alias) else "unchanged")
        accounts[name] = account
    session.flush()
    for name, row in data.accounts.items():  # parents exist only now
        parent_id = accounts[row.parent].id if row.parent else None
        report.changed("accounts", name, created=False, changed=align(accounts[name], {"parent_id": parent_id}))
    return accounts


def _owner(scores: dict) -> str | None:
    return min(scores, key=lambda agent: (-scores[agent], agent)) if scores else None


def _account_links(session: Session, data: MavenData, accounts: dict, people: dict, products: dict,
                   report: ReportBuilder) -> None:
    """Team members, products bought and yearly value, from the deals."""
    team: set[tuple[str, str]] = set()
    since: dict[tuple[str, str], date] = {}
    revenue: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for deal in data.deals:
        if not deal.account:
            continue
        team.add((deal.account, deal.agent))
        if deal.stage == "Won":
            key = (deal.account, deal.product)
            since[key] = min(since.get(key, deal.closed_on), deal.closed_on)
            revenue[(deal.account, str(deal.closed_on.year))] += deal.value
    members = {(a, p) for a, p in session.execute(select(AccountTeamMember.account_id, AccountTeamMember.person_id)
                                                  .where(AccountTeamMember.role == TeamRole.sales))}
    for account, agent in sorted(team):
        key = (accounts[account].id, people[agent].id)
        if key not in members:
            session.add(AccountTeamMember(account_id=key[0], person_id=key[1], role=TeamRole.sales))
        report.outcome("team members", key, "unchanged" if key in members else "created")
    bought = {(r.account_id, r.product_id): r for r in session.scalars(select(AccountProduct))}
    for (account, product), first in sorted(since.items()):
        key = (accounts[account].id, products[product].id)
        row = bought.get(key)
        if row is None:
            session.add(AccountProduct(account_id=key[0], product_id=key[1], since=first))
        report.changed("account products", key, created=row is None,
                       changed=row is not None and align(row, {"since": first}))
    values = existing_values(session, {period for _, period in revenue})
    for (account, period), total in sorted(revenue.items()):
        upsert_value(session, values, report, account=accounts[account], period=period, wanted={"revenue": total})


def _opportunities(session: Session, data: MavenData, accounts: dict, people: dict, products: dict,
                   stages: dict, report: ReportBuilder) -> None:
    wins: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for deal in data.deals:
        if deal.account and deal.stage == "Won":
            wins[deal.account].append((deal.closed_on, deal.product))
    existing = {o.external_id: o for o in session.scalars(select(Opportunity).where(Opportunity.source == SOURCE))}
    for deal in track(data.deals, "opportunities"):
        if deal.account is None:
            report.skip("opportunities", "no_account", example=deal.id)
            continue
        if deal.product != deal.product_given:
            report.fix("opportunities", "product_renamed", given=deal.product_given, product=deal.product)
        product = products[deal.product]
        amount = deal.value
        if deal.stage != "Won" and not amount:
            amount = product.list_price or Decimal(0)
            report.fix("opportunities", "amount_from_list_price", stage=STAGES[deal.stage])
        expected = deal.closed_on if deal.stage in CLOSED else None
        if expected is None and deal.engaged_on:
            expected = deal.engaged_on + OPEN_DEAL_HORIZON
            report.note("opportunities", "expected_close_estimated", days=OPEN_DEAL_HORIZON.days)
        elif expected is None:
            report.note("opportunities", "no_expected_close", stage=STAGES[deal.stage])
        wanted = {
            "name": f"{deal.product} for {deal.account}", "account_id": accounts[deal.account].id,
            "product_id": product.id, "lever": _lever(wins[deal.account], deal.product, deal.engaged_on),
            "amount": amount, "stage_id": stages[deal.stage].id, "expected_close_date": expected,
            "closed_on": deal.closed_on if deal.stage in CLOSED else None, "engaged_on": deal.engaged_on,
            "owner_id": people[deal.agent].id,
        }
        opportunity = existing.get(deal.id)
        if opportunity is None:
            session.add(Opportunity(source=SOURCE, external_id=deal.id, **wanted))
        report.changed("opportunities", deal.id, created=opportunity is None,
                       changed=opportunity is not None and align(opportunity, wanted))


def _lever(wins: list[tuple[date, str]], product: str, engaged_on: date | None) -> Lever:
    before = {p for closed, p in wins if engaged_on is None or closed < engaged_on}
    if product in before:
        return Lever.raise_usage
    return Lever.cross_sell if before else Lever.new_core
