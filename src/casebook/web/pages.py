"""Site renderer: the Catalog and glossary as Markdown pages and data files for MkDocs.

Pure functions: no I/O, no global state. `render_site` returns {path in docs: text}.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from jinja2 import Environment, PackageLoader
from jinja2.ext import Extension

from ..export import codebook_rows, export_files
from ..pdf.render import EDITIONS, case_pdf, pack_pdf
from ..records.catalog import Case, Catalog
from ..records.rules import Rules
from ..text import (
    CONTENT_LICENCE,
    Citations,
    GlossaryMarker,
    SiteLinks,
    anchor,
    bibtex,
    case_reference,
    escape_markdown_html,
    format_period,
    format_value,
    gbt7714,
    human_date,
    place_chain,
    plain_markdown,
    reading_text,
    ris,
    strip_citations,
)

NO_LINKS = SiteLinks()  # no site_url or repo_url configured: citations without address, no edit links
RECENT = 6  # cases in the home page's 最近更新
INDEX_SCRIPT = "assets/casebook/cases-index.js"
INDEX_JSON = "assets/casebook/cases.json"
SECTIONS_SCRIPT = "assets/casebook/cases-sections.js"


# A line that holds one block tag or comment and nothing else: `{% for … %}`, `  {% endif %}`, `{# … #}`.
_TAG_LINE = re.compile(r"^[ \t]*(\{%(?:[^%\n]|%(?!\}))*%\}|\{#(?:[^#\n]|#(?!\}))*#\})[ \t]*\n", re.M)


class TagLines(Extension):
    """The templates write Markdown line by line, where line breaks are syntax: a list item needs
    its own line, a list or a table a blank line before it. So a line that holds only a block tag
    or a comment leaves nothing in the output, not even its line break, and every other line is
    output as written, with its line break, even when it ends in a tag (`- [标题](…){% endif %}`).

    Jinja's trim_blocks cannot tell the two apart: it removes the line break after every block tag,
    and list items that end in one ran together into one paragraph. Here the tag line's break is
    moved into a comment, which outputs nothing and keeps the template's line numbers."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _TAG_LINE.sub(lambda m: m.group(1) + "{#\n#}", source)


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("casebook", "web/templates"),
        extensions=[TagLines],
        keep_trailing_newline=True,
        autoescape=False,  # the output is Markdown; case text is escaped by md()/cell()
    )
    env.globals.update(anchor=anchor, human_date=human_date, strip=strip_citations)
    env.filters["t"] = plain_markdown  # names and titles from records: text, never markup
    return env


def _ref_html(ref: dict, citations: Citations | None = None) -> str:
    text = html.escape(gbt7714(ref))
    if ref.get("url"):
        url = html.escape(ref["url"], quote=True)
        text = text.replace(html.escape(ref["url"]), f'<a href="{url}" rel="nofollow noopener">{url}</a>')
    extra = []
    if ref.get("read_at"):
        url = html.escape(ref["read_at"], quote=True)
        extra.append(f'读取处（转载或镜像）：<a href="{url}" rel="nofollow noopener">{url}</a>')
    if ref.get("note"):
        extra.append(html.escape(ref["note"]))
    if extra:
        text += f'<br><small class="cb-ref-note">{"；".join(extra)}</small>'
    if citations:
        text += citations.backlinks(ref["id"])
    return text


class _Page:
    """Text processing for one page: escape, glossary terms (first occurrence), citations."""

    def __init__(self, citations: Citations, marker: GlossaryMarker | None, glossary_url: str):
        self.citations = citations
        self.marker = marker
        self.glossary_url = glossary_url
        self.seen: set[str] = set()

    def md(self, text: str) -> str:
        text = escape_markdown_html(text)
        if self.marker:
            text = self.marker.mark(text, self.seen, self.glossary_url)
        return self.citations.replace(text)

    def cell(self, text: str) -> str:
        """Text for a table cell, citations numbered."""
        return self.citations.replace(_cell(text))

    def references(self):
        return self.citations.ordered()

    def ref_html(self, ref):
        return _ref_html(ref, self.citations)


def cite_file(case_id: str, kind: str) -> str:
    """Where a case's citation file lives on the site: kind is "bib" or "ris"."""
    return f"data/cite/{case_id}.{kind}"


