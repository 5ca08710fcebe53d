"""Account name resolution: the figures of docs/benchmarks.md, and the sweep that chose the thresholds.

    .venv/bin/python benchmarks/resolve.py                  # both sets among 100,000 accounts (and the old one alone)
    .venv/bin/python benchmarks/resolve.py --sweep          # choose thresholds on the public set (docs/benchmarks.md)
    .venv/bin/python benchmarks/resolve.py --write DIR      # the public set as files for `kam bench resolve --queries`

Two sets: the old, hand-written one (tests/data/resolution_eval.csv with its accounts) and the public
one, built at run time from real sources (kam_core/accounts/resolver/publicset.py; it needs the shared
listed-companies file and refuses to run without it).

The sweep scores every query of the public set once (among 100,000 accounts), then replays the
decision rule for every setting of a grid and ranks settings by the mean utility of the answers
(kam_core.accounts.resolver.evaluation.UTILITY: a confident wrong match costs ten right ones). To check
that the choice does not merely fit the set, it also chooses on the `tuning` half alone and reports the
`held_out` half (other companies), and replays the chosen setting on the old set.
"""

import argparse
import itertools
import json
import sys
from pathlib import Path

from kam_core.accounts.resolver import benchmark, publicset
from kam_core.accounts.resolver.decide import Thresholds
from kam_core.accounts.resolver.evaluation import answer, by_kind, metrics, read_cases, sweep

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
GRID = [Thresholds(match=m, gap=g, candidate=c)
        for m, g, c in itertools.product(range(84, 97), range(0, 16), [60, 65, 70, 72.5, 75, 77.5, 80, 82.5, 85])]
SIZE = 100_000


def summary(report: dict) -> dict:
    """The figures docs/benchmarks.md shows: overall, latency, build, and per kind."""
    keep = ("accounts", "names_indexed", "queries", "top1_accuracy", "top5_recall", "false_match_rate",
            "ambiguous_rate", "no_match_accuracy", "p50_ms", "p99_ms", "p50_cpu_ms", "p99_cpu_ms",
            "index_build_s", "index_build_cpu_s", "index_mb", "thresholds", "by_kind", "by_part")
    return {k: report[k] for k in keep if k in report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=DATA / "resolution_eval.csv", help="the old set")
    parser.add_argument("--accounts-file", type=Path, default=DATA / "resolution_accounts.csv")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--write", type=Path, metavar="DIR", help="write the public set's queries and accounts")
    args = parser.parse_args()
    try:
        public_cases, public_accounts = publicset.public_set()
    except publicset.MissingSource as error:
        sys.exit(f"benchmarks/resolve.py: {error}")
    if args.write:
        queries, accounts = publicset.write(args.write, public_cases, public_accounts)
        print(f"{queries}\n{accounts}")
        return
    old_cases = read_cases(args.queries)
    if not args.sweep:
        for size in (0, SIZE):
            report = benchmark.run(old_cases, database_url=None, accounts_file=args.accounts_file, size=size)
            print(json.dumps({"set": "old", **summary(report)}, ensure_ascii=False))
        report = benchmark.run(public_cases, database_url=None, accounts_file=None, accounts=public_accounts,
                               size=SIZE)
        print(json.dumps({"set": "public", **summary(report)}, ensure_ascii=False))
        return
    report = benchmark.run(public_cases, database_url=None, accounts_file=None, accounts=public_accounts,
                           size=SIZE, keep_ranked=True)
    ranked = report.pop("ranked")
    best = sweep(public_cases, ranked, GRID)
    print(json.dumps({"best": best[:10]}, ensure_ascii=False, indent=1))
    tuning = [i for i, c in enumerate(public_cases) if c.part == publicset.TUNING]
    held = [i for i, c in enumerate(public_cases) if c.part == publicset.HELD_OUT]
    chosen = Thresholds(**sweep([public_cases[i] for i in tuning], [ranked[i] for i in tuning], GRID)[0]["thresholds"])
    held_cases = [public_cases[i] for i in held]
    held_answers = [answer(ranked[i], chosen) for i in held]
    old = benchmark.run(old_cases, database_url=None, accounts_file=args.accounts_file, size=SIZE, keep_ranked=True)
    old_answers = [answer(r, chosen) for r in old.pop("ranked")]
    print(json.dumps({"chosen_on_tuning_half": chosen.model_dump(),
                      "held_out_half": {**metrics(held_cases, held_answers),
                                        "by_kind": by_kind(held_cases, held_answers)},
                      "old_set_with_it": metrics(old_cases, old_answers)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
