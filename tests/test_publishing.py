"""Publishing: data downloads that open in Excel, citations to import, canonical addresses, edit
links, licences and the deploy workflow."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from urllib.parse import urljoin

import pytest
import yaml

from casebook.cli import parser, site_links
from casebook.export import csv_safe, export_files
from casebook.project import Project
from casebook.records.catalog import Case, Catalog, load_catalog
from casebook.text import SiteLinks, bibtex, case_reference, gbt7714, ris
from casebook.web.pages import case_pages, cite_files, render_data_page, render_home, shared_pages

from .conftest import FIXTURES, with_hostile_title
from .paths import CASES_DIR, PROJECT_ROOT, RULES

CATALOG = load_catalog([CASES_DIR], RULES)[0]
CHAOYANG = "beijing-chaoyang-gongshang-gongzhi"
SITE_URL = "https://jiceng-zhili.github.io/casebook/"
REPO = "https://github.com/jiceng-zhili/casebook"
EXECUTED = ("=", "+", "-", "@", "\t", "\r")
EMPTY_GLOSSARY = {"terms": [], "references": []}


@pytest.fixture(scope="module")
def links() -> SiteLinks:
    """The addresses as mkdocs.yml configures them, read the way the commands read them."""
    return site_links(Project.find(PROJECT_ROOT / "mkdocs.yml"))


def _catalog_with(changes: dict) -> Catalog:
    """The real catalog with some cases' data replaced: {id: function(data) -> data}."""
    cases = []
    for case in CATALOG.cases.values():
        data = json.loads(json.dumps(case.data))
        if case.id in changes:
            data = changes[case.id](data)
        cases.append(Case(case.id, data, case.source))
    return Catalog.from_cases(cases, RULES)


def _hostile_case(folder) -> Case:
    """The valid record full of markup, on its own."""
    (folder / "hostile-valid-case.yaml").write_text(
        (FIXTURES / "hostile-valid-case.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    catalog, result = load_catalog([folder], RULES)
    assert not result.problems
    return with_hostile_title(catalog.cases["hostile-valid-case"])


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


# 2. Citations: GB/T 7714, BibTeX, RIS from one reference ------------------------------------


HOSTILE_REF = {
    "id": "r 1",
    "type": "J",
    "authors": ["张三", "Smith and Jones", "编辑部{x}"],
    "title": "标题\\含{特殊}$字符&%#_^~\n第二行\r\n第三行\u2028第四行",
    "container": "期刊_名",
    "year": 2015,
    "issue": "10",
    "pages": "12-15",
    "url": "https://example.org/a b{c}",
    "note": "注\n释",
}


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_escapes_what_bibtex_would_read_as_markup():
    entry = bibtex(HOSTILE_REF)
    assert entry.startswith("@article{r1,\n") and entry.endswith("}\n")
    assert _braces_balanced(entry)
    lines = entry.splitlines()[1:-1]
    assert all(re.fullmatch(r"  [a-z]+ = \{.*\},?", line) for line in lines), lines  # one field per line
    title = next(l for l in lines if l.startswith("  title"))
    for escaped in (r"\textbackslash{}", r"\{特殊\}", r"\$", r"\&", r"\%", r"\#", r"\_", r"\^{}", r"\~{}"):
        assert escaped in title, escaped
    assert "第二行 第三行 第四行" in title
    assert "author = {{张三} and {Smith and Jones} and {编辑部\\{x\\}}}" in entry  # names kept whole
    assert "url = {https://example.org/a%20b%7Bc%7D}" in entry
    assert "pages = {12--15}" in entry


def test_ris_lines_never_break_inside_a_field():
    record = ris(HOSTILE_REF)
    lines = record.split("\r\n")
    assert lines[-1] == "" and lines[-2] == "ER  - "
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1]), lines
    assert not re.search(r"[\n\r\u2028\u2029\x85](?<!\r\n)", record.replace("\r\n", ""))
    assert "TI  - 标题\\含{特殊}$字符&%#_^~ 第二行 第三行 第四行" in lines
    assert lines[0] == "TY  - JOUR" and "AU  - Smith and Jones" in lines
    assert "SP  - 12" in lines and "EP  - 15" in lines


def test_the_three_citation_formats_come_from_the_same_reference(links):
    case = CATALOG.cases[CHAOYANG]
    url = SITE_URL + f"cases/{CHAOYANG}/"
    ref = case_reference(case.data, links)
    assert ref["url"] == url
    updated = case["meta"]["updated"]
    assert gbt7714(ref) == f"基层治理案例库编辑部. {case['title']}[EB/OL]. 基层治理案例库, ({updated}). {url}"
    entry = bibtex(ref)
    assert entry.startswith(f"@online{{{CHAOYANG},")
    assert f"title = {{{case['title']}}}" in entry and f"url = {{{url}}}" in entry and f"date = {{{updated}}}" in entry
    record = ris(ref).split("\r\n")
    assert record[0] == "TY  - ELEC"
    assert f"TI  - {case['title']}" in record and f"UR  - {url}" in record
    assert f"DA  - {updated.replace('-', '/')}" in record and "AU  - 基层治理案例库编辑部" in record


