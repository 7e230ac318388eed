"""The real site built by the real MkDocs: what each page contains, checked in the HTML."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

from casebook.records.catalog import load_catalog
from casebook.text import anchor as slug

from .paths import CASES_DIR, RULES
from .site_support import build_site, config_with_cases

CHAOYANG = "cases/beijing-chaoyang-gongshang-gongzhi/index.html"


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def test_strict_build_has_no_warnings(built_site):
    _, log = built_site
    assert "WARNING" not in log, log


def test_case_page_has_the_fixed_order_and_readable_anchors(built_site):
    html = read(built_site[0], CHAOYANG)
    headings = re.findall(r'<h2[^>]* id="([^"]+)"', html)
    assert headings == [
        "内容提要",
        "背景",
        "主要做法",
        "成效",
        "问题与挑战",
        "经验启示",
        "成效数据",
        "实施步骤",
        "参与主体",
        "教学使用",
        "参考文献",
        "相关案例",
        "讲义下载",
        "如何引用本案例",
        "编辑本案例",
    ]
    assert 'class="cb-card"' in html and html.index("cb-card") < html.index('id="内容提要"')
    assert "cases/beijing-chaoyang-gongshang-gongzhi.yaml" in html


def test_citations_are_numbered_links_to_the_reference_list_and_back(built_site):
    html = read(built_site[0], CHAOYANG)
    numbers = {int(n) for n in re.findall(r'<a href="#ref-(\d+)"', html)}
    items = re.findall(r'<li id="ref-(\d+)">', html)
    assert numbers == {int(n) for n in items} == set(range(1, 8))  # seven references, all cited
    first_citation = re.search(r'<sup class="cb-cite" id="cite-(\d+)-1">', html)
    assert first_citation and f'href="#cite-{first_citation.group(1)}-1"' in html
    assert "决策与信息（下旬刊）, 2015(10)." in html  # GB/T 7714 journal form
    assert "人民日报海外版, 2016-05-24(05)." in html  # GB/T 7714 newspaper form


def test_outcomes_carry_their_source_mark(built_site):
    html = read(built_site[0], CHAOYANG)
    table = html[html.index('id="成效数据"') : html.index('id="实施步骤"')]
    row = table[table.index("1675个") :]
    assert re.match(r'1675个</td>\s*<td>2016年5月</td>\s*<td><sup class="cb-cite"', row)


def test_related_cases_appear_in_both_directions(built_site):
    site = built_site[0]
    chaoyang = read(site, CHAOYANG)
    jiesu = read(site, "cases/beijing-jiesu-jiban/index.html")
    assert "北京市党建引领接诉即办" in chaoyang[chaoyang.index('id="相关案例"') :]
    # typed only in the Chaoyang record; the reverse link is computed
    assert "北京市朝阳区党政群共商共治" in jiesu[jiesu.index('id="相关案例"') :]


def test_stub_shows_its_notice_and_gaps(built_site):
    html = read(built_site[0], "cases/qingdao-shinan-liulian-gongjian/index.html")
    assert "资料待补充" in html and "资料缺口" in html
    assert 'id="成效数据"' not in html


def test_glossary_term_is_explained_at_first_occurrence_only(built_site):
    html = read(built_site[0], "cases/beijing-jiesu-jiban/index.html")
    links = re.findall(r'<a class="cb-term" href="../../glossary/#([^"]+)" title="([^"]+)">([^<]+)</a>', html)
    by_term = {}
    for anchor, title, _text in links:
        by_term.setdefault(anchor, []).append(title)
    assert by_term.get("接诉即办") and len(by_term["接诉即办"]) == 1
    assert by_term["接诉即办"][0].startswith("北京的诉求办理机制")
    glossary = read(built_site[0], "glossary/index.html")
    assert 'id="接诉即办"' in glossary


def test_index_pages_have_counts_and_links(built_site):
    catalog = load_catalog([CASES_DIR], RULES)[0]
    themes = read(built_site[0], "themes/index.html")
    assert 'id="党建引领"' in themes and f"共 {len(catalog.index('theme')['党建引领'])} 个案例" in themes
    regions = read(built_site[0], "regions/index.html")
    assert 'id="北京市"' in regions and f"共 {len(catalog.index('province')['北京市'])} 个案例" in regions
    home = read(built_site[0], "index.html")
    assert f"<strong>{len(catalog.published)}</strong> 个案例" in home


def test_no_page_refers_to_another_host(built_site):
    site = built_site[0]
    # rel="canonical" names the page's own address (site_url) and is never fetched
    pattern = re.compile(r'<(?:script|link|img|iframe)(?![^>]*rel="canonical")[^>]+(?:src|href)="(?:https?:)?//', re.I)
    offenders = [str(p.relative_to(site)) for p in site.rglob("*.html") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    # the repository link in the header is a plain link: Material would ask the GitHub API for stars
    home = read(site, "index.html")
    assert 'class="md-source"' in home and 'data-md-component="source"' not in home


def test_navigation_does_not_list_cases(built_site):
    html = read(built_site[0], CHAOYANG)
    for start in ('<nav class="md-nav md-nav--primary', '<nav class="md-tabs"'):  # the side (or phone) menu and the tabs
        nav = html[html.index(start) : html.index("</nav>", html.index(start))]
        assert "湖南省花垣县" not in nav and "六榕街道" not in nav, start


def test_search_indexes_hold_the_pages_text_not_their_metadata_card(built_site, offline_site):
    """The served build has Pagefind's index, the offline build the script shards; what they quote
    of a case is its text (no card, no references, no citation marks)."""
    served, offline = built_site[0], offline_site
    assert (served / "pagefind" / "pagefind.js").exists() and not (served / "assets/search/docs.js").exists()
    assert (offline / "assets/search/docs.js").exists() and not (offline / "pagefind").exists()
    config = read(offline, "assets/search/config.js")
    assert '"backend":"shards"' in config and "网格化管理" in config  # a domain word
    docs = json.loads(read(offline, "assets/search/docs.js").split("(", 1)[1].rsplit(")", 1)[0])
    n = next(i for i, d in enumerate(docs) if d[0] == "cases/beijing-chaoyang-gongshang-gongzhi.html")
    chunk = read(offline, f"assets/search/text/{n // 50}.js")
    text = json.loads(chunk.split("(", 1)[1].rsplit(")", 1)[0])[1][n % 50]
    assert "问需" in text
    for label in ("区划代码", "城乡类型", "参考文献", "如何引用本案例", "[1]"):
        assert label not in text, label


def test_invalid_record_stops_the_build_with_the_validators_message(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(CASES_DIR, cases)
    broken = cases / "ninghai-micro-power-list.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("level: 县（区）", "level: 县区"), encoding="utf-8")
    result = build_site(tmp_path / "site", config=config_with_cases(tmp_path, cases))
    assert result.returncode != 0
    assert "ninghai-micro-power-list.yaml:" in result.stderr and "level" in result.stderr
    assert "不是词表《层级》中的术语" in result.stderr


# --- lists: every Markdown list, in a record or in a template, reaches the page as <ul>/<ol> ------

# A list marker at the start of a line (a list left as text), or a marker run into the text before it
# (items that lost their line breaks: "…（朝阳区）- 北京市…", "…诉求。2. 派单"), but not a date or
# a year before a full stop ("2018-01-17. https://…", "民生周刊, 2019. http://…").
LIST_AS_TEXT = re.compile(r"(?:^|\n)[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S|\S- \S|(?<=[^\s\d.\-/:])\d{1,2}\. \S")
BLOCKS = {"p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "summary"}
MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+\S", re.M)


class _BlockText(HTMLParser):
    """The text of every block element of a page's article, each without the text of blocks inside it."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, list[str]]] = []
        self.blocks: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.open.append((tag, []))

    def handle_endtag(self, tag):
        if tag in BLOCKS and self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            self.blocks.append((name, "".join(parts)))

    def handle_data(self, data):
        if self.open:
            self.open[-1][1].append(data)


