"""Publishing: data downloads that open in Excel."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from urllib.parse import urljoin

from casebook.export import csv_safe, export_files
from casebook.records.catalog import Case, Catalog, load_catalog
from casebook.site.pages import render_home

from .paths import CASES_DIR, RULES

CATALOG = load_catalog([CASES_DIR], RULES)[0]
CHAOYANG = "beijing-chaoyang-gongshang-gongzhi"
EXECUTED = ("=", "+", "-", "@", "\t", "\r")


def _catalog_with(changes: dict) -> Catalog:
    """The real catalog with some cases' data replaced: {id: function(data) -> data}."""
    cases = []
    for case in CATALOG.cases.values():
        data = json.loads(json.dumps(case.data))
        if case.id in changes:
            data = changes[case.id](data)
        cases.append(Case(case.id, data, case.source))
    return Catalog.from_cases(cases, RULES)


# 1. Data downloads ---------------------------------------------------------------------------


def test_csv_files_carry_a_bom_so_excel_reads_utf8():
    files = export_files(CATALOG)
    for name in ("cases.csv", "codebook.csv"):
        raw = files[name].encode("utf-8")
        assert raw.startswith(b"\xef\xbb\xbf"), name  # what Excel on a Chinese Windows looks for
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert rows[0][0] in ("id", "column")
    assert "北京市朝阳区党政群共商共治" in files["cases.csv"]


def test_csv_cells_a_spreadsheet_would_execute_are_neutralised():
    def hostile(data):
        data["title"] = '=HYPERLINK("http://evil.example","点我")'
        data["summary"] = "+1+2 提要"
        data["keywords"] = ["@SUM(A1)", "-2+3", "普通"]
        data["aliases"] = ["\t=1", "\r=2"]
        return data

    files = export_files(_catalog_with({CHAOYANG: hostile}))
    for name in ("cases.csv", "codebook.csv"):
        rows = list(csv.reader(io.StringIO(files[name].removeprefix("\ufeff"), newline="")))
        for row in rows:
            for cell in row:
                assert not cell.startswith(EXECUTED) or re.fullmatch(r"[+-]?\d+(\.\d+)?", cell), (name, cell)
    rows = list(csv.DictReader(io.StringIO(files["cases.csv"].removeprefix("\ufeff"), newline="")))
    row = next(r for r in rows if r["id"] == CHAOYANG)
    assert row["title"] == "'" + '=HYPERLINK("http://evil.example","点我")'  # the text is kept, after an apostrophe
    assert row["keywords"].startswith("'@SUM(A1)")
    # the JSON is data, not a spreadsheet: it keeps the record as it is
    record = next(r for r in json.loads(files["cases.json"]) if r["id"] == CHAOYANG)
    assert record["title"].startswith("=HYPERLINK")


def test_csv_safe_leaves_plain_text_and_numbers_alone():
    assert csv_safe("普通文字") == "普通文字"
    assert csv_safe("-3") == "-3" and csv_safe("+2.5") == "+2.5"
    assert csv_safe("-3+1") == "'-3+1"
    assert csv_safe("@cmd") == "'@cmd"
    assert csv_safe("\n=1") == "'\n=1"


def test_home_and_browse_link_the_downloads(built_site):
    site = built_site[0]
    for page in ("index.html", "browse/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        for name in ("cases.json", "cases.csv", "codebook.csv"):
            hrefs = re.findall(rf'href="([^"]*data/{re.escape(name)})"', html)
            assert hrefs, (page, name)
            target = urljoin(f"http://x/{page}", hrefs[0])
            assert (site / target.removeprefix("http://x/")).is_file(), (page, target)


def test_home_lists_the_cases_updated_last():
    # give every case its own update date, in an order unrelated to ids and titles
    ids = sorted(CATALOG.cases, key=lambda i: i[::-1])
    day = {case_id: (date(2020, 1, 1) + timedelta(days=n)).isoformat() for n, case_id in enumerate(ids)}

    def redate(data):
        data["meta"]["updated"] = day[data["id"]]
        return data

    catalog = _catalog_with({i: redate for i in ids})
    text = render_home(catalog)
    recent = text[text.index("## 最近更新") :]
    listed = re.findall(r"\]\(cases/([a-z0-9-]+)\.md\)", recent)
    latest = sorted((c.id for c in catalog.published), key=lambda i: day[i], reverse=True)
    assert listed == latest[: len(listed)] and len(listed) == 6
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", recent)


def test_home_recent_list_in_the_built_site_is_newest_first(built_site):
    html = (built_site[0] / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="最近更新"') :]
    section = section[: section.index("</ul>")]
    listed = re.findall(r'href="cases/([a-z0-9-]+)/"', section)
    assert listed
    updated = [CATALOG.cases[i]["meta"]["updated"] for i in listed]
    assert updated == sorted(updated, reverse=True)
    others = [c["meta"]["updated"] for c in CATALOG.published if c.id not in listed]
    assert all(u >= o for u in updated for o in others)
