"""A source's stage names onto the pipeline: the rule every CRM importer shares (docs/imports.md, "Stages").

For each stage name a file gives, in this order:
1. `--stage-map FILE` (a CSV `source_stage,stage`) wins over everything.
2. A pipeline stage of the same name, spelt any way: compared casefolded with `/`, `-`, `_` and runs of
   spaces as one separator ("Closed/Won", "closed-won" and "CLOSED WON" are Closed Won), or a close
   misspelling of one ("Prospectng").
3. With `--add-stages`, a new pipeline stage of that name: won, lost or open and its probability from
   how the records use it (IsWon / IsClosed / Probability), else from what the name rule below says.
4. By name, KEYWORDS below ("Initial Contact" is Prospecting) — unless the record says it is won or
   closed (IsWon / IsClosed), which wins over the name: a won deal goes to the won stage, a closed one
   that is not won to the lost stage, an open one whose name says closed to the open stage nearest its
   probability.
Anything else is an error naming file, record, field and value, and what to do.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median_low

from sqlalchemy import select
from sqlalchemy.orm import Session

from kam_core.errors import ImportFailed
from kam_core.importers.report import ReportBuilder
from kam_core.importers.source import Row, raise_problems, read_csv
from kam_core.opportunities.models import Stage

# By name: the first pattern found in the normalised name decides. Lost and won come first ("Closed -
# No Decision" is lost, "Contract Signed" won), then the open stages from the end of the pipeline back,
# so a name naming two steps ("Proposal - Legal Review") goes to the later one. WON and LOST stand for
# the pipeline's won and lost stage, whatever it is called.
WON, LOST, OPEN = "won", "lost", "open"
KEYWORDS: list[tuple[str, str]] = [
    (r"lost|dead|disqualified|unqualified|no decision|no go|cancell?ed|rejected|declined|abandoned|churned", LOST),
    (r"won|signed|purchased", WON),
    (r"negotiat\w*|contract\w*|legal|procurement|redline\w*|verbal|commit\w*", "Negotiation/Review"),
    (r"proposal\w*|quote\w*|quotation|pricing|price|bought in", "Proposal/Price Quote"),
    (r"perception", "Perception Analysis"),
    (r"decision makers?|stakeholders?|champion", "Id. Decision Makers"),
    (r"value proposition|value prop|business case|presentation\w*", "Value Proposition"),
    (r"needs|demo\w*|evaluat\w*|trial|pilot|proof of concept|poc", "Needs Analysis"),
    (r"qualif\w*", "Qualification"),
    (r"initial contact|lead|new|discovery|prospect\w*|contacted|intro\w*|first meeting|outreach|appointment\w*",
     "Prospecting"),
]
_KEYWORDS = [(re.compile(rf"\b(?:{pattern})\b"), target) for pattern, target in KEYWORDS]
# rapidfuzz's ratio (0-100) from which a name is a misspelling of a pipeline stage: "prospectng" is 95,
# "closed won" against "closed lost" 76.
CLOSE_SPELLING = 88

MAP_COLUMNS = ["source_stage", "stage"]


def normal(name: str) -> str:
    """"Closed/Won", "closed-won", "Closed_Won " all become "closed won"."""
    return " ".join(re.sub(r"[/\-_]", " ", name).casefold().split())


class StageMap(dict[str, str]):
    """A `--stage-map` file: source stage → pipeline stage, remembering each line for errors."""

    def __init__(self, file: str, rows: dict[str, Row]) -> None:
        super().__init__({source: row.text("stage") for source, row in rows.items()})
        self.file = file
        self.rows = rows


def read_stage_map(path: Path) -> StageMap:
    """A CSV with the header `source_stage,stage`, one line per stage name of the source."""
    rows: dict[str, Row] = {}
    first: dict[str, Row] = {}
    problems = []
    for row in read_csv(Path(path), required=MAP_COLUMNS):
        try:
            source, target = row.text("source_stage", required=True), row.text("stage", required=True)
        except ImportFailed as problem:
            problems.append(problem)
            continue
        seen = first.get(normal(source))
        if seen is not None and normal(seen.text("stage")) != normal(target):
            problems.append(row.fail("source_stage", "duplicate", value=source, first_row=seen.number))
            continue
        first.setdefault(normal(source), row)
        rows[source] = row
    raise_problems(str(path), problems)
    return StageMap(str(path), rows)


@dataclass
class _Added:
    stage: Stage
    row: Row
    field: str
    probabilities: list[int] = field(default_factory=list)
    fallback_probability: int | None = None


class StageMapper:
    """Resolves each record's stage; `finish` then places the added stages and reports every mapping."""

    def __init__(self, session: Session, *, add_stages: bool = False, stage_map: dict[str, str] | None = None) -> None:
        self.session = session
        self.add_stages = add_stages
        self.stages = list(session.scalars(select(Stage).order_by(Stage.position, Stage.id)))
        self.by_name = {normal(s.name): s for s in self.stages}
        self.won = next((s for s in self.stages if s.is_won), None)
        self.lost = next((s for s in self.stages if s.is_lost), None)
        self.added: dict[str, _Added] = {}
        # (the name as given, the stage's name, how it was found) -> deals
        self.mapped: Counter[tuple[str, str, str]] = Counter()
        self._misspellings: dict[str, Stage | None] = {}
        self.stage_map = self._checked(stage_map or {})
        self._finished = False

    def _checked(self, stage_map: dict[str, str]) -> dict[str, Stage]:
        rows = getattr(stage_map, "rows", {})
        file = getattr(stage_map, "file", "--stage-map")
        result, problems = {}, []
        for source, target in stage_map.items():
            stage = self.by_name.get(normal(target))
            if stage is None:
                row = rows.get(source) or Row(file, None, {})
                problems.append(row.fail("stage", "map_stage_unknown", value=target,
                                         stages=[s.name for s in self.stages]))
            else:
                result[normal(source)] = stage
        raise_problems(file, problems)
        return result

    def resolve(self, name: str, *, row: Row, field: str, won: bool | None = None, closed: bool | None = None,
                probability: int | None = None) -> Stage:
        key = normal(name)
        if not key:
            raise row.fail(field, "value_required")
        if key in self.stage_map:
            return self._count(name, self.stage_map[key], "map")
        stage = self.by_name.get(key)
        if stage is not None:
            return self._count(name, stage, "exact" if name.strip() == stage.name else "spelling")
        stage = self._misspelt(key)
        if stage is not None:
            return self._count(name, stage, "spelling")
        outcome = _outcome(won, closed)
        if self.add_stages:
            return self._add(name, key, row=row, field=field, outcome=outcome, probability=probability)
        stage, how = self._by_keyword(key), "name"
        if outcome is not None and (stage is None or _outcome_of(stage) != outcome):
            stage, how = self._by_flags(outcome, probability)
        if stage is None:
            raise row.fail(field, "stage_unmappable", value=name.strip())
        return self._count(name, stage, how)

    def _count(self, name: str, stage: Stage, how: str) -> Stage:
        self.mapped[(name.strip(), stage.name, how)] += 1
        return stage

    def _misspelt(self, key: str) -> Stage | None:
        """The pipeline stage this name is a close misspelling of, if any."""
        if key not in self._misspellings:
            from rapidfuzz import fuzz, process

            found = process.extractOne(key, list(self.by_name), scorer=fuzz.ratio, score_cutoff=CLOSE_SPELLING)
            self._misspellings[key] = self.by_name[found[0]] if found else None
        return self._misspellings[key]

    def _by_keyword(self, key: str) -> Stage | None:
        for pattern, target in _KEYWORDS:
            if pattern.search(key):
                stage = {WON: self.won, LOST: self.lost}.get(target) or self.by_name.get(normal(target))
                if stage is not None:
                    return stage
        return None

    def _by_flags(self, outcome: str, probability: int | None) -> tuple[Stage | None, str]:
        """The won stage for a won deal, the lost one for a closed deal not won; an open deal whose name
        says nothing (or says closed) goes to the open stage nearest its probability."""
        if outcome == WON:
            return self.won, "won_flag"
        if outcome == LOST:
            return self.lost, "closed_flag"
        open_stages = [s for s in self.stages if s.is_open]
        if probability is None or not open_stages:
            return None, "probability"
        return min(open_stages, key=lambda s: (abs(s.default_probability - probability), s.position)), "probability"

    def _add(self, name: str, key: str, *, row: Row, field: str, outcome: str | None,
             probability: int | None) -> Stage:
        name = name.strip()
        added = self.added.get(key)
        if added is None:
            if len(name) > 100:
                raise row.fail(field, "too_long", length=len(name), limit=100)
            like = self._by_keyword(key)
            outcome = outcome or (_outcome_of(like) if like is not None else OPEN)
            stage = Stage(name=name, position=len(self.stages) + len(self.added) + 1,
                          default_probability={WON: 100, LOST: 0}.get(outcome, 0),
                          is_open=outcome == OPEN, is_won=outcome == WON, is_lost=outcome == LOST)
            like_open = like is not None and like.is_open
            added = self.added[key] = _Added(stage, row, field,
                                             fallback_probability=like.default_probability if like_open else None)
            self.session.add(stage)
        elif outcome is not None and outcome != _outcome_of(added.stage):
            raise row.fail(field, "stage_use_differs", value=name, was=_outcome_of(added.stage), now=outcome,
                           first_row=added.row.number)
        if probability is not None:
            added.probabilities.append(probability)
        return self._count(name, added.stage, "added" if name == added.stage.name else "spelling")

    def check(self) -> list[ImportFailed]:
        """What only all records together show: an added open stage that nothing gives a probability.
        An importer collecting its problems calls this before writing; `finish` raises them otherwise."""
        return [a.row.fail(a.field, "stage_without_probability", value=a.stage.name)
                for a in self.added.values()
                if a.stage.is_open and not a.probabilities and a.fallback_probability is None]

    def finish(self, report: ReportBuilder, entity: str = "opportunities") -> None:
        """Give the added stages their probability and place, then report them and every mapping."""
        if self._finished:
            return
        self._finished = True
        problems = self.check()
        if problems:
            raise_problems(problems[0].params["file"], problems)
        order = list(self.stages)
        for added in sorted(self.added.values(), key=lambda a: (not a.stage.is_open, _probability(a), a.stage.name)):
            added.stage.default_probability = _probability(added)
            order.insert(_place(order, added.stage), added.stage)
        if self.added:
            for position, stage in enumerate(order, start=1):
                if stage.position != position:
                    stage.position = position
        deals: Counter[str] = Counter()
        for (_, stage_name, _), count in self.mapped.items():
            deals[stage_name] += count
        for added in sorted(self.added.values(), key=lambda a: a.stage.position):
            stage = added.stage
            report.note(entity, "stage_added", count=deals[stage.name], stage=stage.name, position=stage.position,
                        probability=stage.default_probability, outcome=_outcome_of(stage))
        positions = {s.name: s.position for s in order}
        for (given, stage_name, how), count in sorted(self.mapped.items(),
                                                       key=lambda item: (positions[item[0][1]], item[0][0])):
            if how not in ("exact", "added"):
                report.note(entity, "stage_mapped", count=count, given=given, stage=stage_name, how=how)


