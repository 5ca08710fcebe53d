"""The soak (benchmarks/soak.py) at CI size: 300 requests, 4 at a time, against gunicorn with the
emulator. Zero errors, every write stored once, worker memory within 20% of the warm-up's."""

import importlib.util
import shutil

import pytest

from tests.conftest import ROOT, drop_database, fresh_database_url

pytestmark = pytest.mark.skipif(shutil.which("gunicorn") is None and importlib.util.find_spec("gunicorn") is None,
                                reason="gunicorn is not installed")


def load_soak():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "benchmarks" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_short_soak_loses_nothing_duplicates_nothing_and_does_not_grow(backend, tmp_path):
    soak = load_soak()
    url = fresh_database_url(backend, tmp_path)
    try:
        figures = soak.run_soak(requests=300, concurrency=4, database_url=url, accounts=40, max_seconds=300)
    finally:
        drop_database(url)
    print(figures.report())
    assert figures.errors == []
    assert figures.writes_sent > 0 and figures.lost == 0 and figures.duplicates == 0
    assert figures.workers >= 1 and not figures.workers_replaced
    assert figures.memory_growth <= soak.MEMORY_GROWTH_LIMIT
