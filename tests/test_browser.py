"""The built site in headless Chromium: what a trainee sees and can do, with keyboard and search."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

import pytest

from casebook.records.catalog import load_catalog

from .paths import CASES_DIR, RULES
from .site_support import build_site, serious_accessibility_violations
from .site_support import header_search as search

CATALOG = load_catalog([CASES_DIR], RULES)[0]


def test_case_page_shows_sections_and_references(page, site_url):
    page.goto(site_url + "cases/beijing-chaoyang-gongshang-gongzhi/")
    assert page.locator("h1").inner_text().rstrip("¶") == "北京市朝阳区党政群共商共治"
    headings = page.locator("article h2").all_inner_texts()
    for heading in ["内容提要", "背景", "主要做法", "成效", "问题与挑战", "经验启示", "参考文献", "相关案例"]:
        assert any(h.startswith(heading) for h in headings), heading
    assert page.locator("ol.cb-refs > li").count() == 7
    page.locator("sup.cb-cite a").first.click()
    assert page.evaluate("location.hash") == "#ref-1"


def test_glossary_term_shows_its_definition(page, site_url):
    page.goto(site_url + "cases/beijing-jiesu-jiban/")
    term = page.locator("a.cb-term", has_text="接诉即办").first
    term.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="12345热线为主渠道")
    tooltip.first.wait_for(state="visible", timeout=5_000)
    term.click()
    assert unquote(page.evaluate("location.hash")) == "#接诉即办"
    assert "北京的诉求办理机制" in page.locator("article").inner_text()


def test_facet_filter_narrows_the_list_and_the_url_restores_it(page, site_url):
    page.goto(site_url + "browse/")
    page.wait_for_selector(".cb-results li")
    total = page.locator(".cb-results li").count()
    page.locator('fieldset[data-facet="theme"] input[value="乡村治理"]').check()
    shown = page.locator(".cb-results li")
    assert 0 < shown.count() < total
    ids = sorted(shown.evaluate_all("els => els.map(e => e.dataset.id)"))
    assert ids == sorted(c.id for c in CATALOG.published if "乡村治理" in c["themes"])
    page.select_option("#cb-f-sort", "year-asc")
    url = page.url
    assert "theme=" in url and "sort=year-asc" in url
    fresh = page.context.new_page()
    fresh.goto(url)
    fresh.wait_for_selector(".cb-results li")
    assert fresh.locator('fieldset[data-facet="theme"] input:checked').evaluate_all("els => els.map(e => e.value)") == [
        "乡村治理"
    ]
    shown_ids = fresh.locator(".cb-results li").evaluate_all("els => els.map(e => e.dataset.id)")
    years = [CATALOG.cases[i].start_year or 9999 for i in shown_ids]
    assert sorted(shown_ids) == ids and years == sorted(years)  # oldest first, undated last


def test_period_filter(page, site_url):
    page.goto(site_url + "browse/?from=2016&to=2018")
    page.wait_for_selector(".cb-results li")
    ids = page.locator(".cb-results li").evaluate_all("els => els.map(e => e.dataset.id)")
    assert sorted(ids) == sorted(c.id for c in CATALOG.published if c.start_year and 2016 <= c.start_year <= 2018)


def test_compare_view_shows_two_chosen_cases(page, site_url):
    page.goto(site_url + "compare/?ids=beijing-jiesu-jiban,beijing-chaoyang-gongshang-gongzhi")
    table = page.locator("table.cb-compare")
    table.wait_for()
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["项目", "北京市党建引领接诉即办", "北京市朝阳区党政群共商共治"]
    rows = table.locator("tbody th").all_inner_texts()
    assert rows[:3] == ["地点", "时间", "层级"]
    assert "2019年1月起" in table.inner_text() and "2010年起" in table.inner_text()


def test_browse_and_compare_work_with_the_keyboard_alone(page, site_url):
    page.goto(site_url + "browse/")
    page.wait_for_selector(".cb-results li")
    levels = page.locator('fieldset[data-facet="level"] input[type=checkbox]')
    levels.nth(2).focus()  # the third level, ticked and unticked with the space bar
    page.keyboard.press("Space")
    level = levels.nth(2).get_attribute("value")
    assert level and levels.nth(2).is_checked()
    assert all(level in t for t in page.locator(".cb-result-meta:first-of-type").all_inner_texts())
    page.keyboard.press("Space")  # back to all
    assert page.locator(".cb-results li").count() == len(CATALOG.published)
    for case_id in ["beijing-jiesu-jiban", "ninghai-micro-power-list"]:
        page.focus(f"#cb-pick-{case_id}")
        page.keyboard.press("Space")
    compare = page.get_by_role("button", name="对比所选（2）")
    compare.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("table.cb-compare")
    assert page.locator("table.cb-compare thead th").count() == 3


# The pages a reader must reach in one click from every page, and one page of each kind.
SECTIONS = {
    "浏览案例": "browse/",
    "按主题": "themes/",
    "按机制": "mechanisms/",
    "按地区": "regions/",
    "按层级": "levels/",
    "术语表": "glossary/",
    "案例对比": "compare/",
    "讲义下载": "handouts/",
}
PAGE_KINDS = ["", "cases/beijing-jiesu-jiban/", "browse/", "themes/", "glossary/"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sized_page(browser, requests_seen):
    """A page at a given viewport size: sized_page(PHONE)."""
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: requests_seen.append(r.url))
        return page

    yield make
    for context in contexts:
        context.close()


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def landed_on(page, site_url, path) -> bool:
    return unquote(urlparse(page.url).path) == urlparse(site_url + path).path


@pytest.mark.parametrize("start", PAGE_KINDS, ids=lambda p: p or "home")
def test_desktop_tabs_reach_every_section_in_one_click(sized_page, site_url, start):
    page = sized_page(DESKTOP)
    for label, path in SECTIONS.items():
        if path == start:
            continue
        page.goto(site_url + start)
        page.mouse.wheel(0, 3000)  # the tabs stay in view when the reader has scrolled down
        page.wait_for_timeout(100)
        tab = page.locator(".md-tabs a.md-tabs__link").filter(has_text=re.compile(f"^\\s*{label}\\s*$"))
        assert tab.count() == 1 and tab.is_visible() and in_view(page, tab), (start, label)
        tab.click()
        page.wait_for_load_state()
        assert landed_on(page, site_url, path), (start, label, page.url)


@pytest.mark.parametrize("start", PAGE_KINDS, ids=lambda p: p or "home")
def test_phone_menu_shows_every_section_and_each_opens_in_one_tap(sized_page, site_url, start):
    page = sized_page(PHONE)
    for label, path in SECTIONS.items():
        if path == start:
            continue
        page.goto(site_url + start)
        menu = page.locator('label.md-header__button[for="__drawer"]')
        assert menu.is_visible() and in_view(page, menu), start
        menu.click()
        link = page.locator(".md-nav--primary > .md-nav__list > .md-nav__item > a.md-nav__link").filter(
            has_text=re.compile(f"^\\s*{label}\\s*$")
        )
        link.wait_for(state="visible")
        page.wait_for_timeout(300)  # the drawer slides in
        assert link.count() == 1 and in_view(page, link), (start, label)  # visible without scrolling the menu
        link.click()
        page.wait_for_load_state()
        assert landed_on(page, site_url, path), (start, label, page.url)


FOUR = ["beijing-jiesu-jiban", "hunan-huayuan-huzhu-wuxing", "ninghai-micro-power-list", "zhuji-fengqiao-jingyan"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_compare_shows_four_cases_whole_or_scrolls_with_the_labels_in_view(sized_page, site_url, viewport):
    page = sized_page(viewport)
    page.goto(site_url + "compare/?ids=" + ",".join(FOUR))
    table = page.locator("table.cb-compare")
    table.wait_for()
    wrap = page.locator(".cb-compare-wrap")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the page never scrolls sideways
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    widths = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    if viewport == DESKTOP:
        assert widths[0] <= widths[1]  # at 1366 px the four cases fit
    else:
        assert widths[0] > widths[1]  # on a phone the table scrolls inside its box
    headers = table.locator("thead th")
    assert headers.count() == 1 + len(FOUR)
    for i in range(1, headers.count()):
        headers.nth(i).evaluate("th => th.scrollIntoView({inline: 'end', block: 'nearest'})")
        frame, column = wrap.bounding_box(), headers.nth(i).bounding_box()
        assert column["x"] + column["width"] <= frame["x"] + frame["width"] + 1, i  # its right edge is in view
        for label in (headers.first, table.locator("tbody th").first):  # the labels stay at the left edge
            held = label.bounding_box()
            assert abs(held["x"] - frame["x"]) <= 1, i
            assert column["x"] >= held["x"] + held["width"] - 1, i  # and the column is whole beside them


def test_compare_has_a_row_for_every_section_of_a_case(page, site_url):
    from casebook.text import reading_text

    page.goto(site_url + "compare/?ids=" + ",".join(FOUR))
    table = page.locator("table.cb-compare")
    table.wait_for()
    rows = table.locator("tbody th").all_inner_texts()
    titles = [title for _, title in RULES.sections]
    start = rows.index("内容提要") + 1
    assert rows[start : start + len(titles)] == titles  # in the schema's order, after the summary as on a case page
    for key, title in RULES.sections:
        cells = table.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile(f"^{title}$"))).locator("td")
        for case_id, cell in zip(FOUR, cells.all()):
            text = CATALOG.cases[case_id].get("sections", {}).get(key)
            shown = cell.inner_text()
            if text:
                assert reading_text(text)[:40] in shown.replace("\n", ""), (case_id, key)
                assert "[^" not in shown and "**" not in shown
            else:
                assert shown == "—"


def test_the_message_for_readers_without_javascript_shows_only_to_them(browser, site_url):
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts, locale="zh-CN")
        page = context.new_page()
        for path in ("browse/", "compare/?ids=" + ",".join(FOUR)):
            page.goto(site_url + path)
            if scripts:
                page.wait_for_selector(".cb-results li, table.cb-compare")
            assert ("需要 JavaScript" in page.locator("article").inner_text()) is not scripts, (path, scripts)
        context.close()


def test_compare_boxes_keep_the_focus_show_it_and_have_their_own_names(page, site_url):
    page.goto(site_url + "browse/")
    page.wait_for_selector(".cb-results li")
    boxes = page.locator(".cb-results input[type=checkbox]")
    names = boxes.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(set(names)) == len(names) == len(CATALOG.published)
    first = CATALOG.cases["beijing-jiesu-jiban"]["title"]
    box = page.get_by_role("checkbox", name=f"加入对比：{first}", exact=True)
    assert box.count() == 1
    box.focus()
    box.evaluate("b => { b.dataset.same = 'yes'; }")  # the same element afterwards: the list was not redrawn
    page.keyboard.press("Space")
    assert box.is_checked()
    assert page.evaluate("document.activeElement.id") == "cb-pick-beijing-jiesu-jiban"
    assert box.get_attribute("data-same") == "yes"
    ring = box.evaluate("b => { const s = getComputedStyle(b); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] != "none" and ring[1] > 0
    other = page.locator("#cb-pick-ninghai-micro-power-list")
    other.click()
    assert other.is_checked() and page.evaluate("document.activeElement.id") == "cb-pick-ninghai-micro-power-list"
    assert other.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    page.keyboard.press("Space")  # and off again, still in place
    assert not other.is_checked() and page.evaluate("document.activeElement.id") == "cb-pick-ninghai-micro-power-list"
    assert "compare=beijing-jiesu-jiban" in unquote(page.url)
    assert page.get_by_role("button", name="对比所选（1）").is_disabled()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "browse/",
        "cases/beijing-chaoyang-gongshang-gongzhi/",
        "compare/?ids=beijing-jiesu-jiban,hunan-huayuan-huzhu-wuxing",
        "themes/",
        "glossary/",
    ],
)
def test_no_serious_accessibility_violations(page, site_url, path):
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert serious_accessibility_violations(page) == []


def test_offline_build_works_from_disk_with_search(page, offline_site):
    page.goto((offline_site / "cases" / "beijing-jiesu-jiban.html").as_uri())
    assert page.locator("h1").inner_text().rstrip("¶") == "北京市党建引领接诉即办"
    assert "minimal-case" not in page.content()
    assert "guangzhou-liurong-elevators" in search(page, "加装电梯")[:3]
    page.goto((offline_site / "browse.html").as_uri())
    page.wait_for_selector(".cb-results li")
    assert page.locator(".cb-results li").count() == len(CATALOG.published)
    page.goto((offline_site / "compare.html").as_uri() + "?ids=beijing-jiesu-jiban,ninghai-micro-power-list")
    page.wait_for_selector("table.cb-compare")
    assert "经验启示" in page.locator("table.cb-compare tbody").inner_text()  # the sections' text loads from disk too


@pytest.fixture(scope="module")
def hostile_site_url(tmp_path_factory):
    from .conftest import FIXTURES, CaseDir
    from .site_support import config_with_cases, serve

    folder = tmp_path_factory.mktemp("hostile-site")
    (folder / "cases").mkdir()
    CaseDir(folder / "cases")  # the two minimal cases …
    (folder / "cases" / "hostile-valid-case.yaml").write_text(
        (FIXTURES / "hostile-valid-case.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )  # … and a valid record full of markup
    result = build_site(folder / "site", config=config_with_cases(folder, folder / "cases"))
    assert result.returncode == 0, result.stderr
    url, stop = serve(folder / "site")
    yield url
    stop()


def test_hostile_but_valid_records_run_no_script(page, hostile_site_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = [
        "cases/hostile-valid-case/",
        "",
        "browse/",
        "compare/?ids=hostile-valid-case,minimal-case",
        "themes/",
        "mechanisms/",
        "regions/",
        "levels/",
        "glossary/",
        "handouts/",
        "data/",
        "schema/",
        "contribute/",
    ]
    for path in pages:
        page.goto(hostile_site_url + path)
        page.wait_for_load_state("networkidle")
        for link in page.locator("article a").all():
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith(("javascript:", "data:")), href
        page.locator("article").hover()
        assert page.evaluate("window.__pwned") is None, path
    # search quotes the record's text as text: the summary's script tag shows, and does not run
    assert search(page, "注入")[0] == "hostile-valid-case"
    assert page.locator(".cb-search__results :is(script, img, b, iframe, svg)").count() == 0
    search(page, "pwned")
    assert "<script>window.__pwned=1</script>" in page.locator(".cb-result__text").first.inner_text()
    search(page, "onerror")
    assert page.evaluate("window.__pwned") is None and dialogs == []
    html = page.goto(hostile_site_url + "cases/hostile-valid-case/").text()
    article = html[html.index("<article") : html.index("</article>")]
    for bad in ["<script", "<iframe", "<form", "<style", "<svg", "<img"]:
        assert bad not in article.lower(), bad
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", article, re.I)  # no event handler in any tag
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;提要" in article  # shown as text, not run
    assert dialogs == []


def test_citation_never_shows_the_address_the_page_is_read_at(page, site_url):
    page.goto(site_url + "cases/beijing-chaoyang-gongshang-gongzhi/")
    page.wait_for_load_state("networkidle")
    citation = page.locator(".cb-citation").inner_text()
    assert citation.startswith("基层治理案例库编辑部. 北京市朝阳区党政群共商共治[EB/OL]. 基层治理案例库, (")
    assert "127.0.0.1" not in citation and "localhost" not in citation
    links = page.locator("a[download]")
    assert sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href').split('/').pop())")) == [
        "beijing-chaoyang-gongshang-gongzhi.bib",
        "beijing-chaoyang-gongshang-gongzhi.ris",
    ]
    with page.expect_download() as download:
        links.first.click()
    saved = download.value.path().read_text(encoding="utf-8")
    assert saved.startswith("@online{beijing-chaoyang-gongshang-gongzhi,")


def test_no_request_leaves_the_host(page, requests_seen, site_url):
    """Every kind of page, opened and used here (and every page the tests above opened): every
    request stayed on 127.0.0.1 or on disk."""
    for path in (
        "",
        "cases/beijing-jiesu-jiban/",
        "browse/?theme=乡村治理",
        "compare/?ids=beijing-jiesu-jiban,ninghai-micro-power-list",
        "glossary/",
        "themes/",
        "handouts/",
        "data/",
    ):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    search(page, "接诉即办")
    assert len(requests_seen) > 30
    foreign = [u for u in requests_seen if not u.startswith(("http://127.0.0.1:", "file://", "data:", "blob:", "about:"))]
    assert foreign == []
