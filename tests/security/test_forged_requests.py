"""Requests Slack did not sign (or signed long ago, or for another body) never get in: 401, and no
listener runs. The bot answers only after its listeners finish here (process_before_response), so a
listener that ran would already have left a row, an audit entry or a call to the fake Slack."""

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.emulator import payloads, signing
from bot.emulator.driver import FORM, JSON
from handlers.ids import ActionId
from handlers.note_text import Draft
from kam_core.db import transaction
from kam_core.enums import Role, Source
from tests.factories import make_account, make_person
from tests.security.conftest import bot_on_fresh_db, traces

REP = "U0REP"
TS, SIG = "X-Slack-Request-Timestamp", "X-Slack-Signature"
REFUSED = {"error": "invalid request"}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    with bot_on_fresh_db(tmp_path_factory.mktemp("forged"), process_before_response=True) as bot:
        with transaction(bot.runtime.sessions) as session:
            rep = make_person(session, role=Role.rep, name="Ray Rep", email="ray@acme.test", slack_user_id=REP)
            bot.acme_id = make_account(session, name="Acme Corporation", owner=rep).id
        yield bot


# ---- what Slack would send: each, correctly signed, leaves a trace ----------------------------------

def slash_log(local) -> tuple[bytes, str]:
    fields = payloads.slash_command(
        user_id=REP, text=f"log acme corporation: forged note {uuid.uuid4().hex}", command="/kam",
        channel_id="C0GENERAL", channel_name="general", response_url=local.slack.response_url_for(REP, "C0GENERAL"),
        trigger_id=local.slack.new_trigger_id(REP))
    return urlencode(fields).encode(), FORM


def save_button(local) -> tuple[bytes, str]:
    draft = Draft(account_id=local.acme_id, key=f"forge:{uuid.uuid4().hex}", text="met the CFO, budget + plans",
                  source=Source.direct_message)
    ts = payloads._now_ts()
    payload = payloads.block_actions(
        user_id=REP, trigger_id=local.slack.new_trigger_id(REP),
        action={"action_id": ActionId.save_draft, "block_id": "b", "type": "button", "value": draft.encode(),
                "action_ts": ts},
        container={"type": "message", "message_ts": ts, "channel_id": "C0GENERAL", "is_ephemeral": True},
        channel={"id": "C0GENERAL", "name": "general"},
        response_url=local.slack.response_url_for(REP, "C0GENERAL", ts))
    return payloads.interactive_form(payload).encode(), FORM


def dm_event(local) -> tuple[bytes, str]:
    event = payloads.message_im(user_id=REP, text="acme corporation: lunch with the buyer",
                                channel=local.slack.dm_channel_for(REP))
    return json.dumps(payloads.event_callback(event)).encode(), JSON


BASES = {"slash command /kam log": slash_log, "Save button": save_button, "DM event": dm_event}
ANSWERED_AFTER_THE_ACK = {save_button, dm_event}  # handlers/background.py: a Slack call follows the save


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
def test_the_same_requests_signed_by_slack_do_get_in(local, base):
    """The control: without it, "nothing happened" below could mean the bodies do nothing anyway."""
    body, content_type = base(local)
    before = traces(local)
    response = local.driver.raw(body, signing.signed_headers(local.signing_secret, body), content_type=content_type,
                                signature="none")
    assert response.status == 200
    if base in ANSWERED_AFTER_THE_ACK:  # waited for, so that it cannot land in the next test either
        local.slack.wait_for(None, after=before[2])
    assert traces(local) != before


# ---- the forgeries ------------------------------------------------------------------------------------

Forgery = Callable[[str, bytes, int], tuple[bytes, dict[str, str]]]


def sign(secret: str, stamp, body: bytes) -> str:
    return signing.signature(secret, stamp, body)


def hexdigest(secret: str, stamp, body: bytes, algorithm) -> str:
    return hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, algorithm).hexdigest()


def headers(stamp=None, signature=None) -> dict[str, str]:
    found = {TS: str(stamp)} if stamp is not None else {}
    return found | ({SIG: signature} if signature is not None else {})


def with_signature(make: Callable[[str, bytes, int], str]) -> Forgery:
    return lambda secret, body, now: (body, headers(now, make(secret, body, now)))