def test_case_page_offers_the_citation_files_it_is_published_with(links):
    page = case_pages(CATALOG, EMPTY_GLOSSARY, site=links)[f"cases/{CHAOYANG}.md"].render()
    section = page[page.index("## 如何引用本案例") : page.index("## 编辑本案例")]
    url = SITE_URL + f"cases/{CHAOYANG}/"
    assert f'<a href="{url}"' in section and "[EB/OL]" in section
    assert f"](../data/cite/{CHAOYANG}.bib)" in section and f"](../data/cite/{CHAOYANG}.ris)" in section
    files = shared_pages(CATALOG, EMPTY_GLOSSARY, site=links)
    assert files[f"data/cite/{CHAOYANG}.bib"] == bibtex(case_reference(CATALOG.cases[CHAOYANG].data, links))
    assert files[f"data/cite/{CHAOYANG}.ris"] == ris(case_reference(CATALOG.cases[CHAOYANG].data, links))
    assert set(cite_files(CATALOG, links)) == {f"data/cite/{c.id}.{k}" for c in CATALOG.published for k in ("bib", "ris")}


def test_a_hostile_title_is_text_in_every_citation(links, tmp_path):
    case = _hostile_case(tmp_path)
    catalog = Catalog.from_cases([case], RULES)
    page = case_pages(catalog, EMPTY_GLOSSARY, site=links)["cases/hostile-valid-case.md"].render()
    section = page[page.index("## 如何引用本案例") : page.index("## 编辑本案例")]
    assert "<b onmouseover" not in section and "&lt;b onmouseover=" in section
    ref = case_reference(case.data, links)
    assert _braces_balanced(bibtex(ref))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", l) for l in ris(ref).split("\r\n")[:-1])


# 3 and 4. Edit links and the canonical address, from mkdocs.yml -----------------------------


def test_mkdocs_yml_names_the_site_and_the_repository(links):
    assert links.site_url == SITE_URL
    assert links.edit_url(str(CASES_DIR / f"{CHAOYANG}.yaml")) == f"{REPO}/edit/main/cases/{CHAOYANG}.yaml"
    assert links.view_url(str(CASES_DIR / f"{CHAOYANG}.yaml")) == f"{REPO}/blob/main/cases/{CHAOYANG}.yaml"


def test_edit_links_follow_the_configuration(tmp_path):
    (tmp_path / "docs").mkdir()
    config = {
        "site_url": "https://mirror.example.cn/anli/",
        "repo_url": "https://gitlab.com/team/casebook",
        "edit_uri": "-/edit/dev/docs/",
        "docs_dir": str(tmp_path / "docs"),
        "config_file_path": str(tmp_path / "mkdocs.yml"),
    }
    links = SiteLinks.from_config(config)
    assert links.page_url("cases/a/") == "https://mirror.example.cn/anli/cases/a/"
    assert links.edit_url(str(tmp_path / "cases/a.yaml")) == "https://gitlab.com/team/casebook/-/edit/dev/cases/a.yaml"
    assert links.view_url(str(tmp_path / "cases/a.yaml")) == "https://gitlab.com/team/casebook/-/blob/dev/cases/a.yaml"
    assert links.edit_url(str(tmp_path.parent / "elsewhere/a.yaml")) == ""  # not in the repository
    bare = SiteLinks.from_config({"docs_dir": str(tmp_path / "docs")})
    assert bare.page_url("cases/a/") == "" and bare.edit_url(str(tmp_path / "cases/a.yaml")) == ""
    assert "[EB/OL]" in gbt7714(case_reference(CATALOG.cases[CHAOYANG].data, bare))


def test_case_page_links_its_yaml_file_in_the_repository(links):
    page = case_pages(CATALOG, EMPTY_GLOSSARY, site=links)[f"cases/{CHAOYANG}.md"].render()
    section = page[page.index("## 编辑本案例") :]
    assert f'href="{REPO}/edit/main/cases/{CHAOYANG}.yaml"' in section and "编辑此页" in section
    assert f'href="{REPO}/blob/main/cases/{CHAOYANG}.yaml"' in section and "查看数据" in section
    without = case_pages(CATALOG, EMPTY_GLOSSARY)[f"cases/{CHAOYANG}.md"].render()
    assert "编辑此页" not in without  # no repository configured: no dead link


def test_no_script_writes_the_browsers_address_into_a_page():
    script = (PROJECT_ROOT / "docs/assets/casebook/casebook.js").read_text(encoding="utf-8")
    assert "cb-here" not in script and "cb-citation" not in script
    assert not re.search(r"textContent\s*=\s*window\.location", script)


