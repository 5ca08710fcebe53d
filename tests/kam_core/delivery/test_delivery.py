"""Send-once deliveries: the mechanism under digests and reminders."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from kam_core.clock import utcnow
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.delivery import service
from kam_core.delivery.models import Delivery
from tests.factories import make_person


@pytest.fixture
def setup(database_url):
    sessions = make_sessionmaker(make_engine(database_url))
    with transaction(sessions) as session:
        person_id = make_person(session).id
    return sessions, person_id


def send_counter():
    sent = []

    def send():
        sent.append(1)
        return "D1", "123.456"

    return sent, send


def test_a_message_is_sent_once_however_often_the_job_runs(setup):
    sessions, person_id = setup
    sent, send = send_counter()
    results = [service.deliver_once(sessions, kind="digest", person_id=person_id, period_key="2026-W48",
                                    worker="a", send=send) for _ in range(3)]
    assert results == ["sent", "skipped", "skipped"] and len(sent) == 1
    with sessions() as session:
        row = session.scalars(select(Delivery)).one()
    assert (row.status, row.channel, row.ts, row.attempts) == ("sent", "D1", "123.456", 1)


def test_a_failure_is_recorded_and_retried_on_the_next_run(setup):
    sessions, person_id = setup

    def broken():
        raise RuntimeError("slack is down")

    assert service.deliver_once(sessions, kind="digest", person_id=person_id, period_key="w", worker="a",
                                send=broken) == "failed"
    with sessions() as session:
        assert session.scalars(select(Delivery.last_error)).one() == "RuntimeError: slack is down"
    sent, send = send_counter()
    assert service.deliver_once(sessions, kind="digest", person_id=person_id, period_key="w", worker="a",
                                send=send) == "sent"


def test_a_claim_left_by_a_dead_process_is_taken_over_only_after_the_timeout(setup):
    sessions, person_id = setup
    delivery_id = service.ensure(sessions, kind="digest", person_id=person_id, period_key="w")
    assert service.claim(sessions, delivery_id, worker="dead", now=utcnow())
    assert not service.claim(sessions, delivery_id, worker="b", now=utcnow() + timedelta(minutes=1))
    assert service.claim(sessions, delivery_id, worker="b", now=utcnow() + service.CLAIM_TIMEOUT * 2)


def test_two_processes_racing_send_once(setup):
    sessions, person_id = setup
    url = sessions.kw["bind"].url
    sent, send = send_counter()
    start = threading.Barrier(4)
    results = []

    def worker(name):
        own = make_sessionmaker(make_engine(url.render_as_string(hide_password=False)))
        start.wait()
        results.append(service.deliver_once(own, kind="digest", person_id=person_id, period_key="race",
                                            worker=name, send=send))

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"] and len(sent) == 1
