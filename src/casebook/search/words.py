"""The words of search, one rule for the index and the query.

Chinese has no spaces, and a browser has no jieba. So the index and the query agree on two
kinds of word that both sides can find the same way:

- every pair of neighbouring Chinese characters (bigrams): a page that contains a query's
  text contains all of the query's pairs, whatever the words around it;
- the domain words (vocabularies and glossary terms with their aliases, three characters or
  more): indexed wherever they occur, and kept whole in a query by longest match, so 网格化管理
  finds the pages that say 网格化管理, not those that say 网格 and 管理 apart.

Runs of Latin letters and digits are words as they are. Text is compared after NFKC (full- and
half-width forms are the same), lower case and Traditional to Simplified, on both sides.

A glossary term and its aliases are one more word, their group's (e.g. ``zqdx``): a page holds it
where it holds every word of one of the names, and a query naming one of them asks for it in place
of that name's words. So 吹哨报到 finds the pages that say 街乡吹哨、部门报到 in one search.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from ..records.catalog import Catalog

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Latin and number runs joined by + are one word (4+2, 1+5+n), written without the +
_RUN = re.compile(f"[{HAN}]+|[0-9a-z]+(?:\\+[0-9a-z]+)*")
MIN_DOMAIN_WORD = 3  # shorter words are pairs already


def normalise(text: str) -> str:
    """Text as search compares it: NFKC, lower case, Simplified characters."""
    return unicodedata.normalize("NFKC", text).lower().translate(_simplifying_table())


@cache
def simplified_characters() -> dict[str, str]:
    """Every Chinese character OpenCC's t2s changes, with its Simplified form: OpenCC's own data,
    read one character at a time, so that the browser (search.js) can apply the same table."""
    import opencc

    chars = [chr(c) for c in range(0x3400, 0xFAFF + 1) if re.match(f"[{HAN}]", chr(c))]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {t: s for t, s in zip(chars, converted) if t != s and len(s) == 1}


@cache
def _simplifying_table() -> dict[int, str]:
    return str.maketrans(simplified_characters())


def domain_words(catalog: Catalog, glossary: dict) -> list[str]:
    """Words a query keeps whole: the vocabularies' terms and the glossary's terms and aliases
    (the parts between punctuation, three Chinese characters or more)."""
    words: set[str] = set()
    for vocab in catalog.rules.vocabularies.values():
        words.update(t.term for t in vocab.terms)
    for entry in glossary["terms"]:
        words.update([entry["term"], *entry.get("aliases", [])])
    parts = {run for w in words for run in _RUN.findall(normalise(w))}
    return sorted(p for p in parts if len(p) >= MIN_DOMAIN_WORD and re.fullmatch(f"[{HAN}]+", p))


def synonyms(glossary: dict) -> list[list[str]]:
    """Groups of names for one thing (a glossary term and its aliases): a query naming one finds
    the pages that name any (see Dictionary.groups)."""
    return [[normalise(n) for n in [e["term"], *e["aliases"]]] for e in glossary["terms"] if e.get("aliases")]


class Dictionary:
    """The domain words, looked up by their first two characters, and the synonym groups, each
    name with its words."""

    def __init__(self, words: list[str], synonyms: list[list[str]] | None = None):
        self.words = words
        self.synonyms = synonyms or []
        self.by_start: dict[str, list[str]] = {}
        for w in sorted(words, key=len, reverse=True):  # longest first: the query's longest match
            self.by_start.setdefault(w[:2], []).append(w)
        self.groups = [(group_word(k), [_plain_query_words(n, self) for n in g]) for k, g in enumerate(self.synonyms)]

    def starting_at(self, run: str, i: int) -> list[str]:
        return [w for w in self.by_start.get(run[i : i + 2], ()) if run.startswith(w, i)]


GROUP_DIGITS = "abcdefghijklmnopqrstuvw"  # no x: the x that ends a group's word is in no other place


def group_word(k: int) -> str:
    """The word of the k-th synonym group: a Latin run (kept whole by both sides) of letters
    only, its number written in GROUP_DIGITS between zq and x. As a query word matches the index
    words it begins, no group's word may begin another's (zqbx, zqbax), nor a number's: Pagefind
    also indexes the digits in a run of letters and digits as a word, and zq12x would be found by
    a reader typing 12345 on the way."""
    digits = ""
    while True:
        k, digit = divmod(k, len(GROUP_DIGITS))
        digits = GROUP_DIGITS[digit] + digits
        if not k:
            return f"zq{digits}x"


def index_words(text: str, dictionary: Dictionary) -> Counter[str]:
    """The words of a text for the index: every pair, every domain word it contains, each Latin
    or number run, the last character of each Chinese run, and the word of each synonym group
    one of whose names it holds (as often as it holds the name it holds most)."""
    words: Counter[str] = Counter()
    for run in _RUN.findall(normalise(text)):
        if not "\u3400" <= run[0]:
            words[run.replace("+", "")] += 1
            continue
        # a one-character query matches the words it begins: every character begins a pair but the last
        words[run[-1]] += 1
        for i in range(len(run) - 1):
            words[run[i : i + 2]] += 1
            words.update(dictionary.starting_at(run, i))
    latin = [w for w in words if not "\u3400" <= w[0]]
    for group, names in dictionary.groups:
        if count := max((min(_occurrences(words, latin, w) for w in name) for name in names if name), default=0):
            words[group] += count
    return words


def _occurrences(words: Counter[str], latin: list[str], word: str) -> int:
    """How often a query word is in a text's index words: a query word finds the index words it
    begins (a pair or domain word is one whole, a Latin run or a lone character may begin more)."""
    if "\u3400" <= word[0]:
        return words[word] if len(word) >= 2 else sum(c for w, c in words.items() if w.startswith(word))
    return sum(words[w] for w in latin if w.startswith(word))


def query_words(query: str, dictionary: Dictionary) -> list[str]:
    """The words of a query (the same rule as search.js, which the browser runs): domain words
    by longest match, the pairs of what is left, Latin and number runs as they are; the words
    of a synonym's name give way to its group's word."""
    words = _plain_query_words(query, dictionary)
    for group, names in dictionary.groups:
        for name in names:
            if name and all(w in words for w in name):
                at = min(words.index(w) for w in name)
                words = words[:at] + [group] + [w for w in words[at:] if w not in name]
    return list(dict.fromkeys(words))


def _plain_query_words(query: str, dictionary: Dictionary) -> list[str]:
    """The words of a query before synonyms: see query_words."""
    words: list[str] = []
    for run in _RUN.findall(normalise(query)):
        if not "\u3400" <= run[0] or len(run) == 1:
            words.append(run.replace("+", ""))
            continue
        i, loose = 0, []  # loose: positions no domain word covers
        while i < len(run):
            longest = dictionary.starting_at(run, i)
            if longest:
                words.append(longest[0])
                i += len(longest[0])
            else:
                loose.append(i)
                i += 1
        for i in loose:  # each loose character is read in a pair, with the next one or the last
            j = i if i + 1 < len(run) else i - 1
            words.append(run[j : j + 2])
    return list(dict.fromkeys(words))
