"""Hostile input: nothing a record says can run, leak, crash or mislead.

The corpus in tests/hostile/ is grouped by kind (see expected.yaml): files the parser must refuse
(parser), syntax errors that must be explained in Chinese where an editor shows them (messages),
input that passes the parser but breaks a rule or would be skipped without a word (bad-input),
valid records whose text tries to become markup, a request or an attachment (output-safety), and
inputs of the tools that edit files (tools). Every input is checked by a test below.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.cli import main
from casebook.records.catalog import Case, load_catalog
from casebook.records.loader import Loaded, load_file, load_text
from casebook.records.validate import _record_problems, _schema_problems, validate_paths
from casebook.records.yaml_errors import FALLBACK, translate

from .conftest import MINIMAL, CaseDir
from .paths import PROJECT_ROOT, RULES

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
KINDS = ("output-safety", "parser", "messages", "bad-input", "tools")
REJECTED = ("parser", "messages", "bad-input")
GOOD = ["minimal-case", "other-case"]
# the parser's own English: a message that shows any of it was not translated
ENGLISH = re.compile(r"\b(while (scanning|parsing)|found|expected|could not|did not|not allowed|cannot)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


def entries(*kinds):
    return [(kind, name) for kind in kinds for name in sorted(EXPECTED[kind])]


def ids(items):
    return [f"{kind}/{name}" for kind, name in items]


def place(kind: str, name: str, folder: Path) -> Path:
    """Copy one corpus entry into folder as it is: a file, a folder, or a link (dangling or not)."""
    source, target = HOSTILE / kind / name, folder / name
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copyfile(source, target)
    return target


def test_the_corpus_is_grouped_by_kind_and_large_enough():
    assert sorted(EXPECTED) == sorted(KINDS)
    on_disk = {kind: sorted(p.name for p in (HOSTILE / kind).iterdir()) for kind in KINDS}
    assert {kind: sorted(EXPECTED[kind]) for kind in KINDS} == on_disk
    assert sum(len(EXPECTED[kind]) for kind in KINDS) >= 80
    assert all(len(EXPECTED[kind]) >= 10 for kind in KINDS)
    assert sorted(p.name for p in HOSTILE.iterdir() if p.is_file()) == ["expected.yaml"]


# --- parser, messages, bad input: refused with file, line, column, field and a Chinese message ----


@pytest.mark.parametrize("kind, name", entries(*REJECTED), ids=ids(entries(*REJECTED)))
def test_bad_input_is_refused_where_an_editor_shows_it(cases, kind, name):
    want = EXPECTED[kind][name]
    place(kind, name, cases.root)
    result = validate_paths([cases.root], RULES)
    mine = [p for p in result.problems if Path(p.file).stem not in GOOD]
    assert sorted(f.data["id"] for f in result.valid if f.data["id"] in GOOD) == GOOD  # never lost
    if want.get("valid"):
        assert mine == []
        loaded = next(f for f in result.valid if f.path.name == name)
        for key, value in want.get("data", {}).items():
            assert loaded.data[key] == value, key  # read as written, never converted
        return
    words = want["words"] if isinstance(want["words"], list) else [want["words"]]
    matching = [
        p
        for p in mine
        if (p.path == want["path"] or p.path.startswith(want["path"] + "[")) and all(w in p.message for w in words)
    ]
    assert matching, [str(p) for p in mine]
    if "line" in want:
        assert (matching[0].line, matching[0].column) == (want["line"], want["column"]), str(matching[0])
    for problem in mine:
        text = str(problem)
        assert text.startswith(f"{problem.file}:{problem.line}:{problem.column}: ") and problem.line >= 1 and problem.column >= 1
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text), text  # one line, nothing hidden
        assert CJK.search(problem.message) and not ENGLISH.search(problem.message), text
        assert (HOSTILE / kind / name).name in problem.file or kind == "bad-input" and name == "sub-folder"


def test_a_message_shows_invisible_characters_and_stays_on_one_line(cases):
    cases.variant("bidi-theme", "themes: [城市更新]", "themes: [城市\u202e更\u200b新]")
    cases.variant("newline-related", "related: [other-case]", 'related: ["other-case\\n"]')
    problems = [str(p) for p in validate_paths([cases.root], RULES).problems]
    assert any("“城市\\u202e更\\u200b新”不是词表《主题》中的术语" in p for p in problems)
    assert any("other-case\\n" in p for p in problems)
    assert all("\n" not in p and "\u202e" not in p for p in problems)


def test_a_linked_case_file_is_reported_under_the_links_name(cases, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "target-name.yaml"
    target.write_text(
        MINIMAL.replace("id: minimal-case", "id: linked-case").replace("themes: [城市更新]", "themes: [不存在]"), encoding="utf-8"
    )
    (cases.root / "linked-case.yaml").symlink_to(target)
    result = validate_paths([cases.root], RULES)
    mine = [p for p in result.problems if "themes" in p.path]
    assert [Path(p.file).name for p in mine] == ["linked-case.yaml"]  # the link's name, and its id rule holds
    assert all("target-name" not in str(p) for p in result.problems)
    assert main(["validate", str(cases.root / "linked-case.yaml")]) == 1


def test_files_that_would_be_skipped_are_reported_by_the_command_too(cases, capsys):
    for name in ("Upper.YAML", "other.yml", "notes.md"):
        (cases.root / name).write_text("id: x\n", encoding="utf-8")
    (cases.root / "old").mkdir()
    (cases.root / "old" / "case.yaml").write_text(MINIMAL, encoding="utf-8")
    (cases.root / "gone.yaml").symlink_to("nowhere.yaml")
    (cases.root / ".editor-swap.yaml.swp").write_text("x", encoding="utf-8")  # hidden: not a case file
    assert main(["validate", str(cases.root)]) == 1
    out = capsys.readouterr().out
    for name in ("Upper.YAML", "other.yml", "notes.md", "old/case.yaml", "gone.yaml"):
        assert f"{name}:1:1: " in out, name
    assert ".editor-swap" not in out
    # a named file is judged the same way: a file in a sub-folder of the project's cases/, a link to nothing
    from .site_support import config_with_cases

    config = str(config_with_cases(cases.root.parent, cases.root))
    assert main(["-f", config, "validate", str(cases.root / "old" / "case.yaml")]) == 1
    assert "old/case.yaml:1:1: 在子文件夹中" in capsys.readouterr().out
    assert main(["-f", config, "validate", str(cases.root / "gone.yaml")]) == 1
    assert "gone.yaml:1:1: 这是一个链接，指向的 nowhere.yaml 不存在" in capsys.readouterr().out


def test_huge_file_is_refused_unread(cases):
    path = cases.root / "huge.yaml"
    path.write_text("id: huge\nsummary: |\n" + ("  " + "很长的文字" * 40 + "\n") * 2000, encoding="utf-8")
    assert path.stat().st_size > 512 * 1024
    result = validate_paths([cases.root], RULES)
    assert [p.message[:4] for p in result.problems if p.file.endswith("huge.yaml")] == ["文件过大"]


def test_all_bad_files_at_once_in_bounded_time_and_memory(cases):
    refused = [(kind, name) for kind, name in entries(*REJECTED) if not EXPECTED[kind][name].get("valid")]
    for kind, name in refused:
        place(kind, name, cases.root)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            limit + f"from casebook.cli import main; raise SystemExit(main(['validate', {str(cases.root)!r}]))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "Error" not in run.stderr
    reported = {line.split(":")[0] for line in run.stdout.splitlines() if ":" in line}
    for _kind, name in refused:
        assert any(Path(f).name == name or f"/{name}/" in f for f in reported), name
    assert not any(Path(f).stem in GOOD for f in reported)  # the good ones stay valid


# --- the parser in bounded time -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "- " * 100_000 + "x\n",
        "id: x\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "id: x\ntitle: " + "{a: " * 60_000 + "\n",
        "? " * 100_000 + "x\n",
    ],
    ids=["block-list", "flow-list", "flow-mapping-unclosed", "complex-keys"],
)
def test_nesting_a_hundred_thousand_levels_deep_is_refused_quickly(tmp_path, text):
    """In a process of its own: a parser that recursed would crash it (C stack) or raise RecursionError."""
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "casebook", "validate", str(tmp_path / "deep.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    assert time.monotonic() - started < 20
    assert re.search(r"deep\.yaml:1:\d+: |deep\.yaml:2:\d+: ", run.stdout)
    assert "嵌套层数超过" in run.stdout or "复杂键" in run.stdout
    assert "Traceback" not in run.stderr


def _seconds(text: str, tmp_path: Path, runs: int) -> float:
    folder = tmp_path / f"t{len(text)}"
    folder.mkdir(exist_ok=True)
    (folder / "minimal-case.yaml").write_text(text, encoding="utf-8")
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        validate_paths([folder], RULES)
        best = min(best, time.perf_counter() - started)
    return best


LARGE = {
    # items that do not sort (numbers mixed with text, mappings): jsonschema compared every pair
    "mixed-aliases": lambda n: MINIMAL.replace(
        "aliases: [测试别名]", "aliases: [" + ", ".join(str(i) if i % 2 else f"s{i}" for i in range(n)) + "]"
    ),
    "mapping-aliases": lambda n: MINIMAL.replace(
        "aliases: [测试别名]", "aliases: [" + ", ".join(f"{{k{i}: 1}}" for i in range(n)) + "]"
    ),
    "keywords": lambda n: MINIMAL.replace(
        "keywords: [测试, 校验, 样例]", "keywords: [" + ", ".join(f"词{i}" for i in range(n)) + "]"
    ),
    "unknown-themes": lambda n: MINIMAL.replace("themes: [城市更新]", "themes: [" + ", ".join(f"t{i}" for i in range(n)) + "]"),
}


@pytest.mark.parametrize("shape", sorted(LARGE))
def test_large_flow_collections_validate_in_linear_time(tmp_path, shape):
    """20,000 items take about ten times as long as 2,000 (quadratic would be a hundred times)."""
    small = _seconds(LARGE[shape](2_000), tmp_path, runs=3)
    large = _seconds(LARGE[shape](20_000), tmp_path, runs=1)
    assert large < 30 * max(small, 0.01), (small, large)


# --- comments are no content ------------------------------------------------------------------------

NOISE = "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{ &a *a !!python/object:os.system \"' | > % @ ` --- ... \t\u3000"


def test_comments_never_affect_a_check(cases):
    lines = MINIMAL.splitlines()
    noisy = "\n".join(f"{line}  {NOISE}" if ": " in line and not line.startswith("#") else line for line in lines) + "\n"
    noisy_with_lines = "\n".join(f"{NOISE}\n{line}" for line in lines) + "\n"
    clean = load_text(MINIMAL, Loaded(Path("x.yaml"), "x.yaml"))
    for text in (noisy, noisy_with_lines):
        again = load_text(text, Loaded(Path("x.yaml"), "x.yaml"))
        assert again.problems == [] and again.data == clean.data
    # a broken record with comments on its lines: the same problems, at the same places
    broken = MINIMAL.replace("themes: [城市更新]", "themes: [城市美化]").replace("value: 32", 'value: "32"')
    cases.write("minimal-case", broken)
    before = [str(p) for p in validate_paths([cases.root], RULES).problems]
    cases.write(
        "minimal-case",
        "\n".join(f"{line}  {NOISE}" if ": " in line and not line.startswith("#") else line for line in broken.splitlines())
        + "\n",
    )
    assert [str(p) for p in validate_paths([cases.root], RULES).problems] == before and len(before) == 2


# --- syntax errors in Chinese -------------------------------------------------------------------------

# Every problem LibYAML's scanner and parser can report (the strings in PyYAML's _yaml extension),
# with the context it reports it in.
LIBYAML = [
    (None, "mapping values are not allowed in this context"),
    (None, "block sequence entries are not allowed in this context"),
    (None, "mapping keys are not allowed in this context"),
    ("while scanning a simple key", "could not find expected ':'"),
    ("while scanning a plain scalar", "found unexpected ':'"),
    ("while parsing a block mapping", "did not find expected key"),
    ("while parsing a block collection", "did not find expected '-' indicator"),
    ("while parsing a flow sequence", "did not find expected ',' or ']'"),
    ("while parsing a flow mapping", "did not find expected ',' or '}'"),
    ("while parsing a node", "did not find expected node content"),
    ("while parsing a flow node", "did not find expected node content"),
    ("while parsing a block node", "did not find expected node content"),
    (None, "did not find expected <document start>"),
    ("while scanning a quoted scalar", "found unexpected end of stream"),
    ("while scanning a quoted scalar", "found unexpected document indicator"),
    ("while parsing a quoted scalar", "found unknown escape character"),
    ("while parsing a quoted scalar", "did not find expected hexdecimal number"),
    ("while parsing a quoted scalar", "found invalid Unicode character escape code"),
    ("while scanning for the next token", "found character that cannot start any token"),
    ("while scanning a plain scalar", "found a tab character that violates indentation"),
    ("while scanning a block scalar", "found a tab character where an indentation space is expected"),
    ("while scanning a block scalar", "found an indentation indicator equal to 0"),
    ("while scanning a block scalar", "did not find expected comment or line break"),
    ("while scanning an anchor", "did not find expected alphabetic or numeric character"),
    ("while scanning an alias", "did not find expected alphabetic or numeric character"),
    ("while scanning a tag", "did not find the expected '>'"),
    ("while parsing a tag", "did not find expected tag URI"),
    ("while parsing a tag", "did not find URI escaped octet"),
    ("while parsing a tag", "found an incorrect leading UTF-8 octet"),
    ("while parsing a tag", "found an incorrect trailing UTF-8 octet"),
    ("while scanning a tag", "did not find expected whitespace or line break"),
    ("while parsing a node", "found undefined tag handle"),
    (None, "found duplicate %YAML directive"),
    (None, "found incompatible YAML document"),
    (None, "found duplicate %TAG directive"),
    ("while scanning a %YAML directive", "did not find expected version number"),
    ("while scanning a %YAML directive", "did not find expected digit or '.' character"),
    ("while scanning a %YAML directive", "found extremely long version number"),
    ("while scanning a directive", "could not find expected directive name"),
    ("while scanning a directive", "found unexpected non-alphabetical character"),
    ("while scanning a directive", "did not find expected comment or line break"),
    ("while scanning a %TAG directive", "did not find expected whitespace"),
    ("while scanning a tag directive", "did not find expected '!'"),
    ("while parsing a tag directive", "did not find expected '!'"),
    (None, "control characters are not allowed"),
    (None, "invalid leading UTF-8 octet"),
    (None, "invalid trailing UTF-8 octet"),
    (None, "incomplete UTF-8 octet sequence"),
    (None, "invalid length of a UTF-8 sequence"),
    (None, "invalid Unicode character"),
    (None, "input is too long"),
    (None, "found undefined alias"),
    (None, "found duplicate anchor; first occurrence"),
    (None, "expected a single document in the stream"),
]


@pytest.mark.parametrize("context, problem", LIBYAML, ids=[p for _, p in LIBYAML])
def test_every_parser_error_has_a_chinese_explanation(context, problem):
    found = translate(context, problem)
    assert found is not None
    assert CJK.search(found[0]) and not ENGLISH.search(found[0])


def test_the_pure_python_parser_is_explained_too(monkeypatch):
    """Without LibYAML, PyYAML's own parser words its errors differently: still no fallback."""
    import casebook.records.loader as loader

    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    for name in sorted(EXPECTED["messages"]):
        problems = load_file(HOSTILE / "messages" / name).problems
        assert problems and all(FALLBACK not in p.message and not ENGLISH.search(p.message) for p in problems), name


