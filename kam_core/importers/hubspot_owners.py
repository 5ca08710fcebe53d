"""HubSpot owners ("Deal owner", "Company owner") as KAM people.

HubSpot writes an owner as the user's name, or "Name (email)". A known person is matched by email, else by
exactly their name (regardless of case and spacing) when only one person has it; anyone else is not
created (an owner is a colleague, not a record of the export): the record keeps the owner it has, and
the report names who was not found.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.importers.hubspot_records import Owner
from kam_core.importers.report import ReportBuilder
from kam_core.people.models import Person


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Owners:
    def __init__(self, session: Session, report: ReportBuilder) -> None:
        self.report = report
        self.by_email: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        for person in session.scalars(select(Person)):
            self.by_email[person.email.casefold()] = person
            self.by_name.setdefault(_name_key(person.name), []).append(person)

    def find(self, owner: Owner | None, entity: str) -> Person | None:
        if owner is None:
            return None
        person = self.by_email.get(owner.email) if owner.email else None
        if person is None and owner.name:
            named = self.by_name.get(_name_key(owner.name), [])
            person = named[0] if len(named) == 1 else None
        if person is None:
            self.report.note(entity, "hubspot_owner_unknown", example=owner.given)
        return person
