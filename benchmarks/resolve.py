"""Account name resolution: the figures of docs/benchmarks.md, and the sweep that chose the thresholds.

    .venv/bin/python benchmarks/resolve.py                  # evaluation set alone, then among 100,000 accounts
    .venv/bin/python benchmarks/resolve.py --sweep          # choose thresholds (see docs/benchmarks.md)

The sweep scores every query once (among 100,000 accounts), then replays the
decision rule for every setting of a grid and ranks settings by the mean
utility of the answers (kam_core.accounts.resolver.evaluation.UTILITY: a
confident wrong match costs ten right ones). To check that the choice does not
merely fit this set, it also chooses on the odd rows and reports the even ones.
"""

import argparse
import itertools
import json
from pathlib import Path

from kam_core.accounts.resolver import benchmark
from kam_core.accounts.resolver.decide import Thresholds
from kam_core.accounts.resolver.evaluation import answer, metrics, read_cases, sweep

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
GRID = [Thresholds(match=m, gap=g, candidate=c)
        for m, g, c in itertools.product(range(84, 97), range(0, 11), [65, 70, 72.5, 75, 77.5, 80, 82.5, 85])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=DATA / "resolution_eval.csv")
    parser.add_argument("--accounts-file", type=Path, default=DATA / "resolution_accounts.csv")
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    cases = read_cases(args.queries)
    if not args.sweep:
        for size in (0, 100_000):
            report = benchmark.run(cases, database_url=None, accounts_file=args.accounts_file, size=size)
            print(json.dumps(report, ensure_ascii=False))
        return
    report = benchmark.run(cases, database_url=None, accounts_file=args.accounts_file, size=100_000,
                           keep_ranked=True)
    ranked = report.pop("ranked")
    best = sweep(cases, ranked, GRID)
    print(json.dumps({"best": best[:10]}, ensure_ascii=False, indent=1))
    odd, even = cases[1::2], cases[0::2]
    chosen = sweep(odd, ranked[1::2], GRID)[0]["thresholds"]
    held_out = metrics(even, [answer(r, Thresholds(**chosen)) for r in ranked[0::2]])
    print(json.dumps({"chosen_on_odd_rows": chosen, "even_rows": held_out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
