"""Search in Chromium, on both builds: the served site (Pagefind, over HTTP) and the offline site
(script shards, from file://). One set of tests runs against each."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from casebook.search import indexes
from casebook.search.documents import SearchDocument, page_text
from casebook.search.indexes import _parts, write_pagefind
from casebook.search.words import Dictionary, _occurrences, index_words, normalise, query_words

from .paths import RULES
from .site_support import (
    build_site,
    case_ids,
    config_with_cases,
    header_search,
    serious_accessibility_violations,
    serve,
    top_cases,
)

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))
GLOSSARY = yaml.safe_load((RULES.folder / "glossary.yaml").read_text(encoding="utf-8"))


@pytest.fixture(params=["served", "served-in-parts", "offline"])
def build(request, page, site_url, offline_site):
    """The page to search from, on one build; the offline build's folder."""
    if request.param == "served":
        page.goto(site_url)
        return page, None
    if request.param == "served-in-parts":
        page.goto(request.getfixturevalue("parted_site")[1])
        return page, None
    page.goto((offline_site / "index.html").as_uri())
    return page, offline_site


def test_query_set_finds_the_expected_case_in_the_top_three(build):
    page, _ = build
    found = top_cases(page, [str(q["query"]) for q in QUERIES])
    misses = []
    for q in QUERIES:
        wanted = {q["expect"]} if isinstance(q["expect"], str) else set(q["expect"])
        if not wanted & set(found[str(q["query"])]):
            misses.append((q["query"], q["expect"], found[str(q["query"])]))
    rate = 1 - len(misses) / len(QUERIES)
    assert len(QUERIES) >= 60
    assert rate >= 0.95, f"top-3 hit rate {rate:.1%}; missed: {misses}"


def domain_terms() -> list[str]:
    """The vocabularies' and the glossary's terms (not codes such as the reference types' G or N)."""
    terms = {t.term for vocab in RULES.vocabularies.values() for t in vocab.terms}
    for entry in GLOSSARY["terms"]:
        terms.update([entry["term"], *entry.get("aliases", [])])
    return sorted(t for t in terms if re.search("[\u4e00-\u9fff]", t))


def test_every_domain_term_finds_every_case_that_says_it(build, built_site):
    """Index and query agree on the words: a vocabulary or glossary term finds every case whose
    readable text (title, key words and body, as the built page shows them) contains it."""
    page, _ = build
    texts = {}
    for html in (built_site[0] / "cases").glob("*/index.html"):
        article = html.read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]
        texts[html.parent.name] = normalise(page_text("<article" + article))
    terms = domain_terms()
    assert len(terms) > 100
    found = top_cases(page, terms, limit=1000)
    missing = {}
    for term in terms:
        wanted = {case for case, text in texts.items() if normalise(term) in text}
        if wanted - set(found[term]):
            missing[term] = sorted(wanted - set(found[term]))
    assert missing == {}


# Queries with a word no case holds, or a word only one case holds beside a common one: left to
# itself, Pagefind answers these with pages that lack a word (a missing word is left out of the
# query, or matched by a shorter word it begins with), and in an index built in parts it does so
# in each part that lacks the word.
STRAY_QUERIES = ["停车龘", "加装电梯龘", "宁波龘", "123456", "12", "六榕寺", "六榕 加装电梯", "宁波 议事协商", "兴隆嬢嬢 停车"]


def test_every_case_a_query_finds_holds_every_word_of_it(build, offline_site):
    """The header's results and the browse list's: a case is found only if it holds each word of
    the query as the index reads it (words.py), on every build."""
    page, _ = build
    documents, dictionary = indexed_documents(offline_site)
    queries = [*STRAY_QUERIES, *(str(q["query"]) for q in QUERIES), *domain_terms()]
    found = page.evaluate(
        "async qs => { const out = {}; for (const q of qs) out[q] = await window.casebookSearch.caseUrls(q); return out; }",
        queries,
    )
    found = {query: case_ids(["/" + url for url in urls]) for query, urls in found.items()}
    stray = {}
    for query, cases in found.items():
        words = query_words(query, dictionary)
        if wrong := [case for case in cases if not _holds(documents[case], words)]:
            stray[query] = wrong
    assert stray == {}
    assert "guangzhou-liurong-elevators" in found["六榕 加装电梯"] and found["停车龘"] == []


