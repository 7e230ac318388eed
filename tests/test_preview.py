"""The editors' preview (`casebook serve`) in Chromium: a saved case shows at once, a broken file
shows its problems on the page being previewed, the page recovers when the file is fixed, and a
handout PDF is printed when it is opened."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import MINIMAL, CaseDir
from .paths import PROJECT_ROOT
from .site_support import config_with_cases


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_served(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the preview stopped"
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} not served within {timeout} s")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preview")
    (folder / "cases").mkdir()
    cases = CaseDir(folder / "cases")
    config = config_with_cases(folder, cases.root)
    port = _free_port()
    env = dict(os.environ, CASEBOOK_CACHE=str(folder / "cache"), NO_MKDOCS_2_WARNING="1")
    log = open(folder / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "casebook", "-f", str(config), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_served(url + "cases/minimal-case/", server)
        yield url, cases
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Building documentation")


def test_the_preview_builds_again_only_when_something_changes(preview):
    _, cases = preview
    folder = cases.root.parent  # the fixture's folder: mkdocs.yml, cases/, cache/ and the server's log
    log = folder / "serve.log"
    time.sleep(1)  # a build still under way from an earlier test may finish
    before = _builds(log)
    time.sleep(3)  # the server writes its log beside mkdocs.yml: that must not start a build
    assert _builds(log) == before, "the preview rebuilt with nothing changed"
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    deadline = time.monotonic() + 30
    while _builds(log) == before:  # an edit of the config file itself still does
        assert time.monotonic() < deadline, "an edit of mkdocs.yml did not rebuild the preview"
        time.sleep(0.2)


def test_a_saved_case_shows_in_the_open_page(page, preview):
    url, cases = preview
    page.goto(url + "cases/minimal-case/")
    assert "仅供测试使用的案例记录" in page.locator("article").inner_text()
    cases.write("minimal-case", MINIMAL.replace("仅供测试使用的案例记录。", "保存后立即可见的提要。"))
    # the page reloads itself (livereload); no navigation by the test
    page.locator("article", has_text="保存后立即可见的提要").wait_for(timeout=30_000)


def test_a_broken_file_shows_its_problems_on_its_page_and_recovers(page, preview):
    url, cases = preview
    page.goto(url + "cases/other-case/")
    good = (cases.root / "other-case.yaml").read_text(encoding="utf-8")
    cases.write("other-case", good.replace("level: 街道（乡镇）", "level: 街道"))
    problem = page.locator("article", has_text="校验未通过")
    problem.wait_for(timeout=30_000)
    text = page.locator("article").inner_text()
    assert "other-case.yaml:" in text and "level" in text and "不是词表《层级》中的术语" in text
    cases.write("other-case", good)
    page.locator("article h1", has_text="另一个测试案例").wait_for(timeout=30_000)
    assert "校验未通过" not in page.locator("article").inner_text()


def test_a_handout_is_printed_when_opened(preview):
    url, _ = preview
    with urllib.request.urlopen(url + "pdf/minimal-case-student.pdf", timeout=120) as response:
        body = response.read()
    assert body.startswith(b"%PDF") and len(body) > 10_000
