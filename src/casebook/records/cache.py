"""A cache of per-file validation results between builds, keyed by the file's bytes and the rules.

Used by the site build (`mkdocs serve` and repeated builds): an unchanged case file is not
parsed and checked again. Anything that could change a result (the schema folder, or the loader
and validator code) changes the key, which empties it. Entries are stored as JSON (never a format
that runs code when loaded), keyed by content only, so a moved project or another working
directory reads the same cache; writes are atomic, so two builds at once cannot corrupt it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .loader import Loaded

_CODE = ("loader.py", "yaml_errors.py", "validate.py", "rules.py", "problems.py")


def code_version() -> str:
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


class FileCache:
    def __init__(self, folder: Path, rules_version: str, autosave: bool = True):
        self.rules_version = rules_version
        self.autosave = autosave  # False: the owner saves (the preview, at the end of the session)
        self.path = folder / f"validate-{rules_version}-{code_version()}.json"
        self.entries: dict = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def get(self, path: Path, display: str, compute) -> Loaded:
        try:
            data = path.read_bytes()
        except OSError:
            return compute(path)
        # the shown name is part of the key: problems carry it
        key = hashlib.sha256(display.encode() + b"\0" + data).hexdigest()
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                return Loaded.from_json(path, entry)
            except (KeyError, TypeError, ValueError):
                pass  # an entry of another shape: compute it again
        loaded = compute(path)
        self.entries[key] = loaded.to_json()
        self.dirty = True
        return loaded

    def start_run(self) -> None:
        self.used = set()

    def save(self) -> None:
        """Write the entries of the last run only: older versions of edited files drop out, so the
        cache never holds more than the files of the last run."""
        if not self.dirty and self.used >= set(self.entries):
            return
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("validate-*"):
            if old != self.path and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)  # one version only: the cache stays bounded
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix="validate-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(self.entries, ensure_ascii=False, separators=(",", ":")))  # dumps: the C encoder
        os.replace(temp, self.path)
        self.dirty = False
