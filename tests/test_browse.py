"""The browse page in Chromium, on both builds (served over HTTP and offline from file://): facets
from the schema as checkboxes with live counts, the keyword box that asks the header's search, and
the state kept in a URL that restores it."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest

from casebook.records.catalog import load_catalog

from .paths import CASES_DIR, RULES
from .site_support import case_ids, serious_accessibility_violations, top_cases

CATALOG = load_catalog([CASES_DIR], RULES)[0]
CASES = CATALOG.published
CHECKBOX_FACETS = [f for f in RULES.facets if not f.year]
YEAR = next(f for f in RULES.facets if f.year)


@pytest.fixture(params=["served", "offline"])
def browse(request, page, site_url, offline_site):
    """Open the browse page on one build, with a query string; returns the page once it shows the list."""
    base = site_url + "browse/" if request.param == "served" else (offline_site / "browse.html").as_uri()

    def open_page(query: str = "", target=None):
        target = target or page
        target.goto(base + query)
        keyword = parse_qs(query.lstrip("?")).get("q", [""])[0]
        wait_shown(target, keyword)
        return target

    return open_page


def wait_shown(page, keyword: str = "") -> None:
    """Wait until the list shows the results for this keyword ('' for none)."""
    page.wait_for_function("q => document.getElementById('cb-browse').dataset.shown === q", arg=keyword)


def shown(page) -> list[str]:
    return page.locator(".cb-results > li").evaluate_all("els => els.map(e => e.dataset.id)")


def box(page, facet: str, value: str):
    return page.locator(f'fieldset.cb-facet[data-facet="{facet}"] input[type=checkbox][value="{value}"]')


def tick(page, facet: str, value: str) -> None:
    """Tick a value as a reader does: a long list's further values are behind 更多."""
    target = box(page, facet, value)
    if not target.is_visible():
        page.locator(f'fieldset.cb-facet[data-facet="{facet}"] summary').click()
    target.check()


def checked(page) -> dict[str, list[str]]:
    return page.evaluate(
        """() => {
            const out = {};
            document.querySelectorAll('fieldset.cb-facet input[type=checkbox]:checked').forEach(b => {
                (out[b.name] = out[b.name] || []).push(b.value);
            });
            return out;
        }"""
    )


def page_counts(page) -> dict[str, dict[str, int]]:
    """Each facet's values as offered, in order, with the count its label shows."""
    return page.evaluate(
        """() => {
            const out = {};
            document.querySelectorAll('fieldset.cb-facet').forEach(fs => {
                const counts = out[fs.dataset.facet] = {};
                fs.querySelectorAll('input[type=checkbox]').forEach(b => {
                    const m = b.closest('label').textContent.match(/（(\\d+)）$/);
                    counts[b.value] = m ? +m[1] : null;
                });
            });
            return out;
        }"""
    )


def matches(case, selected: dict[str, set], keyword: set[str] | None, skip: str | None = None) -> bool:
    """The browse rule: OR within a facet, AND across facets, and the keyword's cases."""
    for facet in CHECKBOX_FACETS:
        wanted = selected.get(facet.name)
        if facet.name != skip and wanted and not wanted & set(facet.values(case.data)):
            return False
    return keyword is None or case.id in keyword


def expected(selected: dict[str, set], keyword: set[str] | None = None) -> tuple[set[str], dict[str, dict[str, int]]]:
    """The cases shown, and each value's count: the cases shown if it were added, given the other
    facets' choices and the keyword."""
    ids = {c.id for c in CASES if matches(c, selected, keyword)}
    counts = {}
    for facet in CHECKBOX_FACETS:
        found = Counter(v for c in CASES if matches(c, selected, keyword, skip=facet.name) for v in facet.values(c.data))
        counts[facet.name] = {str(v): found[v] for v in CATALOG.index(facet.name)}
    return ids, counts


def test_facets_come_from_the_schema_in_the_vocabulary_order(browse):
    page = browse()
    counts = page_counts(page)
    assert list(counts) == [f.name for f in CHECKBOX_FACETS]
    for facet in CHECKBOX_FACETS:
        values = list(CATALOG.index(facet.name))
        order = RULES.field(facet.path).terms
        if order:
            values.sort(key=order.index)
        assert list(counts[facet.name]) == [str(v) for v in values], facet.name
        legend = page.locator(f'fieldset.cb-facet[data-facet="{facet.name}"] > legend').inner_text()
        assert legend == facet.label
    assert counts == expected({})[1]
    label = box(page, "completeness", "stub").locator("xpath=..").text_content()
    assert label == f"资料待补充（{len(CATALOG.index('completeness')['stub'])}）"
    years = page.locator("#cb-f-from option").evaluate_all("os => os.map(o => o.value)")
    assert years == [""] + [str(y) for y in CATALOG.index(YEAR.name)]


def test_two_themes_show_their_union_and_a_level_narrows_to_the_intersection(browse):
    page = browse()
    themes = {"乡村治理", "城市更新"}
    for theme in sorted(themes):
        tick(page, "theme", theme)
    ids, counts = expected({"theme": themes})
    assert set(shown(page)) == ids
    assert len(ids) > max(len(CATALOG.index("theme")[t]) for t in themes)  # the union, not one theme
    assert page_counts(page) == counts
    # the counts of the theme facet itself do not change when a theme is ticked
    assert counts["theme"] == expected({})[1]["theme"]

    tick(page, "level", "县（区）")
    ids, counts = expected({"theme": themes, "level": {"县（区）"}})
    assert set(shown(page)) == ids
    assert 0 < len(ids) < len(expected({"theme": themes})[0])
    assert page_counts(page) == counts
    assert counts["theme"] != expected({})[1]["theme"]  # the other facets' counts follow the level
    # a value that would show nothing stays in the list, dimmed, and can still be ticked
    zero = page.locator("fieldset.cb-facet label.cb-zero input")
    assert zero.count() == sum(1 for f in counts.values() for n in f.values() if n == 0) > 0
    assert zero.first.is_enabled()
    for facet in counts:
        for value, n in counts[facet].items():
            assert (box(page, facet, value).locator("xpath=..").get_attribute("class") or "").count("cb-zero") == (n == 0)


