"""A cache of per-file results between builds, keyed by the file's bytes and the rules' version.

Used by the site build (`mkdocs serve` and repeated builds): an unchanged case file is not
parsed and checked again. Anything that could change a result (the schemas, vocabularies,
region table, or the loader and validator code) changes the rules' version, which empties it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from . import SCHEMA_DIR

_CODE = ("loader.py", "validate.py", "schema.py", "problems.py")


def rules_version() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(SCHEMA_DIR.rglob("*")) + [package / name for name in _CODE]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class FileCache:
    def __init__(self, folder: Path):
        self.path = folder / f"validate-{rules_version()}.pickle"
        self.entries: dict = {}
        self.dirty = False
        try:
            with open(self.path, "rb") as f:
                self.entries = pickle.load(f)  # our own file, written below
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            self.entries = {}

    def get(self, path: Path, compute):
        try:
            key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            return compute(path)
        if key not in self.entries:
            self.entries[key] = compute(path)
            self.dirty = True
        return self.entries[key]

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("validate-*.pickle"):
            if old != self.path:
                old.unlink(missing_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(self.entries, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, self.path)
        self.dirty = False