# --- fuzzing: mutate a valid record; the validator must never raise -----------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
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
        assert all(CJK.search(p.message) and not ENGLISH.search(p.message) for p in result.problems)
        assert result.valid == []
    else:
        assert len(result.valid) == 1


def _numbers(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet="0123456789.eE+-_:xXoO~naifNIF\n []{},", max_size=40).map(lambda t: "a: " + t))
def test_any_text_is_read_without_raising(text):
    loaded = load_text(text, Loaded(Path("x.yaml"), "x.yaml"))
    assert all(CJK.search(p.message) and not ENGLISH.search(p.message) for p in loaded.problems)
    assert all(math.isfinite(x) for x in _numbers(loaded.data))  # JSON has no NaN or Infinity
    if loaded.data is not None and not loaded.problems:
        _schema_problems(loaded, RULES)
        _record_problems(loaded, RULES)


# --- output safety: text stays text on the site and in the PDF, and the PDF fetches nothing -----------

FORBIDDEN_TAGS = {"script", "style", "img", "iframe", "object", "embed", "svg", "link", "form", "input", "base", "meta", "image"}


class _Page(HTMLParser):
    """What a browser (or WeasyPrint) would act on: tags, attributes, table shapes, visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text, self.rows = [], [], [], []
        self._row = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        if tag == "tr":
            self._row = 0
        elif tag in ("td", "th") and self._row is not None:
            self._row += 1

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)


def _read(html_text: str) -> _Page:
    page = _Page()
    page.feed(html_text)
    return page


def _assert_inert(page: _Page, allowed_tags=frozenset(), where=""):
    assert not (set(page.tags) & FORBIDDEN_TAGS - allowed_tags), where
    for tag, name, value in page.attributes:
        assert not name.startswith("on") and name not in ("style", "src", "srcset", "data", "action", "formaction"), (
            where,
            tag,
            name,
        )
        assert not (name == "rel" and "attachment" in value), where
        if name == "href":
            assert re.match(r"(#|https?://|[^:]*$)", value) and not value.lower().startswith(("javascript:", "data:", "file:")), (
                where,
                value,
            )


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("output-safety") / "cases"
    folder.mkdir()
    CaseDir(folder)
    for name in EXPECTED["output-safety"]:
        place("output-safety", name, folder)
    catalog, result = load_catalog([folder], RULES)
    assert [str(p) for p in result.problems] == []  # valid records, every one
    from casebook.web.pages import render_site

    return catalog, render_site(catalog, {"terms": [], "references": []})


def _site_html(markdown_text: str) -> tuple[dict, str]:
    """The page as MkDocs makes it: front matter, then Markdown with the site's extensions, sanitised."""
    from casebook.web.sanitize import sanitize

    match = re.match(r"---\n(.*?)\n---\n", markdown_text, re.S)
    meta = yaml.safe_load(match.group(1)) if match else {}
    body = markdown.markdown(
        markdown_text[match.end() if match else 0 :], extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"]
    )
    return meta, sanitize(body)


