"""Measuring the resolver on a labelled set of queries (`query,expected[,kind]`).

Definitions (docs/benchmarks.md):
- top1_accuracy: of the queries naming an account, the share where the first
  account offered (a confident match or the first candidate button) is it;
- top5_recall: ... the share where it is among the accounts offered (≤ 5);
- false_match_rate: of all queries, the share answered with a confident match
  to another account, or to any account when the answer was "no match";
- ambiguous_rate: of all queries, the share answered with candidates to choose from;
- no_match_accuracy: of the "no match" queries, the share answered "no match".
And of the "did you mean" a "no match" answer may carry (resolve.py says when it does):
- no_match_suggested_rate: of the "no match" queries, the share answered with a suggestion all
  the same (noise: "genepoint" → 东莞博华能源);
- suggestion_accuracy: of the queries naming an account answered "no match", the share whose
  suggestion is that account.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kam_core.accounts.resolver.decide import Thresholds
from kam_core.accounts.resolver.resolve import Outcome, decide


class BadEvaluationFile(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    query: str
    expected: str | None
    kind: str = ""
    part: str = ""  # the public set's half: "tuning" or "held_out" (publicset.py)


def read_cases(path: Path) -> list[Case]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"query", "expected"} <= set(reader.fieldnames):
                raise BadEvaluationFile(f"{path} needs the columns query,expected (it has: "
                                        f"{','.join(reader.fieldnames or []) or 'none'})")
            cases = [Case(row["query"], (row["expected"] or "").strip() or None, (row.get("kind") or "").strip(),
                          (row.get("part") or "").strip())
                     for row in reader]
    except (OSError, UnicodeDecodeError) as error:
        raise BadEvaluationFile(f"cannot read {path}: {error}") from None
    if not cases:
        raise BadEvaluationFile(f"{path} has no queries")
    return cases


@dataclass(frozen=True)
class Answer:
    """What the resolver offered for one case: the outcome and the account names shown."""

    outcome: Outcome
    shown: list[str]
    suggested: str | None = None  # the "did you mean" of a "no match" answer


def answer(ranked: list[tuple], thresholds: Thresholds, limit: int = 5) -> Answer:
    outcome, chosen = decide(ranked, thresholds=thresholds, limit=limit)
    return Answer(outcome, [] if outcome == Outcome.none else [r[1] for r in chosen])


def metrics(cases: Iterable[Case], answers: Iterable[Answer]) -> dict[str, float]:
    named = top1 = top5 = false = ambiguous = none_cases = none_right = total = 0
    for case, got in zip(cases, answers, strict=True):
        total += 1
        ambiguous += got.outcome == Outcome.ambiguous
        if got.outcome == Outcome.match and got.shown[0] != case.expected:
            false += 1
        if case.expected is None:
            none_cases += 1
            none_right += got.outcome == Outcome.none
        else:
            named += 1
            top1 += bool(got.shown) and got.shown[0] == case.expected
            top5 += case.expected in got.shown
    return {
        "queries": total,
        "top1_accuracy": round(top1 / named, 4) if named else None,
        "top5_recall": round(top5 / named, 4) if named else None,
        "false_match_rate": round(false / total, 4),
        "ambiguous_rate": round(ambiguous / total, 4),
        "no_match_accuracy": round(none_right / none_cases, 4) if none_cases else None,
    }


def suggestion_figures(cases: Iterable[Case], answers: Iterable[Answer]) -> dict[str, float | None]:
    no_match = suggested = unmatched = right = 0
    for case, got in zip(cases, answers, strict=True):
        if case.expected is None:
            no_match += 1
            suggested += got.outcome == Outcome.none and got.suggested is not None
        elif got.outcome == Outcome.none:
            unmatched += 1
            right += got.suggested == case.expected
    return {
        "no_match_suggested_rate": round(suggested / no_match, 4) if no_match else None,
        "suggestion_accuracy": round(right / unmatched, 4) if unmatched else None,
    }


def by_kind(cases: list[Case], answers: list[Answer]) -> dict[str, dict[str, float]]:
    kinds: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        kinds.setdefault(case.kind or "-", []).append(i)
    return {kind: metrics([cases[i] for i in rows], [answers[i] for i in rows]) for kind, rows in sorted(kinds.items())}


def by_part(cases: list[Case], answers: list[Answer]) -> dict[str, dict]:
    """The public set's halves (tuning, held_out): all their queries, then per kind."""
    parts: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        parts.setdefault(case.part or "-", []).append(i)
    out = {}
    for part, rows in sorted(parts.items()):
        these, got = [cases[i] for i in rows], [answers[i] for i in rows]
        out[part] = {**metrics(these, got), "by_kind": by_kind(these, got)}
    return out


def misses(cases: list[Case], answers: list[Answer]) -> list[dict]:
    out = []
    for case, got in zip(cases, answers, strict=True):
        right = (got.outcome == Outcome.none) if case.expected is None else (got.shown[:1] == [case.expected])
        if not right:
            out.append({"query": case.query, "expected": case.expected, "kind": case.kind, "part": case.part,
                        "outcome": got.outcome.value, "shown": got.shown})
    return out


# What an answer is worth to a rep, for choosing thresholds: a confident right
# answer (or "no match" when there is none) costs nothing; choosing among
# buttons costs one tap; a "no match" for an existing account means retyping;
# a confident wrong match puts a note on the wrong customer.
UTILITY = {"right": 1.0, "choose": 0.5, "retype": 0.0, "wrong": -10.0}


def utility(case: Case, got: Answer) -> float:
    if got.outcome == Outcome.match:
        return UTILITY["right"] if got.shown[0] == case.expected else UTILITY["wrong"]
    if case.expected is None:
        return UTILITY["right"] if got.outcome == Outcome.none else UTILITY["choose"]
    return UTILITY["choose"] if case.expected in got.shown else UTILITY["retype"]


def sweep(cases: list[Case], ranked: list[list[tuple]], grid: Iterable[Thresholds]) -> list[dict]:
    """Every threshold setting of `grid` with its metrics and mean utility, best first."""
    rows = []
    for thresholds in grid:
        answers = [answer(r, thresholds) for r in ranked]
        value = sum(utility(c, a) for c, a in zip(cases, answers, strict=True)) / len(cases)
        rows.append({"thresholds": thresholds.model_dump(), "utility": round(value, 4), **metrics(cases, answers)})
    # Ties: the stricter setting (fewer confident answers risked).
    rows.sort(key=lambda r: (-r["utility"], r["false_match_rate"], -r["thresholds"]["match"], -r["thresholds"]["gap"]))
    return rows
