"""Caches stay bounded and never outlive their use."""

from __future__ import annotations

import os
import time

from casebook.pdf.render import prune_cache
from casebook.records.cache import FileCache

from .paths import RULES


def test_pdf_cache_keeps_the_most_recently_used_under_its_limit(tmp_path):
    for i in range(5):
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(b"%PDF" + b"x" * 996)
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))  # 4 is the newest
    prune_cache(tmp_path, limit=2500)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["3.pdf", "4.pdf"]


def test_validation_cache_keeps_only_the_files_of_the_last_run(tmp_path, cases):
    cache = FileCache(tmp_path, RULES.version)
    from casebook.records.validate import validate_paths

    validate_paths([cases.root], RULES, cache)
    first = len(FileCache(tmp_path, RULES.version).entries)
    for i in range(3):  # three saved versions of one file
        cases.write("minimal-case", (cases.root / "minimal-case.yaml").read_text(encoding="utf-8") + f"# 第 {i} 次修改\n")
        validate_paths([cases.root], RULES, FileCache(tmp_path, RULES.version))
    assert len(FileCache(tmp_path, RULES.version).entries) == first == 2
    assert len(list(tmp_path.glob("validate-*.json"))) == 1  # one rules version, one file
