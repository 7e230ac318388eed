"""Text helpers shared by the site and PDF renderers: citations, glossary terms, GB/T 7714,
the library's own citation (GB/T 7714, BibTeX, RIS), its addresses and its licence."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

from pymdownx.slugs import slugify as _slugify

from .records.rules import Rules
from .records.validate import CITATION

slug = _slugify(case="lower")  # the same function the site's toc uses, so anchors agree


def anchor(text: str) -> str:
    return slug(text, "-")


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# A line break or space inside Chinese text shows as a stray space (YAML folds lines with
# spaces, Markdown keeps soft breaks): drop it between Chinese characters.
_SOFT_BREAK = re.compile(f"(?<=[{_CJK}\\]）”])[ \n](?=[{_CJK}“（*])")


def join_cjk_lines(text: str) -> str:
    return _SOFT_BREAK.sub("", text)


def escape_markdown_html(text: str) -> str:
    """Case text is Markdown, never HTML: neutralise tags so a record cannot inject markup."""
    return join_cjk_lines(text.replace("&", "&amp;").replace("<", "&lt;"))


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def plain_markdown(text: str) -> str:
    """A name or title placed in Markdown as text, never markup: HTML escaped, every character
    Markdown (with tables and attr_list) gives a meaning backslash-escaped, so no link, image,
    emphasis, heading or table cell can come from it; on one line, so it cannot end a table row."""
    text = re.sub(r"\s*\n\s*", " ", text).replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def citation_order(case: dict, rules: Rules) -> list[str]:
    """Reference ids in order of first citation, reading the record as a case page shows it,
    then in every other text of the record. Every renderer numbers from this one list, so [3]
    is the same source on the site and in both editions of the PDF, whatever each one shows."""
    sections = case.get("sections", {})
    texts = [*case.get("gaps", []), case.get("summary", "")]
    texts += [sections.get(key, "") for key, _ in rules.sections]
    for outcome in case.get("outcomes", []):
        texts += [f"[^{outcome['ref']}]", outcome.get("note", "")]
    texts += [step.get("description", "") for step in case.get("process", [])]
    texts += [actor.get("note", "") for actor in case.get("actors", [])]
    texts += _strings({k: v for k, v in case.items() if k != "references"})
    order: list[str] = []
    for text in texts:
        for match in CITATION.finditer(text):
            if match.group(1) not in order:
                order.append(match.group(1))
    return order


@dataclass
class Citations:
    """Numbers references in order of first citation on one page, as encyclopaedias do."""

    references: dict  # id -> reference
    order: list = field(default_factory=list)
    uses: dict = field(default_factory=dict)  # id -> count of marks so far
    anchor_prefix: str = ""  # keeps anchors unique when several cases share one document

    @classmethod
    def for_case(cls, case: dict, rules: Rules, anchor_prefix: str = "") -> Citations:
        return cls({r["id"]: r for r in case["references"]}, citation_order(case, rules), anchor_prefix=anchor_prefix)

    def number(self, ref_id: str) -> int:
        if ref_id not in self.order:
            self.order.append(ref_id)
        return self.order.index(ref_id) + 1

    def mark(self, ref_id: str) -> str:
        """A superscript [n] linking to the reference; the reference links back."""
        n = self.number(ref_id)
        self.uses[ref_id] = self.uses.get(ref_id, 0) + 1
        back = f"{self.anchor_prefix}cite-{n}-{self.uses[ref_id]}"
        return f'<sup class="cb-cite" id="{back}"><a href="#{self.anchor_prefix}ref-{n}" title="参考文献 {n}">[{n}]</a></sup>'

    def replace(self, text: str) -> str:
        return CITATION.sub(lambda m: self.mark(m.group(1)), text)

    def backlinks(self, ref_id: str) -> str:
        """Links back to each place the reference is cited: ↩ for one, ↑ a b c … for several."""
        n = self.number(ref_id)
        count = self.uses.get(ref_id, 0)
        if count == 1:
            return f' <a class="cb-back" href="#cite-{n}-1" title="回到引用处">↩</a>'
        letters = [_letter(i) for i in range(count)]
        links = " ".join(f'<a href="#cite-{n}-{i + 1}" title="回到第 {i + 1} 处引用">{x}</a>' for i, x in enumerate(letters))
        return f' <span class="cb-back">↑ {links}</span>' if count else ""

    def ordered(self) -> list[tuple[int, dict]]:
        """Cited references in number order, then any not cited on this page."""
        rest = [r for r in self.references if r not in self.order]
        return [(i + 1, self.references[r]) for i, r in enumerate(self.order + rest)]


def _letter(i: int) -> str:
    """a … z, aa, ab … for the back-links of a much-cited reference."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(97 + r) + out
    return out