def _outcome(won: bool | None, closed: bool | None) -> str | None:
    """What a record says of its deal: won, lost (closed, not won), open (not closed), or nothing."""
    if won:
        return WON
    if closed is True:
        return LOST
    return OPEN if closed is False else None


def _outcome_of(stage: Stage) -> str:
    return WON if stage.is_won else LOST if stage.is_lost else OPEN


def _probability(added: _Added) -> int:
    """A won stage is 100%, a lost one 0%; an open one as its deals say (the middle value), else as
    the stage its name is like."""
    if not added.stage.is_open:
        return 100 if added.stage.is_won else 0
    if added.probabilities:
        return median_low(added.probabilities)
    return added.fallback_probability or 0


def _place(order: list[Stage], stage: Stage) -> int:
    """Where a new stage goes: an open one after the last open stage at most as likely (before the
    first open stage when none is), a won or lost one after the last stage of its kind (else last)."""
    if stage.is_open:
        open_at = [i for i, s in enumerate(order) if s.is_open]
        below = [i for i in open_at if order[i].default_probability <= stage.default_probability]
        return below[-1] + 1 if below else (open_at[0] if open_at else 0)
    kind = [i for i, s in enumerate(order) if _outcome_of(s) == _outcome_of(stage)]
    return kind[-1] + 1 if kind else len(order)