def test_keyword_and_facet_give_the_intersection_with_the_header_search(browse):
    page = browse()
    found = top_cases(page, ["网格"], limit=1000)["网格"]
    assert 0 < len(found) < len(CASES)
    page.locator("#cb-f-q").fill("网格")
    wait_shown(page, "网格")
    # the header's results, in its order (the browse list then goes on by score)
    assert shown(page)[:10] == found[:10] and set(shown(page)) == set(found)
    found = case_ids(["/" + u for u in page.evaluate("q => window.casebookSearch.caseUrls(q)", "网格")])
    assert shown(page) == found
    tick(page, "setting", "城市")
    city = set(CATALOG.index("setting")["城市"])
    want = [i for i in found if i in city]
    assert 0 < len(want) < len(found)
    assert shown(page) == want
    assert page_counts(page) == expected({"setting": {"城市"}}, set(found))[1]
    # an order the reader chooses applies to the keyword's results too
    page.select_option("#cb-f-sort", "title")
    titles = [CATALOG.cases[i]["title"] for i in shown(page)]
    assert set(shown(page)) == set(want)
    assert titles == page.evaluate("ts => ts.slice().sort((a, b) => a.localeCompare(b, 'zh-Hans-CN'))", titles)


def test_keyword_waits_for_the_input_method_and_the_old_substring_filter_is_gone(browse):
    page = browse()
    grid = top_cases(page, ["网格"], limit=1000)["网格"]  # the search is ready: a search of the composing text would show in time
    page.evaluate(
        """() => {
            const box = document.getElementById('cb-f-q');
            box.dispatchEvent(new CompositionEvent('compositionstart'));
            box.value = 'wang';
            box.dispatchEvent(new InputEvent('input', {isComposing: true}));
        }"""
    )
    page.wait_for_timeout(600)
    assert page.evaluate("document.getElementById('cb-browse').dataset.shown") == ""
    assert len(shown(page)) == len(CASES)
    page.evaluate(
        """() => {
            const box = document.getElementById('cb-f-q');
            box.value = '網格';
            box.dispatchEvent(new CompositionEvent('compositionend', {data: '網格'}));
        }"""
    )
    wait_shown(page, "網格")
    # the header's search reads traditional characters as simplified: a substring filter would find nothing
    assert shown(page) == grid != []


def test_the_url_restores_checkboxes_keyword_and_list(browse):
    page = browse()
    for theme in ("乡村治理", "城市更新"):
        tick(page, "theme", theme)
    tick(page, "setting", "农村")
    page.locator("#cb-f-q").fill("党建")
    wait_shown(page, "党建")
    page.select_option("#cb-f-from", "2010")
    page.select_option("#cb-f-sort", "year-asc")
    before = shown(page)
    assert before
    query = parse_qs(urlparse(page.url).query)
    assert query["theme"] == ["乡村治理", "城市更新"] and query["setting"] == ["农村"]
    assert query["q"] == ["党建"] and query["from"] == ["2010"] and query["sort"] == ["year-asc"]
    fresh = page.context.new_page()
    fresh.goto(page.url)
    wait_shown(fresh, "党建")
    assert checked(fresh) == {"theme": ["乡村治理", "城市更新"], "setting": ["农村"]}
    assert fresh.input_value("#cb-f-q") == "党建" and fresh.input_value("#cb-f-from") == "2010"
    assert fresh.input_value("#cb-f-sort") == "year-asc"
    assert shown(fresh) == before
    assert page_counts(fresh) == page_counts(page)


def test_the_keyboard_reaches_and_toggles_a_facet_value_and_keeps_the_focus(browse):
    page = browse()
    page.focus("#cb-f-q")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "level":
            break
    focused = page.evaluate("(() => { const b = document.activeElement; b.dataset.same = 'yes'; return b.value; })()")
    page.keyboard.press("Space")
    assert box(page, "level", focused).is_checked()
    assert page.evaluate("document.activeElement.dataset.same") == "yes"  # the same box, still focused
    assert set(shown(page)) == expected({"level": {focused}})[0]
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert ring[0] != "none" and ring[1] > 0
    page.keyboard.press("Space")
    assert len(shown(page)) == len(CASES) and page.evaluate("document.activeElement.dataset.same") == "yes"
    # a long list's further values open from the keyboard too
    more = page.locator('fieldset.cb-facet[data-facet="province"] summary')
    more.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    value = page.evaluate("document.activeElement.closest('details') && document.activeElement.value")
    assert value in CATALOG.index("province")
    page.keyboard.press("Space")
    assert box(page, "province", value).is_checked()
    assert set(shown(page)) == set(CATALOG.index("province")[value])


def test_no_serious_accessibility_violations_with_filters_applied(browse):
    page = browse("?theme=乡村治理&theme=城市更新&level=县（区）&province=浙江省&q=网格&from=2000")
    assert checked(page)["province"] == ["浙江省"]
    assert page.locator('fieldset.cb-facet[data-facet="province"] details').get_attribute("open") is not None
    assert page.locator("fieldset.cb-facet label.cb-zero").count() > 0
    page.focus("fieldset.cb-facet input[type=checkbox]")
    assert serious_accessibility_violations(page) == []