def article(html: str) -> str:
    start = html.index("<article")
    return html[start : html.index("</article>", start)]


def section(html: str, heading: str) -> str:
    """The HTML of one h2 section of a page: from its heading to the next h2."""
    start = html.index(f'<h2 id="{slug(heading)}"')
    end = html.find("<h2", start + 1)
    return html[start : end if end > 0 else len(html)]


def test_no_page_shows_a_markdown_list_as_text(built_site):
    site = built_site[0]
    found = []
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if "<article" not in html:
            continue
        parser = _BlockText()
        parser.feed(article(html))
        for tag, text in parser.blocks:
            if LIST_AS_TEXT.search(text):
                found.append((str(path.relative_to(site)), tag, text[:80]))
    assert found == []


def test_case_lists_have_one_item_per_entry(built_site):
    """Steps, teaching objectives and questions, gaps, and the lists written in a record's sections."""
    catalog = load_catalog([CASES_DIR], RULES)[0]
    checked = 0
    for case in catalog.published:
        html = article(read(built_site[0], f"cases/{case.id}/index.html"))
        if case.get("process"):
            steps = section(html, "实施步骤")
            assert steps.count("<ol>") == 1 and steps.count("<li>") == len(case["process"]), case.id
            checked += 1
        teaching = case.get("teaching") or {}
        if teaching.get("objectives") or teaching.get("questions"):
            items = len(teaching.get("objectives", [])) + len(teaching.get("questions", []))
            assert section(html, "教学使用").count("<li>") == items, case.id
        if case.get("gaps"):
            gaps = html[html.index('class="admonition note"') : html.index(f'<h2 id="{slug("内容提要")}"')]
            assert gaps.count("<li>") == len(case["gaps"]), case.id
        for key, heading in RULES.sections:
            text = (case.get("sections") or {}).get(key)
            if text:
                assert section(html, heading).count("<li>") == len(MARKER.findall(text)), (case.id, heading)
    assert checked > 10


def test_index_pages_list_every_case_as_an_item(built_site):
    catalog = load_catalog([CASES_DIR], RULES)[0]
    pages = [facet for facet in RULES.facets if facet.page]
    assert {f.page for f in pages} >= {"themes", "mechanisms", "regions", "levels"}
    for facet in pages:
        html = article(read(built_site[0], f"{facet.page}/index.html"))
        for name, ids in catalog.index(facet.name).items():
            items = section(html, str(name))
            assert items.count("<li>") == len(ids), (facet.page, name)
            assert ("<ul>" in items) == bool(ids), (facet.page, name)
