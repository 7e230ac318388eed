"""Lecture packs: a YAML list of cases with a title, checked against the pack schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog
from .validate import validate_pack


class PackError(Exception):
    """A pack that cannot be used, with the validator's problems."""


@dataclass(frozen=True)
class Pack:
    title: str
    lecturer: str
    cases: tuple[str, ...]
    edition: str = "student"
    subtitle: str | None = None
    date: str | None = None
    source: str = ""


def load_pack(path: Path, catalog: Catalog) -> Pack:
    data, problems = validate_pack(path, catalog.rules, {c.id for c in catalog.published})
    if problems:
        raise PackError("讲义合集有问题：\n" + "\n".join(str(p) for p in problems))
    assert data is not None  # a pack without problems has been read
    return Pack(
        title=data["title"],
        lecturer=data["lecturer"],
        cases=tuple(data["cases"]),
        edition=data.get("edition", "student"),
        subtitle=data.get("subtitle"),
        date=data.get("date"),
        source=str(path),
    )


def pack_paths(lectures_dir: Path) -> list[Path]:
    return sorted(lectures_dir.glob("*.yaml")) if lectures_dir.is_dir() else []
