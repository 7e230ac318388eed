"""What search knows of a page: its address, kind, title, the words it should be found by
first (title, aliases, keywords, place, level, themes, mechanisms) and the text a result quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..records.catalog import Case
from ..text import anchor, place_chain, strip_citations

# The order of results: cases, then glossary terms, then the other pages (which show only
# when their title or key words match).
KINDS = ("case", "glossary", "page")


@dataclass
class SearchDocument:
    url: str  # relative to the site root
    kind: str
    title: str
    keys: list[str]  # matched with more weight than the text
    text: str  # plain text, paragraphs on lines of their own
    place: str = ""
    level: str = ""

    @property
    def indexed_text(self) -> str:
        """The text the indexes hold besides the key words: a case's. Other pages show only when
        their title or key words hold the whole query, so their text would only cost lookups."""
        return self.text if self.kind == "case" else ""


def case_document(url: str, case: Case, html: str) -> SearchDocument:
    data = case.data
    places = place_chain(data["location"])
    # the level too, which a result shows: a reader who types it finds the cases of that level
    keys = [
        data["title"],
        *data.get("aliases", []),
        *data["keywords"],
        *places,
        data["level"],
        *data["themes"],
        *data.get("mechanisms", []),
    ]
    return SearchDocument(
        url=url,
        kind="case",
        title=data["title"],
        keys=list(dict.fromkeys(keys)),
        text=page_text(html),
        place=" ".join(places[:3]),
        level=data["level"],
    )


def glossary_documents(url: str, glossary: dict) -> list[SearchDocument]:
    """One result per glossary term, linked to its entry."""
    return [
        SearchDocument(
            url=f"{url}#{anchor(entry['term'])}",
            kind="glossary",
            title=entry["term"],
            keys=[entry["term"], *entry.get("aliases", [])],
            text=strip_citations(entry["definition"]),
        )
        for entry in glossary["terms"]
    ]


def page_document(url: str, title: str, html: str) -> SearchDocument:
    return SearchDocument(url=url, kind="page", title=title, keys=[title], text=page_text(html))


def page_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "\n".join(b for b in (re.sub(r"\s+", " ", "".join(b)).strip() for b in parser.blocks) if b)


class _TextParser(HTMLParser):
    """The readable text of a page's content, one block (paragraph, item, heading, cell) a line.

    Left out: the title and its English form, the metadata card (its fields are key words already), footnote and citation marks,
    header anchors, scripts, and every section whose heading says data-search-exclude (the
    references, related cases, downloads and citation blocks of a case page)."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "div", "tr", "summary"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.stack: list[bool] = []  # per open element: does it hide its content?
        self.hidden = 0
        self.excluded_level = 0  # inside a section whose heading level is this (0: none)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.HEADINGS and self.excluded_level and int(tag[1]) <= self.excluded_level:
            self.excluded_level = 0
        if tag in self.HEADINGS and a.get("data-search-exclude") is not None:
            self.excluded_level = int(tag[1])
        if tag in self.VOID:
            return
        classes = (a.get("class") or "").split()
        hides = (
            tag in ("script", "style", "sup", "template", "h1")  # the title is a key word already
            or "cb-card" in classes
            or "cb-title-en" in classes
            or "headerlink" in classes
            or "footnote" in classes
            or a.get("aria-hidden") == "true"
        )
        self.stack.append(hides)
        self.hidden += hides
        if tag in self.BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self.hidden -= self.stack.pop()
        if tag in self.BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        if not self.hidden and not self.excluded_level:
            self.blocks[-1].append(data)
