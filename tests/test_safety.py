"""Nothing good gets lost: atomic site builds, reproducible output, and the link checker."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

from .conftest import MINIMAL, CaseDir
from .paths import PROJECT_ROOT
from .site_support import build_site, config_with_cases, serve


def _digests(site, pagefind=True):
    """Every page, data file and PDF; with pagefind=False not Pagefind's own files, whose order of
    pages inside a filter (and so the index's name) changes from run to run on the same input."""
    wanted = {".html", ".json", ".csv", ".js", ".pdf"}
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.suffix in wanted and p.is_file() and (pagefind or p.relative_to(site).parts[0] != "pagefind")
    }


def test_two_builds_of_the_same_input_are_byte_identical(built_site, tmp_path):
    """The second build starts from an empty cache, so every page and every PDF is made again."""
    again = build_site(tmp_path / "again", cache=tmp_path / "empty-cache")
    assert again.returncode == 0, again.stderr
    first, second = _digests(built_site[0], pagefind=False), _digests(tmp_path / "again", pagefind=False)
    assert len(first) > 50 and any(name.endswith(".pdf") for name in first)
    assert first == second


def _casebook(*args):
    return subprocess.run([sys.executable, "-m", "casebook", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    (tmp_path / "cases").mkdir()
    cases = CaseDir(tmp_path / "cases")
    config = config_with_cases(tmp_path, cases.root)
    site = tmp_path / "site"
    assert _casebook("-f", str(config), "build", "-d", str(site)).returncode == 0
    (site / "marker.txt").write_text("上一次构建", encoding="utf-8")
    before = _digests(site)
    cases.write("minimal-case", MINIMAL.replace("themes: [城市更新]", "themes: [不存在]"))
    failed = _casebook("-f", str(config), "build", "-d", str(site))
    assert failed.returncode != 0 and "保持原样" in failed.stderr
    assert (site / "marker.txt").read_text(encoding="utf-8") == "上一次构建"
    assert _digests(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases", "mkdocs.yml", "site"]  # no temporary folder left


def test_link_check_reports_dead_reference_urls(tmp_path):
    served = tmp_path / "www"
    served.mkdir()
    (served / "ok.html").write_text("ok", encoding="utf-8")
    url, stop = serve(served)
    try:
        (tmp_path / "cases").mkdir()
        cases = CaseDir(tmp_path / "cases")
        text = MINIMAL.replace("    year: 2018\n", f"    year: 2018\n    url: {url}ok.html\n").replace(
            '    date: "2018-01-02"\n', f'    date: "2018-01-02"\n    url: {url}gone.html\n'
        )
        path = cases.write("minimal-case", text)
        run = _casebook("linkcheck", str(cases.root), "--timeout", "5")
    finally:
        stop()
    assert run.returncode == 1
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "gone.html" in l)
    assert f"minimal-case.yaml:{line}:10: references[1].url: HTTP 404: {url}gone.html" in run.stdout
    assert "ok.html" not in run.stdout.split("检查了")[0]
    shutil.rmtree(served)