def signed_at(stamp: Callable[[int], str]) -> Forgery:
    """Correctly signed, but with this timestamp."""
    return lambda secret, body, now: (body, headers(stamp(now), sign(secret, stamp(now), body)))


def by_secret(other: Callable[[str], str]) -> Forgery:
    return lambda secret, body, now: (body, headers(now, sign(other(secret), now, body)))


def replayed(change: Callable[[bytes], bytes]) -> Forgery:
    """Headers of a valid request, sent again with the body changed."""
    return lambda secret, body, now: (change(body), headers(now, sign(secret, now, body)))


def flip(index: int) -> Callable[[bytes], bytes]:
    return lambda body: body[:index % len(body)] + bytes([body[index % len(body)] ^ 1]) + body[index % len(body) + 1:]


def same_meaning(body: bytes) -> bytes:
    """Other bytes, same request: a space as %20 instead of +, or a blank inside the JSON."""
    return body.replace(b"+", b"%20", 1) if b"+" in body else body.replace(b"{", b"{ ", 1)


FORGERIES: dict[str, Forgery] = {
    # missing headers
    "no signature header": lambda secret, body, now: (body, headers(now)),
    "no timestamp header": lambda secret, body, now: (body, headers(signature=sign(secret, now, body))),
    "no headers at all": lambda secret, body, now: (body, headers()),
    # malformed signatures
    "empty signature": with_signature(lambda s, b, now: ""),
    "no v0= prefix": with_signature(lambda s, b, now: sign(s, now, b)[3:]),
    "version v1": with_signature(lambda s, b, now: "v1=" + sign(s, now, b)[3:]),
    "version V0": with_signature(lambda s, b, now: "V0=" + sign(s, now, b)[3:]),
    "version v0 twice": with_signature(lambda s, b, now: "v0=" + sign(s, now, b)),
    "uppercase hex": with_signature(lambda s, b, now: "v0=" + sign(s, now, b)[3:].upper()),
    "hex one digit short": with_signature(lambda s, b, now: sign(s, now, b)[:-1]),
    "hex one digit long": with_signature(lambda s, b, now: sign(s, now, b) + "0"),
    "hex doubled": with_signature(lambda s, b, now: sign(s, now, b) + sign(s, now, b)[3:]),
    "two signatures joined": with_signature(lambda s, b, now: sign(s, now, b) + "," + sign(s, now, b)),
    "last hex digit changed": with_signature(
        lambda s, b, now: sign(s, now, b)[:-1] + ("0" if sign(s, now, b)[-1] != "0" else "1")),
    "first hex digit changed": with_signature(
        lambda s, b, now: "v0=" + ("0" if sign(s, now, b)[3] != "0" else "1") + sign(s, now, b)[4:]),
    "not hex": with_signature(lambda s, b, now: "v0=" + "z" * 64),
    "all zeros": with_signature(lambda s, b, now: "v0=" + "0" * 64),
    "latin-1 letters": with_signature(lambda s, b, now: "v0=" + "é" * 64),
    "sha1 instead of sha256": with_signature(lambda s, b, now: "v0=" + hexdigest(s, now, b, hashlib.sha1)),
    "sha512 instead of sha256": with_signature(lambda s, b, now: "v0=" + hexdigest(s, now, b, hashlib.sha512)),
    "plain sha256, no secret": with_signature(
        lambda s, b, now: "v0=" + hashlib.sha256(f"v0:{now}:".encode() + b).hexdigest()),
    "hmac of the body only": with_signature(
        lambda s, b, now: "v0=" + hmac.new(s.encode(), b, hashlib.sha256).hexdigest()),
    "the secret itself": with_signature(lambda s, b, now: "v0=" + s),
    # signed, but for something else
    "signed for another body": with_signature(lambda s, b, now: sign(s, now, b + b"&x=1")),
    "signed for an empty body": with_signature(lambda s, b, now: sign(s, now, b"")),
    "signed for another timestamp": with_signature(lambda s, b, now: sign(s, now - 1, b)),
    "another secret": by_secret(lambda s: s + "x"),
    "a shorter secret": by_secret(lambda s: s[:-1]),
    "the secret in capitals": by_secret(str.upper),
    "the secret reversed": by_secret(lambda s: s[::-1]),
    "a guessable secret": by_secret(lambda s: "secret"),
    # stale or far-future timestamps, correctly signed
    "5 minutes and 1 second old": signed_at(lambda now: str(now - 301)),
    "6 minutes old": signed_at(lambda now: str(now - 360)),
    "an hour old": signed_at(lambda now: str(now - 3600)),
    "a year old": signed_at(lambda now: str(now - 365 * 86400)),
    "timestamp zero": signed_at(lambda now: "0"),
    "5 minutes and 1 second ahead": signed_at(lambda now: str(now + 301)),
    "an hour ahead": signed_at(lambda now: str(now + 3600)),
    "a century ahead": signed_at(lambda now: str(now + 100 * 365 * 86400)),
    # timestamps that are not whole numbers of seconds
    "letters as timestamp": signed_at(lambda now: "abc"),
    "empty timestamp": signed_at(lambda now: ""),
    "fractional timestamp": signed_at(lambda now: f"{now}.5"),
    "timestamp with .0": signed_at(lambda now: f"{now}.0"),
    "exponent timestamp": signed_at(lambda now: f"{now / 1e9:.9f}e9"),
    "negative timestamp": signed_at(lambda now: str(-now)),
    "timestamp with a plus sign": signed_at(lambda now: f"+{now}"),
    "hex timestamp": signed_at(lambda now: hex(now)),
    "timestamp in milliseconds": signed_at(lambda now: str(now * 1000)),
    "40-digit timestamp": signed_at(lambda now: "9" * 40),
    "superscript digit": signed_at(lambda now: "²"),
    "timestamp with underscores": signed_at(lambda now: f"{now:_}"),
    # replays with the body changed
    "replay, first byte changed": replayed(flip(0)),
    "replay, middle byte changed": replayed(lambda body: flip(len(body) // 2)(body)),
    "replay, last byte changed": replayed(flip(-1)),
    "replay, one byte appended": replayed(lambda body: body + b"x"),
    "replay, last byte dropped": replayed(lambda body: body[:-1]),
    "replay, same meaning other bytes": replayed(same_meaning),
    "replay, non-UTF-8 byte appended": replayed(lambda body: body + b"\xff"),
    "replay, invalid JSON": replayed(lambda body: b"{" + body),
    # empty bodies
    "replay, empty body": replayed(lambda body: b""),
    "empty body, no headers": lambda secret, body, now: (b"", headers()),
}


def assert_refused(local, body: bytes, sent: dict[str, str], content_type: str) -> None:
    before = traces(local)
    response = local.driver.raw(body, sent, content_type=content_type, signature="none")
    assert (response.status, response.json) == (401, REFUSED)
    assert traces(local) == before


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
def test_a_forged_request_is_refused_and_runs_nothing(local, base, forge):
    body, content_type = base(local)
    sent_body, sent = forge(local.signing_secret, body, int(time.time()))
    assert_refused(local, sent_body, sent, content_type)


# ---- and a few hundred more, generated ------------------------------------------------------------

HEADER_TEXT = st.text(st.characters(codec="latin-1", exclude_categories=("Cc", "Zs", "Zl", "Zp")), max_size=120)
SIGNATURES = st.one_of(HEADER_TEXT, st.text("0123456789abcdef", max_size=80).map(lambda h: "v0=" + h))
TIMESTAMPS = st.one_of(st.none(), HEADER_TEXT, st.integers(-10**12, 10**12).map(str))
GENERATED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@GENERATED
@given(base=st.sampled_from(list(BASES.values())), stamp=TIMESTAMPS, signature=st.one_of(st.none(), SIGNATURES))
def test_random_signature_headers_are_refused(local, base, stamp, signature):
    body, content_type = base(local)
    assert_refused(local, body, headers(stamp, signature), content_type)


@GENERATED
@given(base=st.sampled_from(list(BASES.values())), data=st.data())
def test_a_valid_signature_on_a_changed_body_is_refused(local, base, data):
    body, content_type = base(local)
    sent = signing.signed_headers(local.signing_secret, body)
    at = data.draw(st.integers(0, len(body)), label="position")
    cut = data.draw(st.integers(0, 3), label="bytes removed")
    added = data.draw(st.binary(max_size=4), label="bytes inserted")
    changed = body[:at] + added + body[at + cut:]
    if changed != body:
        assert_refused(local, changed, sent, content_type)
