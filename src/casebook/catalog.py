"""The Catalog: every valid record, reverse links and the indexes the renderers need."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .validate import Result, validate_paths


@dataclass(frozen=True)
class Case:
    id: str
    data: dict
    source: str  # the YAML path as shown to editors, e.g. cases/ningbo-1n.yaml

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
    backlinks: dict[str, list[str]] = field(default_factory=dict)
    by_theme: dict[str, list[str]] = field(default_factory=dict)
    by_mechanism: dict[str, list[str]] = field(default_factory=dict)
    by_province: dict[str, list[str]] = field(default_factory=dict)
    by_level: dict[str, list[str]] = field(default_factory=dict)
    by_year: dict[int, list[str]] = field(default_factory=dict)
    show_drafts: bool = False  # the local preview shows drafts too, so editors can see them

    @classmethod
    def from_cases(cls, cases: list[Case]) -> "Catalog":
        catalog = cls({c.id: c for c in sorted(cases, key=lambda c: c.id)})
        backlinks = defaultdict(list)
        indexes = {name: defaultdict(list) for name in ("theme", "mechanism", "province", "level", "year")}
        for case in catalog.cases.values():
            for other in case.get("related", []):
                backlinks[other].append(case.id)
            for term in case["themes"]:
                indexes["theme"][term].append(case.id)
            for term in case.get("mechanisms", []):
                indexes["mechanism"][term].append(case.id)
            indexes["province"][case["location"]["province"]].append(case.id)
            indexes["level"][case["level"]].append(case.id)
            if case.start_year is not None:
                indexes["year"][case.start_year].append(case.id)
        catalog.backlinks = {k: sorted(v) for k, v in sorted(backlinks.items())}
        for name, index in indexes.items():
            setattr(catalog, f"by_{name}", {k: index[k] for k in sorted(index)})
        return catalog

    def related(self, case_id: str) -> list[str]:
        """Cases linked either way: typed in this record or pointing at it."""
        forward = self.cases[case_id].get("related", [])
        linked = set(forward) | set(self.backlinks.get(case_id, []))
        return sorted(other for other in linked if other in self.cases)

    @property
    def published(self) -> list[Case]:
        """The cases the site and the exports show."""
        return [c for c in self.cases.values() if c["status"] == "published" or self.show_drafts]


def load_catalog(paths: list[Path], cache=None) -> tuple[Catalog, Result]:
    """load → validate → catalog. The Catalog holds only records without problems."""
    result = validate_paths(paths, cache)
    cases = [Case(f.data["id"], f.data, f.display) for f in result.valid]
    return Catalog.from_cases(cases), result