def cite_files(catalog: Catalog, site: SiteLinks = NO_LINKS) -> dict[str, str]:
    """Each case's citation as BibTeX and RIS, made from the same reference as its GB/T 7714 text."""
    files = {}
    for case in catalog.published:
        ref = case_reference(case.data, site)
        files[cite_file(case.id, "bib")] = bibtex(ref)
        files[cite_file(case.id, "ris")] = ris(ref)
    return files


def render_case(
    case: Case, catalog: Catalog, marker: GlossaryMarker | None, pdfs: AbstractSet[str] = frozenset(), site: SiteLinks = NO_LINKS
) -> str:
    rules = catalog.rules
    page = _Page(Citations.for_case(case.data, rules), marker, "../glossary.md")
    completeness = rules.labels("completeness")
    return (
        _env()
        .get_template("case.md.j2")
        .render(
            case=case.data,
            source=case.source,
            summary_plain=strip_citations(case["summary"]),
            place=" › ".join(place_chain(case["location"])),
            period=format_period(case.get("period")),
            completeness_label=f"{completeness[case['completeness']]}（{case['completeness']}）",
            completeness=completeness,
            section_titles=rules.sections,
            related=[catalog.cases[i].data for i in catalog.related(case.id)],
            handouts=[(EDITIONS[e], case_pdf(case.id, e)) for e in EDITIONS if case_pdf(case.id, e) in pdfs],
            md=page.md,
            cell=page.cell,
            cite=page.citations.mark,
            value=lambda outcome: plain_markdown(format_value(outcome)),  # the unit is record text
            references=page.references,
            ref_html=page.ref_html,
            citation=_ref_html(case_reference(case.data, site)),
            cite_files=[(label, cite_file(case.id, kind)) for label, kind in (("BibTeX", "bib"), ("RIS", "ris"))],
            edit_url=site.edit_url(case.source),
            view_url=site.view_url(case.source),
        )
    )


def _where(case: Case) -> str:
    loc = case["location"]
    return " › ".join(place_chain({k: loc.get(k) for k in ("city", "county", "township")}))


def render_facet(facet, catalog: Catalog) -> str:
    """The index page of a facet: every value (all vocabulary terms, in their order) with its cases."""
    index = catalog.index(facet.name)
    if facet.vocabulary:
        vocab = catalog.rules.vocabularies[facet.vocabulary]
        names = [(t.term, t.definition) for t in vocab.terms]
        intro = f"{vocab.description}术语及定义取自词表 `schemas/vocab/{facet.vocabulary}.json`。"
    else:
        names = [(name, "") for name in index]
        intro = "按省级行政区排列；地名和区划代码以国家统计局区划代码为准。"
    groups = []
    for name, definition in names:
        cases = [catalog.cases[i] for i in index.get(name, [])]
        groups.append(
            {
                "name": name,
                "definition": definition,
                "cases": [{"id": c.id, "title": c["title"], "where": _where(c)} for c in cases],
            }
        )
    return _env().get_template("facet.md.j2").render(title=facet.page_title, intro=intro, groups=groups)


def render_glossary(glossary: dict) -> str:
    page = _Page(Citations({r["id"]: r for r in glossary["references"]}), None, "")
    terms = sorted(glossary["terms"], key=lambda t: t["term"])
    return (
        _env().get_template("glossary.md.j2").render(terms=terms, md=page.md, references=page.references, ref_html=page.ref_html)
    )


def render_home(catalog: Catalog) -> str:
    published = catalog.published

    def counted(facet_name):
        rows = [(k, v) for k, v in catalog.index(facet_name).items() if v]
        return sorted(rows, key=lambda r: (-len(r[1]), str(r[0])))

    counts = {
        "cases": len(published),
        "provinces": len({c["location"]["province"] for c in published}),
        "references": sum(len(c["references"]) for c in published),
        "outcomes": sum(len(c.get("outcomes", [])) for c in published),
    }
    # Latest meta.updated first; among cases updated the same day, the newest first, then by id.
    recent = sorted(
        sorted(published, key=lambda c: c.id), key=lambda c: (c["meta"]["updated"], c["meta"]["created"]), reverse=True
    )[:RECENT]
    return (
        _env()
        .get_template("home.md.j2")
        .render(
            counts=counts,
            by_theme=counted("theme"),
            by_level=counted("level"),
            by_province=counted("province"),
            by_mechanism=counted("mechanism"),
            completeness=catalog.rules.labels("completeness"),
            recent=[c.data for c in recent],
        )
    )


