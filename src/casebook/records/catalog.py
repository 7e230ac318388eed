"""The Catalog: every valid record, reverse links and the facet indexes the renderers need.

Renderers read only the Catalog (and the Rules it carries): they never open a file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .cache import FileCache
from .rules import Rules
from .validate import Result, validate_paths


@dataclass(frozen=True)
class Case:
    id: str
    data: dict
    source: str  # the YAML path as shown to editors, e.g. cases/ningbo-1n.yaml
    digest: str = ""  # of the file's bytes

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)

    @property
    def start_year(self) -> int | None:
        start = (self.data.get("period") or {}).get("start")
        return int(start[:4]) if start else None


@dataclass
class Catalog:
    cases: dict[str, Case]  # by id, sorted
    rules: Rules
    backlinks: dict[str, list[str]] = field(default_factory=dict)
    indexes: dict[str, dict] = field(default_factory=dict)  # facet name → value → case ids
    show_drafts: bool = False  # the local preview shows drafts too, so editors can see them

    @classmethod
    def from_cases(cls, cases: list[Case], rules: Rules, show_drafts: bool = False) -> Catalog:
        catalog = cls({c.id: c for c in sorted(cases, key=lambda c: c.id)}, rules, show_drafts=show_drafts)
        shown = {c.id for c in catalog.published}
        backlinks = defaultdict(list)
        indexes: dict[str, dict] = {facet.name: defaultdict(list) for facet in rules.facets}
        for case in catalog.cases.values():
            for other in case.get("related", []):
                if case.id in shown:  # a draft's links are not shown, so they make no backlink
                    backlinks[other].append(case.id)
            if case.id not in shown:
                continue
            for facet in rules.facets:
                for value in facet.values(case.data):
                    indexes[facet.name][value].append(case.id)
        catalog.backlinks = {k: sorted(v) for k, v in sorted(backlinks.items())}
        catalog.indexes = {name: {k: index[k] for k in sorted(index)} for name, index in indexes.items()}
        return catalog

    def index(self, facet: str) -> dict:
        """value → ids of the shown cases with that value, values sorted."""
        return self.indexes[facet]

    def related(self, case_id: str) -> list[str]:
        """Shown cases linked either way: typed in this record or pointing at it."""
        forward = self.cases[case_id].get("related", [])
        linked = set(forward) | set(self.backlinks.get(case_id, []))
        return sorted(other for other in linked if other in self.cases and self.is_shown(other))

    def is_shown(self, case_id: str) -> bool:
        return self.show_drafts or self.cases[case_id]["status"] == "published"

    @property
    def published(self) -> list[Case]:
        """The cases the site and the exports show."""
        return [c for c in self.cases.values() if self.is_shown(c.id)]


def load_catalog(
    paths: list[Path], rules: Rules, cache: FileCache | None = None, show_drafts: bool = False
) -> tuple[Catalog, Result]:
    """load → validate → catalog. The Catalog holds only records without problems."""
    result = validate_paths(paths, rules, cache)
    cases = [Case(f.data["id"], f.data, f.display, f.digest) for f in result.valid]
    for loaded in result.valid:  # positions are read again only if a problem needs one
        loaded.positions, loaded.key_positions, loaded.positioned = {}, {}, False
    return Catalog.from_cases(cases, rules, show_drafts), result
