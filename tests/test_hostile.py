"""Hostile input: every bad file is rejected with a located message; good files are never lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .paths import RULES
from casebook.records.loader import Loaded, load_text
from casebook.records.validate import _record_problems, _schema_problems, validate_paths

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
GOOD = ["minimal-case", "other-case"]


def test_the_corpus_is_large_enough():
    assert len(EXPECTED) >= 40
    assert sorted(EXPECTED) == sorted(p.name for p in HOSTILE.glob("*.yaml") if p.name != "expected.yaml")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_rejected_with_file_line_and_field(cases, name):
    shutil.copy(HOSTILE / name, cases.root / name)
    result = validate_paths([cases.root], RULES)
    mine = [p for p in result.problems if p.file.endswith("/" + name)]
    want = EXPECTED[name]
    # the field itself, or a place inside it (deep nesting is reported where it happens)
    matching = [p for p in mine if (p.path == want["path"] or p.path.startswith(want["path"] + "[")) and want["words"] in p.message]
    assert matching, [str(p) for p in mine]
    assert all(p.line >= 1 and p.column >= 1 and str(p).startswith(f"{p.file}:{p.line}:{p.column}: ") for p in mine)
    assert sorted(f.data["id"] for f in result.valid) == GOOD


def test_huge_file_is_refused_unread(cases):
    path = cases.root / "huge.yaml"
    path.write_text("id: huge\nsummary: |\n" + ("  " + "很长的文字" * 40 + "\n") * 2000, encoding="utf-8")
    assert path.stat().st_size > 512 * 1024
    result = validate_paths([cases.root], RULES)
    assert [p.message[:4] for p in result.problems if p.file.endswith("huge.yaml")] == ["文件过大"]


def test_all_bad_files_at_once_in_bounded_time_and_memory(cases):
    for path in HOSTILE.glob("*.yaml"):
        if path.name != "expected.yaml":
            shutil.copy(path, cases.root / path.name)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
    run = subprocess.run(
        [sys.executable, "-c", limit + "from casebook.cli import main; raise SystemExit(main(['validate', %r]))" % str(cases.root)],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "Error" not in run.stderr
    reported = {line.split(":")[0] for line in run.stdout.splitlines() if ".yaml:" in line}
    assert {Path(f).name for f in reported} >= set(EXPECTED)
    assert not any(Path(f).stem in GOOD for f in reported)  # the good ones stay valid
    assert f"{len(GOOD)} 个通过" in run.stdout


# --- fuzzing: mutate a valid record; the validator must never raise ---------------------------

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal-case.yaml").read_text(encoding="utf-8")
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(record, path, value):
    target = record
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_records_give_valid_or_located_problems(data, tmp_path_factory):
    record = yaml.safe_load(MINIMAL)
    paths = [p for p in _paths(record) if p]
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        try:
            if data.draw(st.booleans()) and isinstance(path[-1], str):
                parent = record
                for part in path[:-1]:
                    parent = parent[part]
                parent.pop(path[-1], None)
            else:
                _set(record, path, data.draw(JUNK))
        except (KeyError, IndexError, TypeError):
            pass
        paths = [p for p in _paths(record) if p] or [("id",)]
    # the compiled fast check never lets through what jsonschema would reject
    if list(RULES.validator().iter_errors(record)):
        assert not RULES.fast_check()(record)
    text = yaml.safe_dump(record, allow_unicode=True)
    if data.draw(st.booleans()):  # and sometimes break the text itself
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.text(max_size=5)) + text[at:]
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "minimal-case.yaml").write_text(text, encoding="utf-8")
    result = validate_paths([folder], RULES)
    if result.problems:
        assert all(p.line >= 1 and p.column >= 1 and p.file.endswith("minimal-case.yaml") for p in result.problems)
        assert result.valid == []
    else:
        assert len(result.valid) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_read_without_raising(text):
    loaded = load_text(text, Loaded(Path("x.yaml"), "x.yaml"))
    if loaded.data is not None and not loaded.problems:
        _schema_problems(loaded, RULES)
        _record_problems(loaded, RULES)