@pytest.mark.parametrize("name", sorted(EXPECTED["output-safety"]))
def test_record_text_stays_text_on_the_site_and_in_the_pdf(hostile_library, name):
    from casebook.pdf.render import render_html

    catalog, pages = hostile_library
    case = catalog.cases[Path(name).stem]
    want = EXPECTED["output-safety"][name]
    meta, page_html = _site_html(pages[f"cases/{case.id}.md"])
    assert meta["title"] == case["title"]  # the front matter holds the title as text
    page = _read(page_html)
    _assert_inert(page, where=name)
    shown = re.sub(r"\s+", " ", "".join(page.text))
    for text in want.get("shown", []):
        assert text in shown, text
    # every table row has as many cells as the table's head: no | or line break made another cell
    _assert_tables_keep_their_shape(page_html, name)
    # the index pages list the title as text as well
    for index in ("themes.md", "index.md", "handouts.md"):
        _, index_html = _site_html(pages[index])
        _assert_inert(_read(index_html), where=f"{name} in {index}")
        _assert_tables_keep_their_shape(index_html, f"{name} in {index}")
    document = render_html([case], RULES, "teacher")
    printed = _read(document)
    _assert_inert(printed, allowed_tags={"style", "meta"}, where=f"{name} (PDF)")
    assert printed.tags.count("style") == 1 and printed.tags.count("meta") == 7  # the template's own, no more
    head_title = re.search(r"<title>(.*?)</title>", document, re.S).group(1)
    assert html.unescape(head_title) == f"{case['title']}（教师版）"
    keywords = next(v for tag, name_, v in printed.attributes if tag == "meta" and name_ == "content" and v.startswith("测试"))
    assert keywords == ", ".join(case["keywords"])  # an attribute value that stayed one


