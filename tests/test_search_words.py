"""The words of search (casebook/search/words.py): any stretch of a page's text, typed as a query,
is made of words that begin index words of that page; so the search finds the page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.records.catalog import load_catalog
from casebook.search.words import Dictionary, domain_words, index_words, normalise, query_words
from casebook.text import strip_citations

from .paths import CASES_DIR, RULES
from .test_search import GLOSSARY

CATALOG = load_catalog([CASES_DIR], RULES)[0]
DICTIONARY = Dictionary(domain_words(CATALOG, GLOSSARY))
TEXTS = [strip_citations(c["summary"]) for c in CATALOG.cases.values()]


def found(query: str, text: str) -> bool:
    words = index_words(text, DICTIONARY)
    return all(any(w.startswith(q) for w in words) for q in query_words(query, DICTIONARY))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_stretch_of_a_text_finds_that_text(data):
    text = data.draw(st.sampled_from(TEXTS))
    start = data.draw(st.integers(0, len(text) - 1))
    if start and text[start - 1 : start + 1].isascii() and text[start - 1 : start + 1].isalnum():
        return  # a number or Latin word is found from its start (2010 by 20, not by 010)
    query = text[start : start + data.draw(st.integers(1, 12))]
    assert found(query, text), query


def test_domain_words_stay_whole_and_the_rest_is_read_in_pairs():
    assert "网格化管理" in DICTIONARY.words
    assert query_words("网格化管理", DICTIONARY) == ["网格化管理"]
    assert query_words("六榕街道加装电梯", DICTIONARY) == ["六榕", "榕街", "街道", "道加", "加装", "装电", "电梯"]
    assert query_words("網格化管理 ４＋２", DICTIONARY) == ["网格化管理", "42"]
    # a lone character finds the runs that end with it, too
    assert found("市", "北京市") and found("北", "北京市") and not found("南", "北京市")


def test_traditional_and_full_width_text_reads_as_simplified():
    assert normalise("吹哨報到　ＡＢＣ１２３") == "吹哨报到 abc123"
