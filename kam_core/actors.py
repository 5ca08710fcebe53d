"""Who is acting. Services take an Actor and check permissions themselves."""

from dataclasses import dataclass

from kam_core.enums import Role


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    role: Role
    label: str
    team: str | None = None
    manager_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        """The operator at the console or an importer: full rights, no person."""
        return cls(person_id=None, role=Role.admin, label=label)

    @classmethod
    def of(cls, person) -> "Actor":
        return cls(person_id=person.id, role=Role(person.role), label=person.email,
                   team=person.team, manager_id=person.manager_id)
