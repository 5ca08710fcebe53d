"""People: reps, managers, admins; their Slack link and their manager."""

import re
import unicodedata

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kam_core.actors import Actor
from kam_core.audit.service import record
from kam_core.clock import utcnow
from kam_core.enums import Role
from kam_core.errors import Forbidden, InvalidInput, NotFound, NotLinked
from kam_core.people.models import Person
from kam_core.people.schemas import PersonOption, PersonView
from kam_core.permissions import Action, require

# Imported people without an email get `<name-slug>@people.invalid`: stable
# across imports, and the reserved .invalid domain can never receive mail.
PLACEHOLDER_DOMAIN = "people.invalid"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The languages a person may read the bot in (the codes of templates/i18n.LANGUAGES).
LANGUAGES = ("en", "zh")


def placeholder_email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")
    if not slug:  # a name in a script with no ASCII form, e.g. 王伟
        slug = "u" + "".join(f"{ord(c):x}" for c in name.strip())[:40]
    return f"{slug}@{PLACEHOLDER_DOMAIN}"


def is_placeholder(email: str) -> bool:
    return email.endswith("@" + PLACEHOLDER_DOMAIN)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise InvalidInput(field="email", problem="not_an_email", email=email)
    return email


# What Slack sends as a user's locale: en-US, zh-CN, pt-BR.
SLACK_LOCALE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")


def checked_language(language: str | None) -> str | None:
    """A language code the bot speaks (None: none chosen, the default applies)."""
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(field="language", problem="unknown_language", language=language, choices=list(LANGUAGES))
    return language


def set_language(session: Session, *, actor: Actor, language: str) -> PersonView:
    """The language the actor reads the bot in from now on (`/kam lang zh`)."""
    if actor.person_id is None:
        raise Forbidden(action="set_language_without_a_person")
    language = checked_language(language)
    person = session.get(Person, actor.person_id)
    if person is None:
        raise NotFound(what="person", name=actor.label)
    old = person.language
    if old != language:
        person.language = language
        record(session, actor=actor, action="set_language", entity="person", entity_id=person.id,
               changes={"language": [old, language]})
        session.flush()
    return view(person)


def view(person: Person) -> PersonView:
    return PersonView(
        id=person.id, name=person.name, email=person.email, role=person.role,
        manager_email=person.manager.email if person.manager else None, team=person.team,
        timezone=person.timezone, slack_user_id=person.slack_user_id, placeholder_email=is_placeholder(person.email),
        language=person.language,
    )


def by_email(session: Session, email: str) -> Person:
    person = session.scalar(select(Person).where(Person.email == normalise_email(email)))
    if person is None:
        raise NotFound(what="person", name=email)
    return person


def by_slack_id(session: Session, slack_user_id: str) -> Person:
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id, Person.active))
    if person is None:
        raise NotLinked(slack_user_id=slack_user_id)
    return person


def search_people(session: Session, *, query: str, limit: int = 10) -> list[PersonOption]:
    """Active people whose name or email contains every word typed, names starting with the query first
    (for the person pickers); an empty query lists the first people by name."""
    words = query.strip().lower().split()
    found = select(Person.id, Person.name, Person.email).where(Person.active)
    for word in words:
        pattern = f"%{_escaped(word)}%"
        found = found.where(func.lower(Person.name).like(pattern, escape="\\")
                            | func.lower(Person.email).like(pattern, escape="\\"))
    starts = func.lower(Person.name).like(f"{_escaped(' '.join(words))}%", escape="\\")
    rows = session.execute(found.order_by(case((starts, 0), else_=1), Person.name, Person.id).limit(limit))
    return [PersonOption(id=row.id, name=row.name, email=row.email) for row in rows]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_people(session: Session) -> list[PersonView]:
    return [view(p) for p in session.scalars(select(Person).order_by(Person.role, Person.name))]