def strip_citations(text: str) -> str:
    """Plain text for places that show no reference list (descriptions, the browse index)."""
    return join_cjk_lines(CITATION.sub("", text))


_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# a line break inside a paragraph (not before a blank line or a list item): a space, as on the page
_SOFT_LINE_BREAK = re.compile(r"(?<!\n)\n(?![ \t]*(?:\n|[-*+][ \t]|\d+\.[ \t]))")


def reading_text(text: str) -> str:
    """A section's Markdown as a reader sees it where it is shown as text (the compare view): no
    citation marks, no bold markers; paragraphs and list items keep their line breaks."""
    return _SOFT_LINE_BREAK.sub(" ", _STRONG.sub(r"\2", strip_citations(text)))


class GlossaryMarker:
    """Links the first occurrence of each glossary term on a page to its definition.

    Python-Markdown's abbr extension needs word boundaries, which Chinese text does not have,
    so terms are found by plain substring search, longest first.
    """

    def __init__(self, terms: list[dict]):
        self.entries = {}
        for entry in terms:
            for name in [entry["term"], *entry.get("aliases", [])]:
                self.entries[name] = entry
        names = sorted(self.entries, key=len, reverse=True)
        # never inside a citation marker, a link or an already linked term
        self.pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None

    def start_page(self) -> set:
        return set()

    def mark(self, text: str, seen: set, glossary_url: str) -> str:
        if not self.pattern:
            return text
        protected = [(m.start(), m.end()) for m in re.finditer(r"\[\^[^\]]*\]|\[[^\]]*\]\([^)]*\)|`[^`]*`", text)]

        def replace(match):
            entry = self.entries[match.group(0)]
            if entry["term"] in seen or any(a <= match.start() < b for a, b in protected):
                return match.group(0)
            seen.add(entry["term"])
            title = html.escape(strip_citations(entry["definition"]), quote=True)
            return f'[{match.group(0)}]({glossary_url}#{anchor(entry["term"])}){{ .cb-term title="{title}" }}'

        return self.pattern.sub(replace, text)


# GB/T 7714-2015 ---------------------------------------------------------------------------


def _authors(ref: dict) -> str:
    names = ref.get("authors") or []
    if len(names) > 3:
        names = names[:3] + ["等"]
    return ", ".join(names)


def gbt7714(ref: dict) -> str:
    """One reference as plain text in GB/T 7714-2015 (顺序编码制) style."""
    kind = ref["type"] + ("/OL" if ref.get("online") or ref["type"] == "EB" and ref.get("url") else "")
    head = f"{ref.get('title') or '［题名不详］'}[{kind}]"
    authors = _authors(ref)
    parts = [f"{authors}. {head}" if authors else head]
    t = ref["type"]
    if t == "J":
        tail = ref.get("container", "")
        if ref.get("year"):
            tail += f", {ref['year']}"
            if ref.get("volume"):
                tail += f", {ref['volume']}"
            if ref.get("issue"):
                tail += f"({ref['issue']})"
        if ref.get("pages"):
            tail += f": {ref['pages']}"
        parts.append(tail)
    elif t == "N":
        tail = ref.get("container", "")
        if ref.get("date"):
            edition = re.sub(r"\D", "", ref.get("edition", ""))
            tail += f", {ref['date']}" + (f"({edition})" if edition else "")
        parts.append(tail)
    elif t in ("M", "C", "G", "R", "D", "S"):
        if ref.get("edition"):  # 版本项 comes before the publication details
            parts.append(ref["edition"])
        place, publisher = ref.get("place"), ref.get("publisher") or ref.get("container")
        tail = ": ".join(x for x in (place, publisher) if x)
        if ref.get("year"):
            tail += f", {ref['year']}"
        if ref.get("pages"):
            tail += f": {ref['pages']}"
        parts.append(tail)
    else:  # EB, Z and the rest: container, (date)[accessed]
        tail = ref.get("container") or ref.get("publisher") or ""
        when = ""
        if ref.get("date") or ref.get("year"):
            when = f"({ref.get('date') or ref['year']})"
        if ref.get("accessed"):
            when += f"[{ref['accessed']}]"
        parts.append(", ".join(x for x in (tail, when) if x))
    text = ". ".join(p for p in parts if p) + "."
    # Addresses come last and without a closing full stop, so they can be copied whole.
    if ref.get("url"):
        text += f" {ref['url']}"
    if ref.get("doi"):
        text += f" DOI:{ref['doi']}"
    return text