def facet_index(catalog: Catalog) -> list[dict]:
    """The facets the schema declares (x-facet), as the browse page offers them: each value that a
    shown case has, in the order of the field's terms (its vocabulary or enum), else sorted, with
    the word a reader sees for it where the schema gives one (x-labels)."""
    facets = []
    for facet in catalog.rules.facets:
        values = list(catalog.index(facet.name))
        terms = catalog.rules.field(facet.path).terms
        if terms:
            values.sort(key=lambda v: terms.index(v) if v in terms else len(terms))
        facets.append({"name": facet.name, "label": facet.label, "values": values, "labels": facet.labels, "year": facet.year})
    return facets


def case_index(catalog: Catalog, directory_urls: bool = True) -> list[dict]:
    """One row per published case: what the browse and compare pages filter, sort and show, with
    its values of each facet (by facet name)."""
    rows = []
    for case in catalog.published:
        loc, period = case["location"], case.get("period") or {}
        rows.append(
            {
                "id": case.id,
                "title": case["title"],
                "url": f"cases/{case.id}/" if directory_urls else f"cases/{case.id}.html",
                "summary": strip_citations(case["summary"]),
                "facets": {facet.name: facet.values(case.data) for facet in catalog.rules.facets},
                "place": " › ".join(place_chain(loc)),
                "level": case["level"],
                "setting": case["setting"],
                "themes": case["themes"],
                "mechanisms": case.get("mechanisms", []),
                "start": period.get("start"),
                "year": case.start_year,
                "period": format_period(case.get("period")),
                "completeness": case["completeness"],
                "updated": case["meta"]["updated"],
                "actors": [f"{a['name']}（{a['role']}）" for a in case.get("actors", [])],
                "process": [s["step"] for s in case.get("process", [])],
                "outcomes": [
                    f"{o['indicator']}：{format_value(o)}" + (f"（{human_date(o['as_of'])}）" if o.get("as_of") else "")
                    for o in case.get("outcomes", [])
                ],
                "references": len(case["references"]),
            }
        )
    return rows