def add_person(session: Session, *, actor: Actor, email: str, name: str, role: Role,
               manager_email: str | None = None, team: str | None = None, timezone: str = "UTC",
               language: str | None = None) -> PersonView:
    require(actor, Action.manage_users)
    email = normalise_email(email)
    language = checked_language(language)
    if not name.strip():
        raise InvalidInput(field="name", problem="name_missing")
    if session.scalar(select(Person.id).where(Person.email == email)):
        raise InvalidInput(field="email", problem="email_taken", email=email)
    manager = by_email(session, manager_email) if manager_email else None
    person = Person(email=email, name=name.strip(), role=role, manager=manager,
                    team=team or (manager.team if manager else None), timezone=timezone, language=language)
    session.add(person)
    session.flush()
    record(session, actor=actor, action="add_person", entity="person", entity_id=person.id,
           changes={"email": email, "role": role, "manager": manager_email,
                    **({"language": language} if language else {})})
    return view(person)


def set_role(session: Session, *, actor: Actor, email: str, role: Role) -> PersonView:
    require(actor, Action.manage_users)
    person = by_email(session, email)
    old = person.role
    person.role = role
    record(session, actor=actor, action="set_role", entity="person", entity_id=person.id, changes={"role": [old, role]})
    session.flush()
    return view(person)


def link_slack(session: Session, *, actor: Actor, email: str, slack_user_id: str,
               language: str | None = None) -> PersonView:
    """`language`, when given, is theirs from now on; without it they keep the one they have."""
    require(actor, Action.manage_users)
    language = checked_language(language)
    slack_user_id = slack_user_id.strip().upper()
    if not re.fullmatch(r"[UW][A-Z0-9]{2,31}", slack_user_id):
        raise InvalidInput(field="slack_user_id", problem="not_a_slack_id", slack_user_id=slack_user_id)
    person = by_email(session, email)
    holder = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    if holder is not None and holder.id != person.id:
        raise InvalidInput(field="slack_user_id", problem="slack_id_taken", slack_user_id=slack_user_id,
                           email=holder.email)
    old = person.slack_user_id
    person.slack_user_id = slack_user_id
    person.linked_at = utcnow()
    changes = {"slack_user_id": [old, slack_user_id]}
    if language and language != person.language:
        changes["language"] = [person.language, language]
        person.language = language
    record(session, actor=actor, action="link_slack", entity="person", entity_id=person.id, changes=changes)
    session.flush()
    return view(person)


def link_by_slack_profile(session: Session, *, slack_user_id: str, email: str, timezone: str | None = None,
                          language: str | None = None, locale: str | None = None) -> Person | None:
    """A Slack user's first contact: link them to the one active, unlinked person with their Slack
    profile's email (None when there is no such person). Audited like `kam users link`. `language`
    (from their Slack locale) is taken only by a person who has none yet."""
    email = (email or "").strip().lower()
    person = session.scalar(select(Person).where(Person.email == email, Person.active)) if email else None
    if person is None or person.slack_user_id:
        return None
    if session.scalar(select(Person.id).where(Person.slack_user_id == slack_user_id)):
        return None  # linked meanwhile (another request of theirs, or an admin), perhaps to someone else
    person.slack_user_id = slack_user_id
    person.linked_at = utcnow()
    if timezone:
        person.timezone = timezone
    if locale and SLACK_LOCALE.fullmatch(locale):
        person.locale = locale
    taken = language if language in LANGUAGES and person.language is None else None  # a word Slack sent: no error
    if taken:
        person.language = taken
    record(session, actor=Actor.system("slack profile"), action="link_slack", entity="person", entity_id=person.id,
           changes={"slack_user_id": [None, slack_user_id], "by": "Slack profile email",
                    **({"language": [None, taken]} if taken else {})})
    session.flush()
    return person


def upsert_imported_person(session: Session, *, name: str, email: str | None, role: Role,
                           manager: Person | None = None, team: str | None = None) -> tuple[Person, str]:
    """For importers: find by email (or placeholder email) and align fields.

    Returns the person and "created", "updated" or "unchanged".
    """
    email = normalise_email(email) if email else placeholder_email(name)
    person = session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(name=name, email=email, role=role, manager=manager, team=team)
        session.add(person)
        session.flush()
        return person, "created"
    wanted = {"name": name, "role": role, "manager_id": manager.id if manager else None, "team": team}
    changed = False
    for field, value in wanted.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed = True
    return person, "updated" if changed else "unchanged"