def format_period(period: dict | None) -> str:
    if not period:
        return "不详"
    start = human_date(period["start"])
    if period.get("end"):
        return f"{start}—{human_date(period['end'])}"
    return f"{start}起" + ("，仍在推行" if period.get("ongoing") else "")


def human_date(value: str) -> str:
    """2024-06 → 2024年6月, as Chinese prose writes dates."""
    parts = [int(p) for p in value.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, ("年", "月", "日")))


def format_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}"


def format_value(outcome: dict) -> str:
    """An outcome's number with its unit and the source's own qualifier: 约400万件、95%以上、7400余件."""
    number, unit, q = format_number(outcome["value"]), outcome.get("unit", ""), outcome.get("qualifier")
    if q == "余":
        return f"{number}余{unit}"
    if q == "以上":
        return f"{number}{unit}以上"
    if q in ("约", "超过"):
        return f"{q}{number}{unit}"
    if q:
        return f"{number}{unit}（{q}）"
    return f"{number}{unit}"


def place_chain(location: dict) -> list[str]:
    return [location[k] for k in ("province", "city", "county", "township", "community") if location.get(k)]


# The library itself: its addresses, its citation and its licence -------------------------

EDITORS = "基层治理案例库编辑部"
LIBRARY = "基层治理案例库"
# Cases, glossary and the exported data (the code is under the MIT licence, see LICENSE).
CONTENT_LICENCE = {
    "name": "CC BY 4.0",
    "title": "知识共享署名 4.0 国际许可协议",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
    "url_en": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class SiteLinks:
    """The addresses configured in mkdocs.yml: `site_url`, where the site is served (the canonical
    address every citation gives, never the address a page happens to be read at), and `repo_url` with
    `edit_uri`, where the case files can be read and edited. Empty when not configured: then nothing
    links there."""

    site_url: str = ""
    edit_base: str = ""  # repo_url joined with edit_uri: the docs folder in the repository
    docs_dir: str = ""  # the docs folder on disk, to place a case file relative to it
    root: str = ""  # the folder of mkdocs.yml: only files inside it are in the repository

    @classmethod
    def from_config(cls, config) -> SiteLinks:
        """From a MkDocs config (or any mapping with the same keys)."""
        repo, edit_uri = config.get("repo_url") or "", config.get("edit_uri") or ""
        config_file = config.get("config_file_path") or ""
        return cls(
            site_url=config.get("site_url") or "",
            edit_base=urljoin(repo.rstrip("/") + "/", edit_uri) if repo and edit_uri else "",
            docs_dir=str(config.get("docs_dir") or ""),
            root=str(Path(config_file).resolve().parent) if config_file else "",
        )

    def page_url(self, path: str) -> str:
        """The canonical address of a page, e.g. path "cases/x/"; the served site uses directory URLs."""
        return urljoin(self.site_url.rstrip("/") + "/", path) if self.site_url else ""

    def edit_url(self, source: str) -> str:
        """Where the repository's web editor opens a file of this project (a case's YAML); "" for a
        file outside the project. MkDocs joins edit_uri with a page's path in docs/ the same way."""
        if not (self.edit_base and self.docs_dir and self.root):
            return ""
        path = Path(source).resolve()
        if not path.is_relative_to(self.root):
            return ""
        return urljoin(self.edit_base, quote(Path(os.path.relpath(path, self.docs_dir)).as_posix()))

    def view_url(self, source: str) -> str:
        """The same file shown read-only (GitHub and GitLab: /blob/ for /edit/)."""
        return self.edit_url(source).replace("/edit/", "/blob/", 1)


def case_reference(case: dict, site: SiteLinks) -> dict:
    """A case of this library as a reference, in the shape of a record's references: the one source
    of its GB/T 7714 text, its BibTeX entry and its RIS record."""
    ref = {
        "id": case["id"],
        "type": "EB",
        "online": True,  # [EB/OL] even when no site_url is configured
        "authors": [EDITORS],
        "title": case["title"],
        "container": LIBRARY,
        "date": case["meta"]["updated"],
    }
    url = site.page_url(f"cases/{case['id']}/")
    if url:
        ref["url"] = url
    return ref


def _one_line(text) -> str:
    """Text on one line: a line break between Chinese characters goes, any other run of white
    space (CR, LF, U+2028 …) becomes one space."""
    return " ".join(join_cjk_lines(str(text)).split())


def _pages(ref: dict) -> tuple[str, str]:
    first, _, last = str(ref.get("pages", "")).partition("-")
    return first.strip(), last.strip()


# BibTeX: classic entry types and fields, which BibTeX, biblatex, Zotero, JabRef and NoteExpress
# all read; @online is 电子资源 [EB/OL] in the GB/T 7714 BibTeX and biblatex styles.
_BIBTEX_TYPES = {  # GB/T 7714 type → entry type, field for the container (journal, newspaper …)
    "J": ("article", "journal"),
    "N": ("article", "journal"),
    "M": ("book", "publisher"),
    "C": ("inproceedings", "booktitle"),
    "D": ("phdthesis", "school"),
    "R": ("techreport", "institution"),
    "EB": ("online", "organization"),
}
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_PATTERN = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


def _bibtex_text(text) -> str:
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text))


