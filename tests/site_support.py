"""Building the real site with the real MkDocs, serving it on 127.0.0.1, and a real Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .paths import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_site(
    target: Path, offline: bool = False, config: Path | None = None, cache: Path | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if cache:  # a cache of its own: nothing (PDFs, validation results) is reused from another build
        env["CASEBOOK_CACHE"] = str(cache)
    if offline:
        env["OFFLINE"] = "true"
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)]
    if config:
        cmd += ["-f", str(config)]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    """Serve a folder on 127.0.0.1 on a free port; returns (base_url, stop)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server.shutdown


def require_browser():
    """In CI a missing browser is a failure; on a developer's machine the test is skipped with the reason."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def have(command: str) -> bool:
    return shutil.which(command) is not None


def config_with_cases(folder: Path, cases: Path, pdf: bool = True, search_part_size: int | None = None) -> Path:
    """A copy of mkdocs.yml, written in folder, that builds the site from another cases folder (with
    or without its PDFs, and with the search index in parts of another size)."""
    text = (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {PROJECT_ROOT / 'docs'}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {PROJECT_ROOT / 'overrides'}")
    text = text.replace("cases_dir: !ENV [CASEBOOK_CASES, cases]", f"cases_dir: {cases}")
    text = text.replace("lectures_dir: !ENV [CASEBOOK_LECTURES, docs/lectures]", f"lectures_dir: {folder / 'no-lectures'}")
    text = text.replace(
        "      pdf: !ENV",
        f"      schemas_dir: {PROJECT_ROOT / 'schemas'}\n      contributing: {PROJECT_ROOT / 'CONTRIBUTING.md'}\n      pdf: !ENV",
    )
    if not pdf:
        text = text.replace("pdf: !ENV [CASEBOOK_PDF, true]", "pdf: false")
    if search_part_size:
        text = text.replace("      pdf:", f"      search_part_size: {search_part_size}\n      pdf:")
    config = folder / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def header_search(page, query: str) -> list[str]:
    """Type a query into the search box of the page's header; the case ids of the results, in order."""
    box = page.locator(".cb-search__input")
    box.fill("")
    box.click()
    page.keyboard.type(query)
    # the panel says which query its results answer (typing sends one input event a key)
    page.wait_for_function("q => document.getElementById('cb-search-results')?.dataset.shown === q", arg=query)
    return case_ids(page.eval_on_selector_all(".cb-search__results a", "els => els.map(e => e.getAttribute('href'))"))


def case_ids(hrefs: list[str]) -> list[str]:
    ids = []
    for href in hrefs:
        path = unquote(urlparse(href).path)
        if "/cases/" in path:
            case_id = path.split("/cases/")[1].strip("/").removesuffix(".html")
            if case_id not in ids:
                ids.append(case_id)
    return ids


def serious_accessibility_violations(page) -> list:
    """What axe finds on the page as it is now, serious or critical only."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def top_cases(page, queries: list[str], limit: int = 3) -> dict[str, list[str]]:
    """Each query's case results (ids, in order) from the search the header box uses."""
    found = page.evaluate(
        """async ([queries, limit]) => {
            const out = {};
            for (const q of queries) {
                const r = await window.casebookSearch.search(q, limit);
                out[q] = r.results.filter(x => x.kind === "case").map(x => x.url);
            }
            return out;
        }""",
        [queries, limit],
    )
    return {q: case_ids(["/" + u for u in urls]) for q, urls in found.items()}
