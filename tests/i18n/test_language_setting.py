"""Where a person's language comes from: their Slack locale when linked, `kam users add|link --language`,
`/kam lang` (tests/i18n/test_zh_flows.py); KAM_DEFAULT_LANGUAGE for everyone else, checked at start."""

import json

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings
from kam_core.actors import Actor
from kam_core.audit.models import AuditEntry
from kam_core.db import transaction
from kam_core.errors import InvalidInput
from kam_core.people import service
from kam_core.people.models import Person
from templates import error_message, i18n
from tests.factories import make_person
from tests.handlers.conftest import driver, local, slack  # noqa: F401 - the emulator's fixtures


def test_the_service_speaks_the_languages_the_templates_have():
    assert set(service.LANGUAGES) == set(i18n.LANGUAGES)


@pytest.mark.parametrize("value, language", [("en", "en"), ("zh", "zh"), ("zh-CN", "zh"), ("中文", "zh"),
                                             ("English", "en")])
def test_the_default_language_may_be_written_as_a_code_a_locale_or_a_name(value, language):
    assert Settings(KAM_DEFAULT_LANGUAGE=value).default_language == language


def test_an_unknown_default_language_stops_the_start_naming_the_choices():
    with pytest.raises(ValidationError, match="KAM_DEFAULT_LANGUAGE is 'fr': it must be one of en, zh"):
        Settings(KAM_DEFAULT_LANGUAGE="fr")
    result = CliRunner().invoke(app, ["users", "list"], env={"KAM_DEFAULT_LANGUAGE": "klingon"})
    assert result.exit_code == 2 and "it must be one of en, zh" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("locale, language", [("zh-CN", "zh"), ("en-GB", "en"), ("fr-FR", None)])
def test_first_contact_takes_the_language_from_the_slack_locale(driver, slack, local, locale, language):  # noqa: F811
    with transaction(local.runtime.sessions) as session:
        make_person(session, name="Nia New", email="nia@acme.test")
    slack.add_user("U0NIA", email="nia@acme.test", locale=locale)
    assert driver.slash_command("U0NIA", "lang").status == 200
    asked = slack.wait_for("users.info")
    assert asked.response["user"]["locale"] == locale  # asked with include_locale, as Slack wants
    with transaction(local.runtime.sessions) as session:
        assert session.scalar(select(Person.language).where(Person.email == "nia@acme.test")) == language


def test_first_contact_keeps_a_language_already_chosen(driver, slack, local):  # noqa: F811
    with transaction(local.runtime.sessions) as session:
        make_person(session, name="Nia New", email="nia@acme.test", language="en")
    slack.add_user("U0NIA", email="nia@acme.test", locale="zh-CN")
    assert "I write to you in English" in driver.slash_command("U0NIA", "lang").json["text"]


def test_without_include_locale_the_emulator_leaves_the_locale_out_as_slack_does(slack):  # noqa: F811
    from slack_sdk import WebClient

    slack.add_user("U0NIA", email="nia@acme.test", locale="zh-CN")
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    assert "locale" not in client.users_info(user="U0NIA")["user"]
    assert client.users_info(user="U0NIA", include_locale=True)["user"]["locale"] == "zh-CN"


def test_set_language_is_audited_and_refuses_a_language_it_does_not_speak(session):
    person = make_person(session, name="Nia New")
    actor = Actor.of(person)
    assert service.set_language(session, actor=actor, language="zh").language == "zh"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "set_language"))
    assert entry.changes == {"language": [None, "zh"]} and entry.entity_id == person.id
    with pytest.raises(InvalidInput) as refused:
        service.set_language(session, actor=actor, language="fr")
    assert error_message(refused.value) == "language: “fr” is not a language the bot speaks; pick one of en, zh"


def test_users_add_and_link_take_a_language_and_list_shows_it(database_url):
    runner = CliRunner()

    def kam(*args):
        return runner.invoke(app, [*args, "--database", database_url])

    added = kam("users", "add", "nia@acme.test", "--name", "Nia New", "--language", "中文")
    assert added.exit_code == 0 and "language zh" in added.output
    assert kam("users", "add", "ray@acme.test", "--name", "Ray Rep").exit_code == 0
    linked = kam("users", "link", "ray@acme.test", "U024BE7LH", "--language", "en")
    assert linked.exit_code == 0 and "language en" in linked.output
    wrong = kam("users", "link", "ray@acme.test", "U024BE7LH", "--language", "fr")
    assert wrong.exit_code == 1 and "pick one of en, zh" in wrong.output
    people = {p["email"]: p["language"] for p in json.loads(kam("users", "list", "--json").output)}
    assert people == {"nia@acme.test": "zh", "ray@acme.test": "en"}
    assert "LANGUAGE" in kam("users", "list").output
