"""A unit of work on behalf of a Slack user: session, actor, policy, their today."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, lazyload

from bot.runtime import Runtime
from kam_core.actors import Actor
from kam_core.changes import remember_versions, versions_column
from kam_core.clock import utcnow
from kam_core.db import once_more_if_dropped, transaction
from kam_core.errors import NotLinked
from kam_core.interactions.dates import locale_for
from kam_core.people.models import Person
from templates import i18n
from kam_core.people.service import link_by_slack_profile
from kam_core.policy import Policy
from kam_core.scheduling import local_moment


T = TypeVar("T")


@dataclass
class Kam:
    session: Session
    person: Person
    actor: Actor
    policy: Policy
    default_timezone: str = "UTC"

    @property
    def now(self) -> datetime:
        return utcnow()

    @property
    def locale(self) -> str:
        """The locale that orders this person's numeric dates (their Slack locale, else their language's)."""
        return locale_for(self.person.language, self.person.locale)

    @property
    def today(self) -> date:
        """The date where the user is, so "today" and "Friday" mean theirs
        (same timezone rule as the scheduler's)."""
        return local_moment(self.person.timezone, default=self.default_timezone, now=utcnow()).date


@contextmanager
def kam_session(runtime: Runtime, slack_user_id: str, client: WebClient | None = None, *,
                read_only: bool = False) -> Iterator[Kam]:
    """`read_only` for requests that only read: on SQLite they then never wait for writers.

    A user seen for the first time is linked by their Slack profile, fetched before any transaction
    is open: a Slack call never holds the SQLite write lock or a PostgreSQL transaction."""
    if not isinstance(slack_user_id, str) or not slack_user_id.strip():
        # A payload without a user id: `slack_user_id == None` would match the first unlinked person.
        raise NotLinked(slack_user_id="?")
    factory = runtime.read_sessions if read_only else runtime.sessions
    with transaction(factory) as session:
        person = _linked(session, slack_user_id)
        if person is not None:
            yield _kam(runtime, session, person)
            return
    link_on_first_contact(runtime, slack_user_id, client)
    with transaction(factory) as session:
        person = _linked(session, slack_user_id)
        if person is None:
            raise NotLinked(slack_user_id=slack_user_id)
        yield _kam(runtime, session, person)


def speak_as(runtime: Runtime, slack_user_id: str | None) -> None:
    """For an answer that needs no unit of work (the help): the language of the linked person, if any. The
    help needs no database, so one that is down only leaves it in the default language."""
    language = None
    try:
        if isinstance(slack_user_id, str) and slack_user_id:  # never `== None`: that matches the unlinked
            with transaction(runtime.read_sessions) as session:
                language = session.scalar(select(Person.language).where(Person.slack_user_id == slack_user_id,
                                                                        Person.active))
    except SQLAlchemyError:
        pass
    i18n.set_language(language or runtime.settings.default_language)


def _kam(runtime: Runtime, session: Session, person: Person) -> Kam:
    # Everything written for this request from here on (and the work it hands on) is in their language.
    i18n.set_language(person.language or runtime.settings.default_language)
    return Kam(session=session, person=person, actor=Actor.of(person), policy=runtime.policy,
               default_timezone=runtime.settings.default_timezone)


# Built once. The change markers come with the person: what the request keeps per process (the name
# index, the rates) is then checked without a statement of its own (kam_core.changes).
# The person's manager is not joined in (Person.manager is joined by default): almost no request reads it.
_LINKED = (select(Person, versions_column()).options(lazyload(Person.manager))
           .where(Person.slack_user_id == bindparam("slack_user_id"), Person.active))


def _linked(session: Session, slack_user_id: str) -> Person | None:
    row = session.execute(_LINKED, {"slack_user_id": slack_user_id}).first()
    if row is None:
        return None
    remember_versions(session, row.kam_versions)
    return row[0]


def link_on_first_contact(runtime: Runtime, slack_user_id: str, client: WebClient | None) -> None:
    """Link this Slack user to the one active person with their Slack profile's email, if any; their
    Slack locale gives their language when they have none yet."""
    profile = _slack_profile(client, slack_user_id)
    email = (profile.get("profile", {}).get("email") or "").strip()
    if email:
        with transaction(runtime.sessions) as session:
            link_by_slack_profile(session, slack_user_id=slack_user_id, email=email, timezone=profile.get("tz"),
                                  language=i18n.language_of(profile.get("locale")), locale=profile.get("locale"))


def _slack_profile(client: WebClient | None, slack_user_id: str) -> dict:
    if client is None:
        return {}
    try:
        return client.users_info(user=slack_user_id, include_locale=True).get("user") or {}
    except SlackApiError:
        return {}


def as_user(runtime: Runtime, slack_user_id: str, client: WebClient | None, work: Callable[[Kam], T], *,
            read_only: bool = False) -> T:
    """`work(kam)` in one unit of work for this user; what goes wrong rises to the error boundary
    (handlers/errors.py)."""
    def attempt() -> T:
        with kam_session(runtime, slack_user_id, client, read_only=read_only) as kam:
            return work(kam)

    return once_more_if_dropped(attempt)