def _bibtex_url(url: str) -> str:
    """URLs are read verbatim by BibTeX tools: percent-encode what would break the braces instead."""
    return quote(_one_line(url), safe=":/?#[]@!$&'()*+,;=%~-._")


def bibtex(ref: dict) -> str:
    """One reference as a BibTeX entry. Names are braced, so a Chinese or corporate name is kept
    whole instead of being split into given and family name."""
    kind, container = _BIBTEX_TYPES.get(ref["type"], ("misc", "howpublished"))
    first, last = _pages(ref)
    date = str(ref.get("date") or "")
    fields = {
        "author": " and ".join(f"{{{_bibtex_text(a)}}}" for a in ref.get("authors") or []),
        "title": _bibtex_text(ref.get("title", "")),
        container: _bibtex_text(ref.get("container", "")),
        "address": _bibtex_text(ref.get("place", "")),
        "edition": _bibtex_text(ref.get("edition", "")),
        "volume": _bibtex_text(ref.get("volume", "")),
        "number": _bibtex_text(ref.get("issue", "")),
        "pages": f"{_bibtex_text(first)}--{_bibtex_text(last)}" if last else _bibtex_text(first),
        "year": _bibtex_text(ref.get("year") or date[:4]),
        "date": _bibtex_text(date),  # the update date of a web page
        "url": _bibtex_url(ref["url"]) if ref.get("url") else "",
        "urldate": _bibtex_text(ref.get("accessed", "")),
        "doi": _bibtex_url(ref["doi"]) if ref.get("doi") else "",
    }
    if ref.get("publisher"):
        fields["publisher"] = _bibtex_text(ref["publisher"])
    key = re.sub(r"[^A-Za-z0-9_.:-]", "", str(ref.get("id", ""))) or "ref"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{{key},\n{body}\n}}\n"


# RIS (EndNote, NoteExpress, Zotero): one "TAG  - value" per line, CR LF as the format says.
_RIS_TYPES = {"J": "JOUR", "N": "NEWS", "M": "BOOK", "C": "CONF", "D": "THES", "R": "RPRT", "S": "STAND", "EB": "ELEC"}


def _ris_date(value) -> str:
    """2024-06-01 → 2024/06/01 (RIS writes dates with slashes)."""
    return _one_line(value).replace("-", "/")


def ris(ref: dict) -> str:
    """One reference as an RIS record. No value can break its line: every line break in it is
    a space."""
    first, last = _pages(ref)
    date = str(ref.get("date") or "")
    year = str(ref.get("year") or date[:4])
    lines = [("TY", _RIS_TYPES.get(ref["type"], "GEN"))]
    lines += [("AU", a) for a in ref.get("authors") or []]
    lines += [
        ("TI", ref.get("title", "")),
        ("T2", ref.get("container", "")),
        ("PB", ref.get("publisher", "")),
        ("CY", ref.get("place", "")),
        ("ET", ref.get("edition", "")),
        ("VL", ref.get("volume", "")),
        ("IS", ref.get("issue", "")),
        ("SP", first),
        ("EP", last),
        ("PY", year),
        ("DA", _ris_date(date)),
        ("UR", ref.get("url", "")),
        ("Y2", _ris_date(ref.get("accessed", ""))),
        ("DO", ref.get("doi", "")),
        ("LA", "zh"),
    ]
    text = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines if _one_line(value))
    return text + "ER  - \r\n"
