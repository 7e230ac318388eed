"""The synthetic corpus validates, and a site built from it keeps every page small."""

from __future__ import annotations

import os
import re
import sys

import pytest

from casebook.records.validate import validate_paths

from .paths import CASES_DIR, PROJECT_ROOT, RULES
from .site_support import build_site, config_with_cases, serious_accessibility_violations, serve

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

PAGE_LIMIT = 80 * 1024  # bytes of HTML per page, at any size of the library


def test_generator_output_validates_and_is_repeatable(tmp_path):
    first = write_corpus(50, tmp_path / "a", seed=3)
    again = write_corpus(50, tmp_path / "b", seed=3)
    assert [p.read_text(encoding="utf-8") for p in first] == [p.read_text(encoding="utf-8") for p in again]
    result = validate_paths([tmp_path / "a"], RULES)
    assert [str(p) for p in result.problems] == []
    assert len(result.valid) == 50


def test_generator_refuses_to_write_into_cases(tmp_path):
    with pytest.raises(SystemExit):
        write_corpus(1, CASES_DIR)
    assert not list(CASES_DIR.glob("synthetic-*.yaml"))


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """A served site of 200 synthetic cases (no PDFs): its folder and URL."""
    folder = tmp_path_factory.mktemp("synthetic")
    corpus = folder / "cases"
    write_corpus(200, corpus, seed=11)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site = folder / "site"
    result = build_site(site, config=config_with_cases(folder, corpus, pdf=False))
    assert result.returncode == 0, result.stderr[-3000:]
    url, stop = serve(site)
    yield site, url
    stop()


def test_a_site_of_200_cases_has_no_page_over_the_limit(synthetic_site):
    site = synthetic_site[0]
    pages = {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*.html")}
    case_pages = [k for k in pages if k.startswith("cases/")]
    assert len(case_pages) == 200
    over = {k: v for k, v in pages.items() if v > PAGE_LIMIT and k.startswith("cases/")}
    assert over == {}
    # index pages list every case, but the navigation on every page stays small
    page = (site / "cases" / "synthetic-00001" / "index.html").read_text(encoding="utf-8")
    others = set(re.findall(r"synthetic-\d{5}", page)) - {"synthetic-00001"}  # its own id is in its links
    assert len(others) < 10


def test_the_browse_list_shows_a_hundred_cases_at_a_time_and_counts_them_all(synthetic_site, page):
    page.goto(synthetic_site[1] + "browse/")
    page.wait_for_function("() => document.getElementById('cb-browse').dataset.shown === ''")
    items = page.locator(".cb-results > li")
    more = page.locator("button.cb-more")
    assert items.count() == 100
    assert page.locator(".cb-status").inner_text() == "共 200 个案例，显示 200 个"
    assert more.inner_text() == "再显示 100 个（还有 100 个）"
    assert serious_accessibility_violations(page) == []
    more.click()
    assert items.count() == 200 and more.is_hidden()
    # the keyboard goes on from the first case added
    assert page.evaluate("() => document.activeElement.closest('li').dataset.id") == items.nth(100).get_attribute("data-id")
    # a value narrows the list from its start again, and its count is of every case, not of those listed
    counts = page.locator("fieldset.cb-facet label").evaluate_all("els => els.map(e => +e.textContent.match(/（(\\d+)）$/)[1])")
    at = next(i for i, n in enumerate(counts) if 100 < n < 200)
    count = counts[at]
    label = page.locator("fieldset.cb-facet label").nth(at)
    label.locator("input").check()
    assert items.count() == 100
    assert more.inner_text() == f"再显示 {count - 100} 个（还有 {count - 100} 个）"
    assert page.locator(".cb-status").inner_text() == f"共 200 个案例，显示 {count} 个"
