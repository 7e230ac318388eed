"""The words of search (casebook/search/words.py): any stretch of a page's text, typed as a query,
is made of words that begin index words of that page; so the search finds the page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.records.catalog import load_catalog
from casebook.search.words import Dictionary, domain_words, index_words, normalise, query_words, synonyms
from casebook.text import strip_citations

from .paths import CASES_DIR, RULES
from .test_search import GLOSSARY

CATALOG = load_catalog([CASES_DIR], RULES)[0]
DICTIONARY = Dictionary(domain_words(CATALOG, GLOSSARY), synonyms(GLOSSARY))
TEXTS = [strip_citations(c["summary"]) for c in CATALOG.cases.values()]


def found(query: str, text: str) -> bool:
    words = index_words(text, DICTIONARY)
    return all(any(w.startswith(q) for w in words) for q in query_words(query, DICTIONARY))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_stretch_of_a_text_finds_that_text(data):
    text = data.draw(st.sampled_from(TEXTS))
    start = data.draw(st.integers(0, len(text) - 1))
    if start and all(c.isascii() and (c.isalnum() or c == "+") for c in text[start - 1 : start + 1]):
        return  # a number or Latin word (1+5+X too) is found from its start (2010 by 20, not by 010)
    query = text[start : start + data.draw(st.integers(1, 12))]
    assert found(query, text), query


def test_domain_words_stay_whole_and_the_rest_is_read_in_pairs():
    plain = Dictionary(DICTIONARY.words)  # without the synonym groups
    assert "网格化管理" in plain.words
    assert query_words("网格化管理", plain) == ["网格化管理"]
    assert query_words("六榕街道加装电梯", plain) == ["六榕", "榕街", "街道", "道加", "加装", "装电", "电梯"]
    assert query_words("網格化管理 ４＋２", plain) == ["网格化管理", "42"]
    # a lone character finds the runs that end with it, too
    assert found("市", "北京市") and found("北", "北京市") and not found("南", "北京市")


def test_traditional_and_full_width_text_reads_as_simplified():
    assert normalise("吹哨報到　ＡＢＣ１２３") == "吹哨报到 abc123"


def test_a_synonym_is_one_word_of_its_group():
    """A name of a glossary term or alias gives way to its group's word, which a page holds
    wherever it holds every word of one of the names: one search finds them all."""
    group = query_words("吹哨报到", DICTIONARY)
    assert len(group) == 1 and group == query_words("乡镇吹哨、部门报到", DICTIONARY) == query_words(
        "街乡吹哨部门报到", DICTIONARY
    )
    for text in ("平谷首创街乡吹哨部门报到。", "试行“乡镇吹哨、部门报到”", "吹哨報到"):
        assert found("吹哨报到", text) and found("街乡吹哨、部门报到", text), text
    assert not found("吹哨报到", "街乡吹哨。") and not found("吹哨报到", "部门报到")
    assert query_words("大工委书记", DICTIONARY) == [*query_words("大党委", DICTIONARY), "书记"]
    # as often as the name it holds most often (网格化管理 is 网格化 too: a sum would count it twice)
    assert index_words("街道大工委，社区大工委，区里大党委", DICTIONARY)[query_words("大党委", DICTIONARY)[0]] == 2
    assert index_words("网格化管理", DICTIONARY)[query_words("网格化", DICTIONARY)[0]] == 1
    # a number's start finds it, but not a name inside another number
    assert found("1+N", "“1+N”组织设置") and not found("1+N", "21+N")