def test_sitemap_lists_every_page_at_its_canonical_address(built_site):
    site = built_site[0]
    tree = ET.parse(site / "sitemap.xml")
    listed = {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    folders = {p.relative_to(site).parent.as_posix() for p in site.rglob("index.html")}
    expected = {SITE_URL + ("" if f == "." else f"{f}/") for f in folders}
    assert f"{SITE_URL}cases/{CHAOYANG}/" in expected
    assert listed == expected


def test_built_case_page_cites_its_canonical_address_and_links_its_source(built_site):
    site = built_site[0]
    html = (site / f"cases/{CHAOYANG}/index.html").read_text(encoding="utf-8")
    assert f">{SITE_URL}cases/{CHAOYANG}/</a>" in html[html.index('class="cb-citation"') :]
    assert f'href="{REPO}/edit/main/cases/{CHAOYANG}.yaml"' in html
    assert f"url = {{{SITE_URL}cases/{CHAOYANG}/}}" in (site / f"data/cite/{CHAOYANG}.bib").read_text(encoding="utf-8")


# 5. Licences --------------------------------------------------------------------------------


def test_licences_are_stated_in_the_repository_the_readme_and_the_data():
    assert "MIT License" in (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (PROJECT_ROOT / "LICENSE-content.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in content and "https://creativecommons.org/licenses/by/4.0/" in content
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 许可") :]
    assert "(LICENSE)" in section and "(LICENSE-content.md)" in section and "CC BY 4.0" in section
    config = yaml.load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert "CC BY 4.0" in config["copyright"] and "MIT" in config["copyright"]
    licence = export_files(CATALOG)["LICENSE.txt"]
    assert "CC BY 4.0" in licence and "基层治理案例库" in licence
    data_page = render_data_page(RULES)
    assert "CC BY 4.0" in data_page and "](data/LICENSE.txt)" in data_page


def test_every_page_footer_states_the_content_licence(built_site):
    site = built_site[0]
    pages = list(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('class="md-copyright"', 1)[-1]
        assert "CC BY 4.0" in footer[:1000], page
    assert (site / "data/LICENSE.txt").is_file()


# 6. Deploying -------------------------------------------------------------------------------


def _workflow() -> dict:
    return yaml.safe_load((PROJECT_ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))


def _debian_packages() -> list[str]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^DEBIAN_PACKAGES := (.+)$", makefile, re.M).group(1).split()


def test_deploy_workflow_publishes_the_site_and_releases_on_tags():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and triggers["push"]["tags"]
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "deploy", "release"}
    allowed = {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/upload-artifact",
        "actions/download-artifact",
    }
    for job in jobs.values():
        for step in job["steps"]:
            if "uses" in step:
                name, _, version = step["uses"].partition("@")
                assert name in allowed and re.fullmatch(r"v\d+(\.\d+)*", version), step["uses"]

    build = jobs["build"]["steps"]
    runs = "\n".join(s.get("run", "") for s in build)
    apt = next(s["run"] for s in build if "apt-get install" in s.get("run", ""))
    for package in _debian_packages():
        assert (package in apt) == (package != "chromium"), package  # the build needs no browser
    assert "pip install -q -e ." in runs
    assert ".venv/bin/casebook build" in runs
    assert "OFFLINE=true .venv/bin/mkdocs build --strict -d site-offline" in runs
    assert "casebook pdf --pack docs/lectures/*.yaml --edition student" in runs
    assert "casebook pdf --pack docs/lectures/*.yaml --edition teacher" in runs
    assert "zipfile -c" in runs and "casebook-offline-" in runs
    pages = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"].rstrip("/") == "site" and pages["if"] == "github.ref == 'refs/heads/main'"

    deploy = jobs["deploy"]
    assert deploy["needs"] == "build" and deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")

    release = jobs["release"]
    assert release["needs"] == "build" and release["if"].startswith("startsWith(github.ref, 'refs/tags/')")
    assert release["permissions"] == {"contents": "write"}
    script = release["steps"][-1]["run"]
    assert "gh release create" in script and "gh release upload" in script and "dist/*" in script


def test_the_workflows_pdf_command_takes_several_packs():
    args = parser().parse_args(
        ["pdf", "--pack", "docs/lectures/a.yaml", "docs/lectures/b.yaml", "--edition", "teacher", "-o", "dist/"]
    )
    assert args.pack == ["docs/lectures/a.yaml", "docs/lectures/b.yaml"] and args.output == "dist/"


def test_readme_explains_hosting_without_foreign_requests():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### 在国内任意静态服务器上托管") :]
    assert "nginx" in section and "CASEBOOK_SITE_URL" in section and "site/" in section
    assert "CASEBOOK_SITE_URL" in (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
