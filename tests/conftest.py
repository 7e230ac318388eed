from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Builds and commands started by the tests keep their caches outside the checkout.
os.environ.setdefault("CASEBOOK_CACHE", tempfile.mkdtemp(prefix="casebook-test-cache-"))

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = (FIXTURES / "minimal-case.yaml").read_text(encoding="utf-8")
# A title the schema refuses, for tests of the renderers' own escaping (set on a case in memory).
HOSTILE_TITLE = '<b onmouseover="window.__pwned=1">标题</b>注入'


def with_hostile_title(case):
    """The case with HOSTILE_TITLE: what a renderer must escape even if validation let it through."""
    from casebook.records.catalog import Case

    return Case(case.id, case.data | {"title": HOSTILE_TITLE}, case.source, case.digest)


class CaseDir:
    """A temporary cases/ folder with the minimal valid case and its related case."""

    def __init__(self, root: Path):
        self.root = root
        self.write("minimal-case", MINIMAL)
        other = (
            MINIMAL.replace("id: minimal-case", "id: other-case")
            .replace("related: [other-case]", "related: []")
            .replace("title: 测试用最小案例", "title: 另一个测试案例")
            .replace("aliases: [测试别名]", "aliases: [另一个别名]")
        )
        self.write("other-case", other)

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / f"{name}.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def variant(self, name: str, old: str, new: str) -> Path:
        """A copy of the minimal case with one substitution (old must occur)."""
        assert old in MINIMAL, old
        text = MINIMAL.replace(old, new, 1).replace("id: minimal-case", f"id: {name}", 1)
        # its own title, so that it is not also reported as a second copy of the minimal case
        text = text.replace("title: 测试用最小案例", f"title: 变体 {name}", 1).replace("aliases: [测试别名]", "aliases: []", 1)
        return self.write(name, text)


@pytest.fixture
def cases(tmp_path) -> CaseDir:
    folder = tmp_path / "cases"
    folder.mkdir()
    return CaseDir(folder)


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of a file containing needle."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# --- the built site, shared by the site and browser tests ---------------------------------

from .paths import CASES_DIR  # noqa: E402
from .site_support import CHROMIUM, CHROMIUM_ARGS, build_site, config_with_cases, require_browser, serve  # noqa: E402


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    result = build_site(target)
    assert result.returncode == 0, result.stderr
    return target, result.stderr


@pytest.fixture(scope="session")
def site_url(built_site):
    url, stop = serve(built_site[0])
    yield url
    stop()


@pytest.fixture(scope="session")
def parted_site(tmp_path_factory):
    """The served site with its search index built in several Pagefind runs, as a large site's is
    (about 150,000 characters of the real pages' text, in parts of 30,000); no PDFs. Served: its URL."""
    folder = tmp_path_factory.mktemp("parted")
    config = config_with_cases(folder, CASES_DIR, pdf=False, search_part_size=30000)
    result = build_site(folder / "site", config=config)
    assert result.returncode == 0, result.stderr
    url, stop = serve(folder / "site")
    yield folder / "site", url
    stop()


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory):
    target = tmp_path_factory.mktemp("offline")
    result = build_site(target, offline=True)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def requests_seen():
    """Every URL any test page asked for; checked at the end by test_no_request_leaves_the_host."""
    return []


@pytest.fixture
def page(browser, requests_seen):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.on("request", lambda r: requests_seen.append(r.url))
    yield pg
    context.close()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a missing browser or font must not pass unnoticed."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped:
        reporter.write_line(f"CI: {len(skipped)} 个测试被跳过（CI 中不允许跳过）", red=True)
        session.exitstatus = 1
