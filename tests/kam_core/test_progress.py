"""kam_core.progress: what the domain tells of long work (the demo, the export and its restore, imports),
heard by whoever installs a reporter and by nobody otherwise."""

from collections import defaultdict

import pytest

from kam_core import progress
from kam_core.actors import Actor
from kam_core.db import make_engine, make_sessionmaker, transaction
from kam_core.demo import DemoSize, generate_demo
from kam_core.export import export_all
from kam_core.importers.export_import import import_export
from kam_core.importers.maven import import_maven
from kam_core.policy import Policy
from tests.conftest import shared_path

SYSTEM = Actor.system("test")


class Heard:
    """Every call a reporter gets, and per label what it adds up to."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.done: dict[str, int] = defaultdict(int)
        self.totals: dict[str, set] = defaultdict(set)

    def advance(self, label, steps, total):
        self.calls.append(("advance", label, steps, total))
        self.done[label] += steps
        self.totals[label].add(total)

    def begin(self, label):
        self.calls.append(("begin", label))

    def end(self, label):
        self.calls.append(("end", label))

    def steps(self) -> list[tuple]:
        return [call for call in self.calls if call[0] != "advance"]


def test_without_a_reporter_the_work_runs_as_before():
    assert list(progress.track(range(1200), "rows")) == list(range(1200))
    progress.advance("rows", 3, total=10)
    with progress.step("tiers"), progress.tally("interactions", total=5) as told:
        told.add(5)


def test_track_announces_the_loop_then_tells_every_batch_and_the_rest():
    heard = Heard()
    with progress.reporting(heard):
        items = list(progress.track(list(range(1_234)), "accounts"))
    assert items == list(range(1_234))
    assert heard.calls == [("advance", "accounts", 0, 1_234), ("advance", "accounts", 500, 1_234),
                           ("advance", "accounts", 500, 1_234), ("advance", "accounts", 234, 1_234)]


def test_track_of_items_without_a_length_has_no_total_unless_given():
    heard = Heard()
    with progress.reporting(heard):
        list(progress.track(iter(range(3)), "rows read"))
        list(progress.track(iter(range(3)), "rows written", total=3))
    assert heard.calls == [("advance", "rows read", 0, None), ("advance", "rows read", 3, None),
                           ("advance", "rows written", 0, 3), ("advance", "rows written", 3, 3)]


def test_an_empty_loop_is_announced_with_its_total_of_zero():
    heard = Heard()
    with progress.reporting(heard):
        assert list(progress.track([], "contacts")) == []
    assert heard.calls == [("advance", "contacts", 0, 0)]


def test_a_tally_adds_up_several_per_item_and_tells_in_batches():
    heard = Heard()
    with progress.reporting(heard), progress.tally("interactions", total=1_000) as told:
        for _ in range(100):
            told.add(10)
        assert heard.done["interactions"] == 1_000  # two batches of 500 told on the way
    assert heard.calls == [("advance", "interactions", 0, 1_000), ("advance", "interactions", 500, 1_000),
                           ("advance", "interactions", 500, 1_000)]


def test_a_tally_tells_the_rest_when_it_closes_even_on_an_error():
    heard = Heard()
    with pytest.raises(ValueError), progress.reporting(heard), progress.tally("opportunities") as told:
        told.add(7)
        raise ValueError("stop")
    assert heard.calls[-1] == ("advance", "opportunities", 7, None)


def test_a_step_is_heard_as_it_begins_and_ends():
    heard = Heard()
    with progress.reporting(heard), progress.step("tiers"):
        assert heard.calls == [("begin", "tiers")]
    assert heard.calls == [("begin", "tiers"), ("end", "tiers")]


def test_reporting_ends_with_its_block_and_restores_the_reporter_before():
    outer, inner = Heard(), Heard()
    with progress.reporting(outer):
        with progress.reporting(inner):
            progress.advance("rows", 1)
        progress.advance("rows", 2)
    progress.advance("rows", 4)
    assert (inner.done["rows"], outer.done["rows"]) == (1, 2)


# The work itself, on both databases.

@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_the_demo_tells_accounts_interactions_opportunities_the_rows_it_writes_and_its_steps(sessions):
    heard = Heard()
    size = DemoSize(accounts=60, interactions=300, opportunities=90, reps=4, managers=2)
    with progress.reporting(heard), transaction(sessions) as session:
        report = generate_demo(session, actor=SYSTEM, policy=Policy(), size=size)
    for label, total in (("accounts", 60), ("interactions", 300), ("opportunities", 90)):
        assert (heard.done[label], heard.totals[label]) == (total, {total})
    assert heard.done["rows written"] == sum(count for table, count in report.counts.items()
                                             if table != "tier_changes")
    assert heard.steps() == [("begin", "statistics"), ("end", "statistics"), ("begin", "tiers"), ("end", "tiers")]

    again = Heard()  # over a demo: removing it first is a step of its own
    with progress.reporting(again), transaction(sessions) as session:
        generate_demo(session, actor=SYSTEM, policy=Policy(), size=size)
    assert again.steps()[:2] == [("begin", "wipe"), ("end", "wipe")]


def test_the_export_and_its_restore_tell_every_row_against_the_total(sessions, backend, tmp_path):
    from tests.conftest import drop_database, fresh_database_url
    from kam_core.schema import upgrade

    with transaction(sessions) as session:
        generate_demo(session, actor=SYSTEM, policy=Policy(),
                      size=DemoSize(accounts=30, interactions=120, opportunities=40, reps=2, managers=1))
    exported = Heard()
    with progress.reporting(exported), transaction(sessions) as session:
        manifest = export_all(session, directory=tmp_path / "export", actor=SYSTEM)
    assert manifest.total_rows > 500
    assert (exported.done["rows written"], exported.totals["rows written"]) == (manifest.total_rows,
                                                                                {manifest.total_rows})

    (tmp_path / "target").mkdir()
    target_url = fresh_database_url(backend, tmp_path / "target")
    target = make_engine(target_url)
    upgrade(target)
    restored = Heard()
    try:
        with progress.reporting(restored), transaction(make_sessionmaker(target)) as session:
            report = import_export(session, directory=tmp_path / "export", actor=SYSTEM)
    finally:
        target.dispose()
        drop_database(target_url)
    assert report.total_rows == manifest.total_rows
    for label in ("rows read", "rows written"):
        assert (restored.done[label], restored.totals[label]) == (manifest.total_rows, {manifest.total_rows})
    assert restored.steps() == [("begin", "statistics"), ("end", "statistics")]


def test_the_maven_import_tells_its_accounts_and_deals(session):
    heard = Heard()
    with progress.reporting(heard):
        import_maven(session, directory=shared_path("data", "maven-crm"), actor=SYSTEM, policy=Policy())
    assert (heard.done["accounts"], heard.totals["accounts"]) == (85, {85})
    assert (heard.done["opportunities"], heard.totals["opportunities"]) == (8_800, {8_800})
