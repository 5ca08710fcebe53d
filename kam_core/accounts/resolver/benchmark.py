"""`kam bench resolve`: accuracy and latency of the resolver on a labelled set,
against a database's accounts or a temporary one loaded for the purpose."""

import gc
import statistics
import tempfile
import time
import tracemalloc
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select

from kam_core import schema
from kam_core.accounts.models import Account
from kam_core.accounts.resolver.benchdata import distractors, load_accounts, read_accounts
from kam_core.accounts.resolver.decide import DEFAULT_THRESHOLDS, Thresholds
from kam_core.accounts.resolver.evaluation import (
    Answer, BadEvaluationFile, Case, by_kind, by_part, metrics, misses, suggestion_figures,
)
from kam_core.accounts.resolver.index import NameIndex, account_rows
from kam_core.accounts.resolver.resolve import Outcome, ranked_accounts, search_accounts
from kam_core.db import make_engine, make_sessionmaker, transaction


def run(cases: list[Case], *, database_url: str | None, accounts_file: Path | None, size: int,
        thresholds: Thresholds = DEFAULT_THRESHOLDS, details: bool = False, keep_ranked: bool = False,
        accounts: list[tuple[str, list[str]]] | None = None) -> dict:
    """`accounts` (name, aliases) instead of `accounts_file`: the public set's, built at run time."""
    with ExitStack() as stack:
        if database_url is None:
            if accounts is None and (accounts_file is None or not accounts_file.exists()):
                raise BadEvaluationFile(f"no accounts file {accounts_file}; give --accounts-file or --database")
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            database_url = f"sqlite:///{Path(folder) / 'resolve-bench.db'}"
            engine = make_engine(database_url)
            schema.upgrade(engine)
            accounts = list(accounts) if accounts is not None else read_accounts(accounts_file)
            accounts += distractors(max(0, size - len(accounts)), {n for n, _ in accounts})
            with transaction(make_sessionmaker(engine)) as session:
                load_accounts(session, accounts)
        else:
            engine = make_engine(database_url)
        stack.callback(engine.dispose)
        return _measure(cases, make_sessionmaker(engine), thresholds, details, keep_ranked)


def _measure(cases, sessions, thresholds, details, keep_ranked) -> dict:
    with transaction(sessions) as session:
        present = set(session.scalars(select(Account.name)))
        missing = sorted({c.expected for c in cases if c.expected and c.expected not in present})
        if missing:
            raise BadEvaluationFile(f"{len(missing)} expected accounts are not in the database "
                                    f"(first: {missing[0]}); load them or run without --database")
        build_s, build_cpu_s, index = _timed_build(session)
        index_mb = _index_megabytes(session)
        search_accounts(session, query="warm up", thresholds=thresholds)  # builds this process's index
        timings, cpu, answers = [], [], []
        for case in cases:
            started, started_cpu = time.perf_counter(), time.thread_time()
            result = search_accounts(session, query=case.query, limit=5, thresholds=thresholds)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append(((time.thread_time() - started_cpu) * 1000, case.query))
            if result.outcome == Outcome.none:
                answers.append(Answer(result.outcome, [], result.best.name if result.best else None))
            else:
                answers.append(Answer(result.outcome, [c.name for c in result.candidates]))
    timings.sort()
    slowest = sorted(cpu, reverse=True)[:10]
    cpu_ms = sorted(ms for ms, _ in cpu)
    report = {
        "accounts": len(index.account_names),
        "names_indexed": index.size,
        **metrics(cases, answers),
        **suggestion_figures(cases, answers),
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(_p99(timings), 3),
        "max_ms": round(timings[-1], 3),
        # CPU time of this thread: the same figures without other processes' load on the machine.
        "p50_cpu_ms": round(statistics.median(cpu_ms), 3),
        "p99_cpu_ms": round(_p99(cpu_ms), 3),
        "index_build_s": round(build_s, 3),
        "index_build_cpu_s": round(build_cpu_s, 3),
        "index_mb": round(index_mb, 1),
        "thresholds": thresholds.model_dump(),
        "by_kind": by_kind(cases, answers),
    }
    if any(c.part for c in cases):
        report["by_part"] = by_part(cases, answers)
    if details:
        report["misses"] = misses(cases, answers)
        report["slowest_cpu_ms"] = [(round(ms, 2), query) for ms, query in slowest]
    if keep_ranked:
        report["ranked"] = [ranked_accounts(index, c.query)[:6] for c in cases]
    return report


def _p99(sorted_values: list[float]) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * 0.99))]


def _timed_build(session) -> tuple[float, float, NameIndex]:
    """Wall and CPU seconds to read every name and alias and build the index."""
    started, started_cpu = time.perf_counter(), time.process_time()
    index = NameIndex.build(account_rows(session))
    return time.perf_counter() - started, time.process_time() - started_cpu, index


def _index_megabytes(session) -> float:
    """Python memory the index holds once built (tracemalloc; the rows read are freed by then)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        index = NameIndex.build(account_rows(session))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del index
    return held / 1e6
