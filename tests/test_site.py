"""The real site built by the real MkDocs: what each page contains, checked in the HTML."""

from __future__ import annotations

import json
import re
import shutil

from casebook.records.catalog import load_catalog

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
    nav = html[html.index('<nav class="md-nav md-nav--primary"') : html.index("</nav>", html.index("md-nav--primary"))]
    assert "湖南省花垣县" not in nav and "六榕街道" not in nav


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
