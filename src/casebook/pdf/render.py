"""PDF handouts and lecture packs: HTML rendered from the Catalog, printed by WeasyPrint.

`render_html` is pure; `write_pdf` does the printing. Fonts are checked first, so a missing
CJK font is a clear error instead of tofu boxes or Japanese glyph forms.
"""

from __future__ import annotations

import hashlib
import os
import html
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import markdown
from jinja2 import Environment, PackageLoader

from ..records.catalog import Case, Catalog
from ..records.packs import Pack
from ..records.rules import Rules
from ..text import (
    CONTENT_LICENCE,
    Citations,
    SiteLinks,
    case_reference,
    escape_markdown_html,
    format_period,
    format_value,
    gbt7714,
    human_date,
    place_chain,
)

FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
EDITIONS = {"student": "学员版", "teacher": "教师版"}


def case_pdf(case_id: str, edition: str) -> str:
    """Where a case's handout lives on the site (and under the build folder)."""
    return f"pdf/{case_id}-{edition}.pdf"


def pack_pdf(pack_name: str, edition: str) -> str:
    return f"pdf/packs/{pack_name}-{edition}.pdf"
FONT_PACKAGE = "fonts-noto-cjk"


class PdfError(Exception):
    """A problem a lecturer can act on, in Chinese."""


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("casebook", "pdf/templates"), autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(human_date=human_date)
    return env


@cache
def stylesheet() -> str:
    return resources.files("casebook").joinpath("pdf/templates/print.css").read_text(encoding="utf-8")


def _case_html(case: Case, rules: Rules, teacher: bool, site: SiteLinks) -> str:
    citations = Citations.for_case(case.data, rules, anchor_prefix=f"{case.id}-")

    def cite_html(text: str) -> str:
        return re.sub(r'<sup class="cb-cite" id="[^"]*"><a href="(#[^"]*)"[^>]*>(\[\d+\])</a></sup>',
                      r'<sup class="cite"><a href="\1">\2</a></sup>', citations.replace(text))

    def md(text: str) -> str:
        return markdown.markdown(cite_html(escape_markdown_html(text)), extensions=["tables"])

    def md_inline(text: str) -> str:
        return re.sub(r"^<p>|</p>$", "", md(text).strip())

    def reference(ref: dict) -> str:
        out = html.escape(gbt7714(ref))
        if ref.get("read_at"):
            out += f'<br><span class="note">读取处（转载或镜像）：{html.escape(ref["read_at"])}</span>'
        if ref.get("note"):
            out += f'<br><span class="note">{html.escape(ref["note"])}</span>'
        return out

    return _env().get_template("case.html.j2").render(
        case=case.data,
        teacher=teacher,
        place=" › ".join(place_chain(case["location"])),
        period=format_period(case.get("period")),
        completeness=rules.labels("completeness")[case["completeness"]],
        section_titles=rules.sections,
        md=md,
        md_inline=md_inline,
        cite=lambda ref_id: cite_html(f"[^{ref_id}]"),
        value=format_value,
        references=lambda: [(n, r) for n, r in citations.ordered()],
        reference=reference,
        citation=html.escape(gbt7714(case_reference(case.data, site))),  # the site's canonical address
        licence=CONTENT_LICENCE,
    )


def render_html(cases: list[Case], rules: Rules, edition: str = "student", pack: Pack | None = None,
                site: SiteLinks = SiteLinks()) -> str:
    """One handout (one case) or a lecture pack (cover, contents, one case per chapter).
    site: the addresses from mkdocs.yml; each case's citation gives its page on the site."""
    teacher = edition == "teacher"
    if pack:
        title, subject = pack.title, f"讲义合集：{'、'.join(c['title'] for c in cases)}"
    else:
        title, subject = cases[0]["title"], cases[0]["summary"].strip()
    keywords = list(dict.fromkeys(k for c in cases for k in c["keywords"]))
    dates = sorted(c["meta"]["updated"] for c in cases)
    return _env().get_template("document.html.j2").render(
        title=f"{title}（{EDITIONS[edition]}）",
        subject=re.sub(r"\s+", "", subject),
        keywords=keywords,
        created=pack.date if pack and pack.date else dates[-1],
        modified=pack.date if pack and pack.date else dates[-1],
        edition_label=EDITIONS[edition],
        pack=pack,
        cases=[{"id": c.id, "title": c["title"], "html": _case_html(c, rules, teacher, site)} for c in cases],
    )


def check_fonts() -> None:
    """Both CJK faces must be installed: WeasyPrint would otherwise print boxes or another face."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise PdfError(f"无法查询系统字体（fc-list）：{exc}。请安装 Debian 软件包 fontconfig 和 {FONT_PACKAGE}。") from exc
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    missing = [font for font in FONTS if font not in families]
    if missing:
        raise PdfError(f"缺少中文字体 {'、'.join(missing)}：请安装 Debian 软件包 {FONT_PACKAGE}（apt-get install {FONT_PACKAGE}），或运行 make setup。")


def write_pdf(document_html: str, target: Path) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    check_fonts()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    # A handout needs no file (fonts come from the system, the stylesheet is inline): an image a
    # record names, on another host or on disk, is never fetched (WeasyPrint skips it with a warning).
    fetch_nothing = URLFetcher(allowed_protocols=())
    HTML(string=document_html, url_fetcher=fetch_nothing).write_pdf(partial, stylesheets=[CSS(string=stylesheet())])
    partial.replace(target)  # atomic: a reader never sees half a PDF


def content_hash(document_html: str) -> str:
    """What a PDF depends on: its HTML, the stylesheet and the renderer's version."""
    import weasyprint

    digest = hashlib.sha256()
    for part in (document_html, stylesheet(), weasyprint.__version__):
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()[:20]


CACHE_LIMIT = 512 * 2**20  # bytes of cached PDFs kept, the least recently used go first


def cached_pdf(document_html: str, cache_dir: Path) -> tuple[Path, bool]:
    """The PDF for this HTML from the cache, printing it only if it is not there yet."""
    path = cache_dir / f"{content_hash(document_html)}.pdf"
    if path.exists():
        os.utime(path)  # recently used: kept by prune_cache
        return path, False
    write_pdf(document_html, path)
    return path, True


def prune_cache(cache_dir: Path, limit: int = CACHE_LIMIT) -> None:
    """Keep the cache under `limit` bytes. Least recently used first, so PDFs of other projects
    or corpora that share the folder survive as long as there is room."""
    files = sorted(cache_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    total = 0
    for path in files:
        total += path.stat().st_size
        if total > limit:
            path.unlink(missing_ok=True)


def site_documents(catalog: Catalog, packs: dict[str, Pack], site: SiteLinks = SiteLinks()) -> dict[str, object]:
    """Every PDF the site offers, as {path under the site: a function that renders its HTML}.
    Rendering is left to the caller, so a preview can make only the one a reader asks for."""
    docs = {}
    for case in catalog.published:
        for edition in EDITIONS:
            docs[case_pdf(case.id, edition)] = lambda case=case, edition=edition: render_html([case], catalog.rules, edition, site=site)
    for name, pack in packs.items():
        cases = [catalog.cases[i] for i in pack.cases]
        for edition in EDITIONS:
            docs[pack_pdf(name, edition)] = lambda cases=cases, edition=edition, pack=pack: render_html(cases, catalog.rules, edition, pack, site)
    return docs