def _assert_tables_keep_their_shape(page_html: str, where: str):
    for table in re.findall(r"<table>.*?</table>", page_html, re.S):
        rows = _read(table).rows
        assert len(set(rows)) == 1, (where, rows)


def test_pdfs_of_hostile_records_fetch_nothing_and_embed_nothing(hostile_library, tmp_path):
    from pypdf import PdfReader

    from casebook.pdf.render import own_files, render_html, write_pdf
    from casebook.records.packs import Pack

    from .test_pdf import require_fonts

    require_fonts()
    catalog, _ = hostile_library
    hostile = [catalog.cases[Path(name).stem] for name in sorted(EXPECTED["output-safety"])]
    pack = Pack(title="敌意输入", lecturer="<link rel=attachment href=file:///etc/passwd>", cases=tuple(c.id for c in hostile))
    fetcher = own_files()
    write_pdf(render_html(hostile, RULES, "teacher", pack), tmp_path / "pack.pdf", fetcher=fetcher)
    assert fetcher.asked == []  # WeasyPrint was asked for nothing at all
    reader = PdfReader(tmp_path / "pack.pdf")
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    for page in reader.pages:
        assert not any(a.get_object().get("/Subtype") == "/FileAttachment" for a in page.get("/Annots") or [])
        assert not (page["/Resources"].get("/XObject") or {})  # no image came in
    # the title is metadata text, not markup
    # titles with markup are refused by the schema (bad-input); the template must still escape one
    markup = yaml.safe_load((HOSTILE / "bad-input" / "title-closes-the-head.yaml").read_text(encoding="utf-8"))
    some_case = next(iter(catalog.cases.values()))
    title_case = Case(some_case.id, some_case.data | {"title": markup["title"]}, some_case.source)
    single = own_files()
    write_pdf(render_html([title_case], RULES, "student"), tmp_path / "title.pdf", fetcher=single)
    assert single.asked == []
    assert PdfReader(tmp_path / "title.pdf").metadata.title == f"{title_case['title']}（学员版）"