def render_index_script(catalog: Catalog, directory_urls: bool = True) -> tuple[str, str]:
    """The browse data as JSON (for download) and as a script (works from file://, where fetch does not)."""
    data = {
        "cases": case_index(catalog, directory_urls),
        "facets": facet_index(catalog),
        "labels": {"completeness": catalog.rules.labels("completeness")},
        "pages": {name: f"{name}/" if directory_urls else f"{name}.html" for name in ("browse", "compare")},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text, f"window.CASEBOOK_INDEX={text};\n"


def render_sections_script(catalog: Catalog) -> str:
    """The text of every case's sections, for the compare view only (the browse page does not load
    it): the headings in the schema's order and each case's text without citation marks."""
    data = {
        "sections": catalog.rules.sections,
        "text": {
            case.id: {key: reading_text(text) for key, text in (case.get("sections") or {}).items()} for case in catalog.published
        },
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"window.CASEBOOK_SECTIONS={text};\n"


def render_handouts(catalog: Catalog, packs: dict, pdfs: AbstractSet[str]) -> str:
    rows = []
    for case in catalog.published:
        links = [(EDITIONS[e], case_pdf(case.id, e)) for e in EDITIONS]
        rows.append({"id": case.id, "title": case["title"], "links": [l for l in links if l[1] in pdfs]})
    pack_rows = []
    for name, pack in packs.items():
        links = [(EDITIONS[e], pack_pdf(name, e)) for e in EDITIONS]
        titles = [catalog.cases[i]["title"] for i in pack.cases]
        pack_rows.append(
            {"title": pack.title, "lecturer": pack.lecturer, "cases": titles, "links": [l for l in links if l[1] in pdfs]}
        )
    return _env().get_template("handouts.md.j2").render(cases=rows, packs=pack_rows, editions=EDITIONS)


_TYPES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "真假值",
    "object": "映射",
    "array of string": "文字列表",
    "array of object": "映射列表",
}


def _cell(text: str) -> str:
    """Text for a Markdown table cell: escaped, on one line, pipes kept out of the table syntax."""
    return escape_markdown_html(text).replace("|", "\\|").replace("\n", " ")


def render_schema_reference(rules: Rules) -> str:
    return (
        _env()
        .get_template("schema.md.j2")
        .render(fields=rules.fields(), vocabularies=rules.vocabularies, types=_TYPES, cell=_cell)
    )


def render_data_page(rules: Rules) -> str:
    return _env().get_template("data.md.j2").render(codebook=codebook_rows(rules), cell=_cell, licence=CONTENT_LICENCE)


@dataclass(frozen=True)
class CasePage:
    """A case page not rendered yet, with a digest of everything it shows: the preview renders
    again only the pages whose digest changed."""

    key: str
    render: Callable[[], str]


@cache
def _templates_digest() -> str:
    folder = Path(__file__).parent / "templates"
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*")))).hexdigest()


def case_pages(
    catalog: Catalog, glossary: dict, pdfs: AbstractSet[str] = frozenset(), site: SiteLinks = NO_LINKS
) -> dict[str, CasePage]:
    """site: the addresses from mkdocs.yml (SiteLinks.from_config), for citations and edit links."""
    marker = GlossaryMarker(glossary["terms"])
    shared = json.dumps([glossary, catalog.rules.version, _templates_digest(), repr(site)], ensure_ascii=False, sort_keys=True)
    pages = {}
    for case in catalog.published:
        related = [(o, catalog.cases[o]["title"], catalog.cases[o]["summary"]) for o in catalog.related(case.id)]
        handouts = sorted(p for p in (case_pdf(case.id, e) for e in EDITIONS) if p in pdfs)
        record = case.digest or json.dumps(case.data, ensure_ascii=False, sort_keys=True)
        shown = json.dumps([record, case.source, related, handouts], ensure_ascii=False)
        key = hashlib.sha256((shared + shown).encode()).hexdigest()
        pages[f"cases/{case.id}.md"] = CasePage(key, partial(render_case, case, catalog, marker, pdfs, site))
    return pages


def shared_pages(
    catalog: Catalog,
    glossary: dict,
    directory_urls: bool = True,
    pdfs: AbstractSet[str] = frozenset(),
    packs: dict | None = None,
    contributing: str | None = None,
    export_memo: dict | None = None,
    site: SiteLinks = NO_LINKS,
) -> dict[str, str]:
    """Every generated file but the case pages: home, indexes, glossary, browse data, citation files …
    site: the addresses from mkdocs.yml (SiteLinks.from_config)."""
    files = {
        "schema.md": render_schema_reference(catalog.rules),
        "data.md": render_data_page(catalog.rules),
        **{f"data/{name}": text for name, text in export_files(catalog, export_memo).items()},
        **cite_files(catalog, site),
        "handouts.md": render_handouts(catalog, packs or {}, pdfs),
        "index.md": render_home(catalog),
        "glossary.md": render_glossary(glossary),
        "browse.md": _env()
        .get_template("browse.md.j2")
        .render(total=len(catalog.published), facets=[f.label for f in catalog.rules.facets]),
        "compare.md": _env().get_template("compare.md.j2").render(),
    }
    for facet in catalog.rules.facets:
        if facet.page:
            files[f"{facet.page}.md"] = render_facet(facet, catalog)
    if contributing:
        files["contribute.md"] = contributing
    files[INDEX_JSON], files[INDEX_SCRIPT] = render_index_script(catalog, directory_urls)
    files[SECTIONS_SCRIPT] = render_sections_script(catalog)
    return files


def render_site(
    catalog: Catalog,
    glossary: dict,
    directory_urls: bool = True,
    pdfs: AbstractSet[str] = frozenset(),
    packs: dict | None = None,
    contributing: str | None = None,
    site: SiteLinks = NO_LINKS,
) -> dict[str, str]:
    """Every generated file of the site, keyed by its path under docs/. pdfs: the PDF paths the site offers."""
    files = shared_pages(catalog, glossary, directory_urls, pdfs, packs, contributing, site=site)
    files.update({path: page.render() for path, page in case_pages(catalog, glossary, pdfs, site).items()})
    return files


def render_problems(title: str, problems: list) -> str:
    """A page that says what is wrong, for the preview: file:line:column and the message, in Chinese."""
    lines = "\n".join(f"    - `{escape_markdown_html(str(p)).replace('`', '′')}`" for p in problems)
    return f'# {escape_markdown_html(title)}\n\n!!! failure "校验未通过：修改后保存，预览会自动刷新"\n{lines}\n'
