"""Search: the domain words jieba keeps whole, and the index tokens Material's search reads."""

from __future__ import annotations

import re

from .records.catalog import Catalog
from .text import place_chain


def search_words(catalog: Catalog, glossary: dict) -> list[str]:
    """Domain words jieba must keep whole: vocabularies, glossary, place names, aliases, keywords."""
    words: set[str] = set()
    for vocab in catalog.rules.vocabularies.values():
        words.update(t.term for t in vocab.terms if len(t.term) > 1)
    for entry in glossary["terms"]:
        words.update([entry["term"], *entry.get("aliases", [])])
    for case in catalog.cases.values():
        words.update(place_chain(case["location"]))
        words.update(case.get("aliases", []))
        words.update(case["keywords"])
    # jieba's dictionary is whitespace separated; a word is kept only if it is one token
    return sorted(w for w in words if w and not re.search(r"\s", w))


# a zero-width space that opens a one-character Chinese token (followed by another separator or the end)
_SINGLE_HAN_TOKEN = re.compile(r"(?<=[^\u200b])\u200b(?=[\u4e00-\u9fff](?:\u200b|$))")


def merge_single_han_tokens(text: str) -> str:
    """Join one-character Chinese tokens of the search index to the token before them.

    Material's search splits a Chinese query into index tokens, but never matches the query
    as a whole and stops at one-character tokens (搜“区域化党建” becomes 区域化* 党*, and 党*
    matches almost everything). With no one-character tokens in the index, the query's first
    segment is the longest word the dictionary kept whole. The text shown is unchanged:
    the separators are zero-width spaces.
    """
    return _SINGLE_HAN_TOKEN.sub("", text)