def test_the_export_is_valid_json_whatever_the_numbers(cases):
    from casebook.export import export_files

    for value in ("1.7976931348623157e308", "-0", "0.1", "1e-400", "123456789012345678901234567890"):
        cases.write("minimal-case", MINIMAL.replace("value: 32", f"value: {value}"))
        catalog, result = load_catalog([cases.root], RULES)
        assert result.problems == [], value

        def refuse(constant):
            raise AssertionError(f"{constant} is not JSON")

        records = json.loads(export_files(catalog)["cases.json"], parse_constant=refuse)
        assert {r["id"] for r in records} == set(GOOD)
    for value in ("1.0e999", "-1e999", "!!float .inf", "!!float .nan"):
        cases.write("minimal-case", MINIMAL.replace("value: 32", f"value: {value}"))
        assert [p.path for p in validate_paths([cases.root], RULES).problems] == ["outcomes[0].value"], value


def test_glossary_terms_stay_text_on_the_glossary_page():
    from casebook.web.pages import render_glossary

    glossary = {
        "terms": [
            {"term": "[术语](https://evil.example/)", "en": "*<b>x</b>*", "aliases": ["别|名"], "definition": "定义[^r1]。"}
        ],
        "references": [{"id": "r1", "type": "Z", "title": "<script>x</script>文献"}],
    }
    _, page_html = _site_html(render_glossary(glossary))
    page = _read(page_html)
    _assert_inert(page, where="glossary")
    shown = "".join(page.text)
    assert "[术语](https://evil.example/)" in shown and "<b>x</b>" in shown and "<script>x</script>文献" in shown


