import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from kam_core.actors import Actor
from kam_core.enums import Role
from kam_core.errors import Forbidden, InvalidInput, NotLinked
from kam_core.people import service
from templates import error_message
from tests.factories import make_person

ADMIN = Actor.system("test")


def kam(*args, database_url):
    return CliRunner().invoke(app, [*args, "--database", database_url])


def test_admin_adds_people_links_slack_and_changes_roles_from_the_cli(database_url):
    assert kam("users", "add", "mia@acme.test", "--name", "Mia Boss", "--role", "manager",
               database_url=database_url).exit_code == 0
    added = kam("users", "add", "Ray@Acme.test", "--name", "Ray Rep", "--manager", "mia@acme.test",
                database_url=database_url)
    assert added.exit_code == 0 and "reports to mia@acme.test" in added.output
    assert kam("users", "link", "ray@acme.test", "u024be7lh", database_url=database_url).exit_code == 0
    assert kam("users", "set-role", "ray@acme.test", "manager", database_url=database_url).exit_code == 0

    listed = json.loads(kam("users", "list", "--json", database_url=database_url).output)
    ray = next(p for p in listed if p["email"] == "ray@acme.test")
    assert (ray["role"], ray["manager_email"], ray["slack_user_id"]) == ("manager", "mia@acme.test", "U024BE7LH")
    table = kam("users", "list", database_url=database_url).output
    assert "Ray Rep" in table and "U024BE7LH" in table and "not linked" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "add", "not-an-email", "--name", "X"], "is not an email address"),
        (["users", "add", "x@acme.test", "--name", "X", "--manager", "ghost@acme.test"], "No person called"),
        (["users", "set-role", "ghost@acme.test", "admin"], "No person called"),
        (["users", "link", "ghost@acme.test", "U123"], "No person called"),
    ],
)
def test_bad_user_commands_say_what_is_wrong_and_exit_1(database_url, args, message):
    result = kam(*args, database_url=database_url)
    assert result.exit_code == 1
    assert message in result.output


def test_a_slack_id_links_to_one_person_only(session):
    make_person(session, email="a@acme.test", slack_user_id="U1AAA")
    make_person(session, email="b@acme.test")
    with pytest.raises(InvalidInput) as refused:
        service.link_slack(session, actor=ADMIN, email="b@acme.test", slack_user_id="U1AAA")
    assert "already linked" in error_message(refused.value)
    with pytest.raises(InvalidInput):
        service.link_slack(session, actor=ADMIN, email="b@acme.test", slack_user_id="not a slack id")


def test_only_admins_manage_people_and_unlinked_slack_users_are_told_so(session):
    manager = make_person(session, role=Role.manager)
    with pytest.raises(Forbidden):
        service.add_person(session, actor=Actor.of(manager), email="n@acme.test", name="New", role=Role.rep)
    with pytest.raises(NotLinked):
        service.by_slack_id(session, "U9NOBODY")


@pytest.mark.parametrize(
    ("name", "email"),
    [("Anna Snelling", "anna.snelling@people.invalid"), ("José  Núñez-Ávila", "jose.nunez.avila@people.invalid")],
)
def test_placeholder_emails_are_stable_and_can_never_receive_mail(name, email):
    assert service.placeholder_email(name) == email == service.placeholder_email(name)
    assert service.is_placeholder(email)


def test_placeholders_for_names_without_latin_letters_are_distinct():
    assert service.placeholder_email("王伟") != service.placeholder_email("李娜")
