"""The synthetic corpus validates, and a site built from it keeps every page small."""

from __future__ import annotations

import os
import re
import sys

from casebook.records.validate import validate_paths

from .paths import CASES_DIR, PROJECT_ROOT, RULES
from .site_support import build_site, config_with_cases

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
    import pytest

    with pytest.raises(SystemExit):
        write_corpus(1, CASES_DIR)
    assert not list(CASES_DIR.glob("synthetic-*.yaml"))


def test_a_site_of_200_cases_has_no_page_over_the_limit(tmp_path):
    corpus = tmp_path / "cases"
    write_corpus(200, corpus, seed=11)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = (
        config_with_cases(tmp_path, corpus).read_text(encoding="utf-8").replace("pdf: !ENV [CASEBOOK_PDF, true]", "pdf: false")
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = tmp_path / "site"
    result = build_site(site, config=tmp_path / "mkdocs.yml")
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*.html")}
    case_pages = [k for k in pages if k.startswith("cases/")]
    assert len(case_pages) == 200
    over = {k: v for k, v in pages.items() if v > PAGE_LIMIT and k.startswith("cases/")}
    assert over == {}
    # index pages list every case, but the navigation on every page stays small
    page = (site / "cases" / "synthetic-00001" / "index.html").read_text(encoding="utf-8")
    others = set(re.findall(r"synthetic-\d{5}", page)) - {"synthetic-00001"}  # its own id is in its links
    assert len(others) < 10
