"""deploy/manifest*.yml: valid for Slack, and declaring exactly what the bot listens to.

Both directions are checked against the real app: every declared command, shortcut and event
is sent through the emulator's driver and must be answered (bolt answers 404 to a request no
listener takes), and every command, shortcut and event listener the app registers must be declared.
"""

import inspect
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.app import create_app
from bot.emulator.local_bot import LocalBot
from bot.settings import Settings
from bot.web import SLACK_PATH
from kam_core.db import make_engine
from kam_core.schema import upgrade
from tests.conftest import ROOT, shared_path

SCHEMA = ("schemas", "slack-manifest", "schemas", "manifest.schema.1.0.0.json")
HTTP, SOCKET = "manifest.yml", "manifest.socket.yml"
USER = "U0PROBE"  # unlinked: every listener must still answer


def manifest(name: str) -> dict:
    return yaml.safe_load((ROOT / "deploy" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [HTTP, SOCKET])
def test_the_manifest_is_valid_against_slacks_schema(name):
    validator = jsonschema.Draft7Validator(json.loads(shared_path(*SCHEMA).read_text(encoding="utf-8")))
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest(name))]
    assert problems == []


def test_http_mode_sends_everything_to_the_one_bot_endpoint():
    m = manifest(HTTP)
    urls = [c["url"] for c in m["features"]["slash_commands"]] + [
        m["settings"]["event_subscriptions"]["request_url"], m["settings"]["interactivity"]["request_url"],
        m["settings"]["interactivity"]["message_menu_options_url"]]
    assert all(url.startswith("https://") and url.endswith(SLACK_PATH) for url in urls)
    assert m["settings"]["socket_mode_enabled"] is False


URL_KEYS = {"url", "request_url", "message_menu_options_url"}


def without_urls(value):
    """The manifest minus what differs by design between HTTP and Socket Mode."""
    if isinstance(value, dict):
        return {k: without_urls(v) for k, v in value.items()
                if k not in URL_KEYS | {"display_information", "socket_mode_enabled"}}
    if isinstance(value, list):
        return [without_urls(v) for v in value]
    return value


def test_socket_mode_is_the_same_app_without_urls():
    socket = manifest(SOCKET)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "http" not in json.dumps(socket)
    assert without_urls(socket) == without_urls(manifest(HTTP))


# ---- what the app registers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('manifest') / 'kam.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with LocalBot(Settings(KAM_DATABASE_URL=url)) as bot:
        yield bot


def registered(local) -> set[tuple[str, str]]:
    """(kind, name) of every command, shortcut, event and options listener of a freshly built app.

    Bolt keeps listeners in App._listeners; each one's first matcher is a closure made by
    slack_bolt.listener_matcher.builtins, named after the decorator and holding its constraint."""
    app = create_app(local.settings, runtime=local.runtime)
    found = set()
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            if func is None or ".<locals>." not in func.__qualname__:
                continue
            kind = func.__qualname__.split(".")[0]
            values = inspect.getclosurevars(func).nonlocals
            found |= _declarable(kind, values)
    return found


def _declarable(kind: str, values: dict) -> set[tuple[str, str]]:
    def exact(value) -> str:
        assert isinstance(value, str), f"{kind} listener on a pattern ({value!r}): use the exact name"
        return value

    if kind == "command":
        return {("command", exact(values["command"]))}
    if kind in ("shortcut", "global_shortcut", "message_shortcut"):
        return {(kind, exact(values["callback_id"]))}
    if kind == "event":
        name = values["event_type"] if "event_type" in values else values["constraints"]["type"]
        return {("event", exact(name))}
    if kind == "message_event":
        return {("event", "message")}
    if kind in ("options", "block_suggestion", "dialog_suggestion"):
        return {("options", "")}
    return set()  # actions and views are not declared in a manifest


def declared(m: dict) -> set[tuple[str, str]]:
    found = {("command", c["command"]) for c in m["features"].get("slash_commands", [])}
    found |= {(f"{s['type']}_shortcut", s["callback_id"]) for s in m["features"].get("shortcuts", [])}
    # A "message" listener hears every message.* event the manifest subscribes to.
    found |= {("event", e.split(".")[0]) for e in m["settings"]["event_subscriptions"]["bot_events"]}
    if m["settings"]["interactivity"].get("message_menu_options_url"):
        found.add(("options", ""))
    return found


def test_every_command_shortcut_event_and_options_listener_is_declared(local):
    m = declared(manifest(HTTP))
    # A bare app.shortcut("x") listener takes either kind of shortcut.
    missing = {(kind, name) for kind, name in registered(local) if (kind, name) not in m and not (
        kind == "shortcut" and {("global_shortcut", name), ("message_shortcut", name)} & m)}
    assert missing == set()


def send(driver, kind: str, name: str):
    if kind == "command":
        return driver.slash_command(USER, "help", command=name)
    if kind == "global":
        return driver.shortcut(USER, name)
    if kind == "message":
        return driver.message_action(USER, name, "Met the CFO, budget approved")
    if name == "app_home_opened":
        return driver.app_home_opened(USER)
    if name == "message.im":
        return driver.message_im(USER, "hello")
    return driver.event({"type": name, "user": USER})


def test_the_probe_tells_an_unhandled_request_apart(local):
    assert send(local.driver, "global", "kam.nobody_listens").status == 404
    assert send(local.driver, "event", "reaction_added").status == 404


@pytest.mark.parametrize("name", [HTTP, SOCKET])
def test_every_declared_command_shortcut_and_event_is_answered(local, name):
    m = manifest(name)
    declared_requests = (
        [("command", c["command"]) for c in m["features"]["slash_commands"]]
        + [(s["type"], s["callback_id"]) for s in m["features"]["shortcuts"]]
        + [("event", e) for e in m["settings"]["event_subscriptions"]["bot_events"]]
    )
    unanswered = [(kind, what) for kind, what in declared_requests if send(local.driver, kind, what).status != 200]
    assert unanswered == []


# The bot scopes each Web API method needs (https://api.slack.com/methods); None: no scope.
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write"}, "chat_postEphemeral": {"chat:write"}, "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"}, "chat_getPermalink": set(), "conversations_open": {"im:write"},
    "users_info": {"users:read", "users:read.email"},  # the email links a Slack user to a KAM person
    "views_open": set(), "views_push": set(), "views_update": set(), "views_publish": set(),
    "auth_test": set(),  # is Slack reachable, does it take the token (bot/slack_status.py)
}


def web_api_methods() -> set[str]:
    """Web API methods the bot's code calls (the emulator is Slack's side, not the bot's)."""
    bot = [path for path in (ROOT / "bot").rglob("*.py") if "emulator" not in path.parts]
    sources = [*(ROOT / "handlers").rglob("*.py"), *bot]
    return {m for path in sources for m in re.findall(r"client\.(\w+)\(", path.read_text(encoding="utf-8"))}


def test_the_bot_scopes_are_exactly_what_the_app_uses():
    m = manifest(HTTP)
    methods = web_api_methods()
    assert methods - METHOD_SCOPES.keys() == set(), "add the new method's scopes to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[method] for method in methods))
    if m["features"].get("slash_commands") or m["features"].get("shortcuts"):
        needed.add("commands")
    if "message.im" in m["settings"]["event_subscriptions"]["bot_events"]:
        needed.add("im:history")
    for name in (HTTP, SOCKET):
        assert sorted(manifest(name)["oauth_config"]["scopes"]["bot"]) == sorted(needed)
