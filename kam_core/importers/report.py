"""What an import did: per entity created / updated / unchanged / skipped, and
every skip, data fix-up and notice with its reason and how often it applied.

Reasons are codes with parameters; their wording is a macro each in
templates/import_reasons.j2.
"""

from typing import Any

from pydantic import BaseModel, Field

from kam_core.enums import Tier
from kam_core.tiers.schemas import RecomputeReport

MAX_EXAMPLES = 3


class Issue(BaseModel):
    entity: str
    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    count: int = 0
    examples: list[str] = Field(default_factory=list)


class EntityCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated


class ImportReport(BaseModel):
    kind: str
    source: str
    entities: dict[str, EntityCounts]
    skips: list[Issue]
    fixes: list[Issue]
    notes: list[Issue]
    tiers: dict[Tier, int] | None = None
    # What the recompute after the import did to tiers (moves, overrides kept): kam_core.tiers.
    tier_moves: RecomputeReport | None = None

    def issue(self, kind: str, code: str) -> Issue | None:
        """The skip, fix or note with this reason code (tests and callers look them up)."""
        return next((i for i in getattr(self, kind) if i.code == code), None)


_RANK = {"unchanged": 0, "updated": 1, "created": 2}


class ReportBuilder:
    """Collects outcomes while an importer runs.

    An object touched twice in one run (say created, then given its parent in a
    second pass) counts once, by its strongest outcome.
    """

    def __init__(self, kind: str, source: str, entities: list[str]) -> None:
        self.kind, self.source = kind, source
        self._outcomes: dict[str, dict[Any, str]] = {e: {} for e in entities}
        self._skipped: dict[str, int] = dict.fromkeys(entities, 0)
        self._issues: dict[str, dict[tuple, Issue]] = {"skips": {}, "fixes": {}, "notes": {}}

    def outcome(self, entity: str, key: Any, status: str) -> None:
        seen = self._outcomes[entity].get(key)
        if seen is None or _RANK[status] > _RANK[seen]:
            self._outcomes[entity][key] = status

    def changed(self, entity: str, key: Any, *, created: bool, changed: bool) -> None:
        self.outcome(entity, key, "created" if created else "updated" if changed else "unchanged")

    def skip(self, entity: str, code: str, example: str | None = None, **params: Any) -> None:
        self._skipped[entity] += 1
        self._add("skips", entity, code, example, params)

    def fix(self, entity: str, code: str, example: str | None = None, **params: Any) -> None:
        self._add("fixes", entity, code, example, params)

    def note(self, entity: str, code: str, example: str | None = None, count: int = 1, **params: Any) -> None:
        self._add("notes", entity, code, example, params, count)

    def _add(self, kind: str, entity: str, code: str, example: str | None, params: dict, count: int = 1) -> None:
        key = (entity, code, tuple(sorted((k, str(v)) for k, v in params.items())))
        issue = self._issues[kind].setdefault(key, Issue(entity=entity, code=code, params=params))
        issue.count += count
        if example and example not in issue.examples and len(issue.examples) < MAX_EXAMPLES:
            issue.examples.append(example)

    def counts(self) -> dict[str, EntityCounts]:
        result = {}
        for entity, outcomes in self._outcomes.items():
            counts = EntityCounts(skipped=self._skipped[entity])
            for status in outcomes.values():
                setattr(counts, status, getattr(counts, status) + 1)
            result[entity] = counts
        return result

    def build(self, tiers: dict[Tier, int] | None = None) -> ImportReport:
        return ImportReport(kind=self.kind, source=self.source, entities=self.counts(),
                            skips=list(self._issues["skips"].values()), fixes=list(self._issues["fixes"].values()),
                            notes=list(self._issues["notes"].values()), tiers=tiers)