# --- tools: fmt keeps what it does not own; new quotes what it writes ---------------------------------


def _comment_lines(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.lstrip().startswith("#"))


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED["tools"] if EXPECTED["tools"][n]["tool"] == "fmt"))
def test_fmt_keeps_what_it_does_not_own(tmp_path, capsys, name):
    want = EXPECTED["tools"][name]
    folder = tmp_path / "cases"
    folder.mkdir()
    path = place("tools", name, folder)
    if want.get("link"):  # the case file is a link to a file elsewhere
        (tmp_path / "real").mkdir()
        target = tmp_path / "real" / name
        path.rename(target)
        path.symlink_to(os.path.relpath(target, folder))
    if "mode" in want:
        os.chmod(path, int(want["mode"], 8))
    real = path.resolve()
    before_bytes = real.read_bytes()
    before = load_file(path)
    status = main(["fmt", str(path)])
    err = capsys.readouterr().err
    assert status == want["exit"], err
    if want["exit"] != 0:
        assert real.read_bytes() == before_bytes  # nothing written
        assert CJK.search(err) and "Traceback" not in err
        return
    after_bytes = real.read_bytes()
    assert after_bytes != before_bytes
    text = after_bytes.decode("utf-8-sig")
    assert load_file(path).data == before.data
    assert _comment_lines(text) == _comment_lines(before_bytes.decode("utf-8-sig"))
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    for i, line in enumerate(lines):  # a comment about a key stays right above that key
        about = re.match(r"\s*# 关于 (\w+)", line)
        if about:
            following = next(l for l in lines[i + 1 :] if not l.lstrip().startswith("#"))
            assert re.match(rf"\s*(- )?{about.group(1)}:", following), (line, following)
    if "关于 status" in text:
        assert re.search(r"^status: published +# 行尾注释留在行尾$", text, re.M)
        assert lines[-2] == "# 文件末尾的注释"
    if "mode" in want:
        assert oct(os.stat(path).st_mode & 0o777) == oct(int(want["mode"], 8))
    if want.get("link"):
        assert path.is_symlink() and path.resolve() == real
    if "newline" in want:
        assert text.count("\n") == text.count(want["newline"]) > 10
    if want.get("bom"):
        assert after_bytes.startswith(b"\xef\xbb\xbf")
    for quoted in want.get("quoted", []):
        assert quoted in text
    assert main(["fmt", "--check", str(path)]) == 0  # once is enough
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED["tools"] if EXPECTED["tools"][n]["tool"] == "new"))
def test_new_writes_every_title_so_it_reads_back_as_typed(tmp_path, name):
    title = yaml.safe_load((HOSTILE / "tools" / name).read_text(encoding="utf-8"))["title"]
    args = [
        "new",
        "hostile-title",
        "--title",
        title,
        "--province",
        "广东省",
        "--city",
        "广州市",
        "--county",
        "越秀区",
        "--level",
        "街道（乡镇）",
        "--dir",
        str(tmp_path),
    ]
    assert main(args) == 0
    loaded = load_file(tmp_path / "hostile-title.yaml")
    assert loaded.problems == []
    assert loaded.data["title"] == title
    assert loaded.data["location"]["county"] == "越秀区" and loaded.data["level"] == "街道（乡镇）"