def indexed_documents(site: Path) -> tuple[dict[str, Counter[str]], Dictionary]:
    """Each case's index words (by its id), from the search data of a built offline site; the site's dictionary."""
    config = script_data(site / indexes.ASSETS / "config.js")
    dictionary = Dictionary(config["words"], config["synonyms"])
    texts: dict[int, list[str]] = dict(script_data(path) for path in (site / indexes.ASSETS / "text").glob("*.js"))
    documents = {}
    for n, (url, kind, *_, keys) in enumerate(script_data(site / indexes.ASSETS / "docs.js")):
        if kind == 0:
            text = texts[n // config["text_chunk"]][n % config["text_chunk"]]
            documents[case_ids(["/" + url])[0]] = index_words(keys, dictionary) + index_words(text, dictionary)
    return documents, dictionary


def script_data(path: Path):
    """What a search data script (indexes._write_script) hands to its function."""
    return json.loads(re.search(r"\((.*)\);", path.read_text(encoding="utf-8")).group(1))


def _holds(words_of_page: Counter[str], query: list[str]) -> bool:
    latin = [w for w in words_of_page if not "\u3400" <= w[0]]
    return all(_occurrences(words_of_page, latin, word) for word in query)


def test_traditional_full_width_and_synonyms_find_the_same_cases(build):
    page, _ = build
    found = top_cases(page, ["吹哨报到", "吹哨報到", "村民說事", "１２３４５", "12345", "大工委"], limit=5)
    assert found["吹哨報到"][:3] == found["吹哨报到"][:3] and found["吹哨报到"][0] == "beijing-jiexiang-chuishao-bumen-baodao"
    assert "xiangshan-cunmin-shuoshi" in found["村民說事"][:3]
    assert found["１２３４５"] == found["12345"] and "beijing-jiesu-jiban" in found["12345"][:3]
    # 大工委 is another name of the glossary's 大党委: cases that say either are found
    assert {"ningbo-1n-regional-party-building", "guangzhou-liurong-elevators"} <= set(found["大工委"])


def test_header_box_searches_on_typing_paste_and_input_method(build):
    page, _ = build
    assert "guangzhou-liurong-elevators" in header_search(page, "加装电梯")[:3]
    box = page.locator(".cb-search__input")
    box.fill("六榕")  # a paste: one input event, no key
    page.wait_for_function("() => document.getElementById('cb-search-results').dataset.shown === '六榕'")
    # an input method: input events while composing are left alone; the end of composition searches
    page.evaluate(
        """() => {
            const box = document.querySelector('.cb-search__input');
            box.dispatchEvent(new CompositionEvent('compositionstart'));
            box.value = 'hu';
            box.dispatchEvent(new InputEvent('input', {isComposing: true}));
            box.value = '互助五兴';
            box.dispatchEvent(new CompositionEvent('compositionend', {data: '互助五兴'}));
        }"""
    )
    page.wait_for_function("() => document.getElementById('cb-search-results').dataset.shown === '互助五兴'")
    hrefs = page.eval_on_selector_all(".cb-search__results a", "els => els.map(e => e.getAttribute('href'))")
    assert case_ids(hrefs)[0] == "hunan-huayuan-huzhu-wuxing"


def test_a_result_shows_title_place_level_and_the_sentence_that_matched(build):
    page, _ = build
    header_search(page, "兴隆嬢嬢")
    first = page.locator(".cb-result").first
    assert first.locator(".cb-result__title").inner_text() == "重庆市南岸区南坪镇兴隆社区兴隆苑小区治理"
    assert first.locator(".cb-result__meta").inner_text() == "重庆市 南岸区 南坪镇 · 小区"
    sentence = first.locator(".cb-result__text").inner_text()
    assert "兴隆嬢嬢" in sentence and first.locator(".cb-result__text mark").first.inner_text() in "兴隆嬢嬢"
    for label in ("区划代码", "城乡类型", "完整度", "参考文献"):  # never the metadata card
        assert label not in page.locator(".cb-search__results").inner_text()


def test_cases_come_before_glossary_and_pages_which_show_only_on_a_strong_match(build):
    page, _ = build
    results = page.evaluate(
        """async () => {
            const kinds = async q => (await window.casebookSearch.search(q)).results.map(r => r.kind);
            return {term: await kinds("接诉即办"), grid: await kinds("网格"), guide: await kinds("编辑指南")};
        }"""
    )
    term = results["term"]
    assert term[0] == "case" and "glossary" in term
    assert term == sorted(term, key=["case", "glossary", "page"].index)
    assert set(results["grid"]) == {"case", "glossary"}  # no editors' page names 网格 in its title
    assert "page" in results["guide"]


def test_browser_reads_a_query_as_python_does(build):
    """search.js and words.py are one rule written twice: the same queries give the same words."""
    from casebook.records.catalog import load_catalog
    from casebook.search.words import Dictionary, domain_words, query_words, synonyms

    from .paths import CASES_DIR

    page, _ = build
    dictionary = Dictionary(domain_words(load_catalog([CASES_DIR], RULES)[0], GLOSSARY), synonyms(GLOSSARY))
    queries = [str(q["query"]) for q in QUERIES] + domain_terms() + ["１＋５＋Ｎ 西磑村", "A4 纸", "市"]
    in_browser = page.evaluate(
        """async qs => { await window.casebookSearch.start();
            return qs.map(q => window.casebookSearch.queryWords(window.casebookSearch.normalise(q))); }""",
        queries,
    )
    assert dict(zip(queries, in_browser)) == {q: query_words(q, dictionary) for q in queries}


def test_open_search_results_have_no_serious_accessibility_violations(build):
    page, _ = build
    header_search(page, "加装电梯")
    page.keyboard.press("ArrowDown")  # a result focused, its focus ring shown
    assert page.evaluate("document.activeElement.classList.contains('cb-result')")
    assert serious_accessibility_violations(page) == []


def test_a_served_index_built_in_parts_holds_every_page_once(parted_site, built_site):
    """The parted build (see parted_site): several Pagefind runs, which the browser merges; together
    they hold each page the one-run index holds, once."""
    site = parted_site[0]
    config = script_data(site / indexes.ASSETS / "config.js")
    assert len(config["pagefind_parts"]) >= 3
    assert all((site / part / "pagefind-entry.json").exists() for part in config["pagefind_parts"])
    fragments = [f for part in ["pagefind/", *config["pagefind_parts"]] for f in (site / part / "fragment").iterdir()]
    pages = [url for part in script_data(site / indexes.ASSETS / "pagefind-pages.js") for url in part.values()]
    [whole] = script_data(built_site[0] / indexes.ASSETS / "pagefind-pages.js")  # one part
    assert len(fragments) == len(pages) and sorted(pages) == sorted(whole.values())
    # what each result shows: a file per fragment, named by it, for the page it is
    shown = {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in (site / indexes.ASSETS / indexes.PAGES).iterdir()}
    assert sorted(shown) == sorted(f.name.removesuffix(".pf_fragment") for f in fragments)
    ids = {page_id: url for part in script_data(site / indexes.ASSETS / "pagefind-pages.js") for page_id, url in part.items()}
    assert all(shown[page_id]["url"] == url for page_id, url in ids.items())


@pytest.mark.parametrize("name", ["served", "served-in-parts"])
def test_pagefind_searches_on_the_pages_own_thread(request, page, site_url, name):
    """Pagefind's worker would start on its own and copy every result across: the first results
    come sooner without it (see search.js), and the site does not carry it."""
    if name == "served":
        site, url = request.getfixturevalue("built_site")[0], site_url
    else:
        site, url = request.getfixturevalue("parted_site")
    page.goto(url)
    assert header_search(page, "加装电梯")
    assert page.workers == []
    assert not list(site.glob("pagefind/**/pagefind-worker.js"))


def test_a_word_of_letters_and_digits_is_one_word_to_the_served_index(cases, tmp_path, page):
    """12 finds the cases that say 12, not the one that says A12: in the browse list too, which
    goes past the header's results and checks one result per part of the index, not each."""
    cases.variant("says-a12", "背景文字[^r1]。", "背景文字，编号A12[^r1]。")
    twelve = [f"says-12-{n:02}" for n in range(20)]  # more than the header lists
    for name in twelve:
        cases.variant(name, "背景文字[^r1]。", "背景文字，12号楼[^r1]。")
    result = build_site(tmp_path / "site", config=config_with_cases(tmp_path, cases.root, pdf=False))
    assert result.returncode == 0, result.stderr
    url, stop = serve(tmp_path / "site")
    try:
        page.goto(url)
        found = page.evaluate("qs => Promise.all(qs.map(q => window.casebookSearch.caseUrls(q)))", ["12", "a12"])
        assert [sorted(case_ids(["/" + u for u in urls])) for urls in found] == [twelve, ["says-a12"]]
    finally:
        stop()


def test_parts_are_drawn_by_address_near_their_size():
    pages = [(f"p{i}", f"cases/c{i}/", 10) for i in range(9000)]
    parts = _parts(pages, 10_000)  # 90,000 characters: ten parts of about 9,000
    assert len(parts) == 10 and sorted(x for p in parts for x in p) == sorted(p for p, *_ in pages)
    assert all(8_000 < len(p) * 10 <= 10_000 for p in parts)
    assert all(p == sorted(p, key=lambda x: int(x[1:])) for p in parts)  # in the pages' order
    grown = _parts([*pages, ("new", "cases/new/", 10)], 10_000)
    assert sum(a != b for a, b in zip(parts, grown)) == 1  # a new page changes its own part only
    assert _parts(pages[:3], 100) == [["p0", "p1", "p2"]]


def test_a_part_of_the_index_is_made_again_only_when_its_pages_change(tmp_path, monkeypatch):
    docs = [SearchDocument(f"cases/c{i}/", "case", f"案例{i}", [f"page{i}"], f"第{i}个案例讲网格化管理。") for i in range(6)]
    dictionary = Dictionary(["网格化管理"])
    cache = tmp_path / "cache"
    ran = []  # the addresses of the pages of each Pagefind run
    real_run = indexes._run_pagefind
    monkeypatch.setattr(
        indexes,
        "_run_pagefind",
        lambda pages, out: ran.append(["cases/c" + re.search(r"page(\d+)" + indexes.WORD_END, p).group(1) + "/" for p in pages])
        or real_run(pages, out),
    )

    def build(docs):
        site = tmp_path / "site"
        parts = write_pagefind(site, docs, dictionary, cache, part_size=30)  # 90 characters: three or so parts
        pages = script_data(site / indexes.ASSETS / "pagefind-pages.js")
        assert len(pages) == len(parts) + 1 and sorted(url for part in pages for url in part.values()) == sorted(
            d.url for d in docs
        )
        assert all((site / part / "pagefind-entry.json").exists() for part in ["pagefind/", *parts])
        return parts

    parts = build(docs)
    assert len(ran) == len(parts) + 1 >= 2 and sorted(u for run in ran for u in run) == [d.url for d in docs]
    build(docs)
    assert len(ran) == len(parts) + 1  # nothing changed: every part from the cache
    docs[3].text = "第3个案例改写了。"
    build(docs)
    assert len(ran) == len(parts) + 2 and "cases/c3/" in ran[-1] and ran[-1] in ran[:-1]
    assert len(list((cache / "pagefind").iterdir())) == len(parts) + 1  # the replaced part's old bundle is gone


def test_cases_that_hold_only_a_synonym_follow_those_that_hold_the_query_as_typed(build):
    page, _ = build
    for query in ("吹哨报到", "村民说事会"):
        found = page.evaluate(
            "async q => (await window.casebookSearch.search(q, 50)).results.filter(r => r.kind === 'case')"
            ".map(r => ({phrase: r.phrase, typed: r.typed, text: r.title + ' ' + r.keys + ' ' + r.text}))",
            query,
        )
        assert [r["typed"] for r in found] == [normalise(query) in normalise(r["text"]) for r in found]
        if query == "村民说事会":  # one case says so; others only 村民说事
            assert True in [r["typed"] for r in found] and False in [r["typed"] for r in found]
        assert found == sorted(found, key=lambda r: (-r["phrase"], -r["typed"]))
