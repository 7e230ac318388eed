"""PDF handouts and lecture packs: HTML rendered from the Catalog, printed by WeasyPrint.

`render_html` is pure; `write_pdf` does the printing. Fonts are checked first, so a missing
CJK font is a clear error instead of tofu boxes or Japanese glyph forms.

Record text cannot become markup: the templates escape everything (autoescape), and the only HTML
the renderer makes itself (Markdown output, citation marks, references) passes the print
sanitiser before it is marked safe. WeasyPrint fetches through `OwnFiles`, which serves the files
of this package's template folder and nothing else: no network, no other file, no data: URL, so
no image, stylesheet, @import, url() or attachment named in a record can be followed.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import os
import re
import subprocess
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import markdown
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

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
from ..web.sanitize import sanitize_print

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


TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("casebook", "pdf/templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(human_date=human_date)
    return env


@cache
def stylesheet() -> str:
    return resources.files("casebook").joinpath("pdf/templates/print.css").read_text(encoding="utf-8")


def _case_html(case: Case, rules: Rules, teacher: bool, site: SiteLinks) -> str:
    citations = Citations.for_case(case.data, rules, anchor_prefix=f"{case.id}-")

    def cite_html(text: str) -> str:
        return re.sub(
            r'<sup class="cb-cite" id="[^"]*"><a href="(#[^"]*)"[^>]*>(\[\d+\])</a></sup>',
            r'<sup class="cite"><a href="\1">\2</a></sup>',
            citations.replace(text),
        )

    def md(text: str) -> Markup:
        return Markup(sanitize_print(markdown.markdown(cite_html(escape_markdown_html(text)), extensions=["tables"])))

    def md_inline(text: str) -> Markup:
        return Markup(re.sub(r"^<p>|</p>$", "", md(text).strip()))

    def reference(ref: dict) -> Markup:
        out = html.escape(gbt7714(ref))
        if ref.get("read_at"):
            out += f'<br><span class="note">读取处（转载或镜像）：{html.escape(ref["read_at"])}</span>'
        if ref.get("note"):
            out += f'<br><span class="note">{html.escape(ref["note"])}</span>'
        return Markup(out)

    return (
        _env()
        .get_template("case.html.j2")
        .render(
            case=case.data,
            teacher=teacher,
            place=" › ".join(place_chain(case["location"])),
            period=format_period(case.get("period")),
            completeness=rules.labels("completeness")[case["completeness"]],
            section_titles=rules.sections,
            md=md,
            md_inline=md_inline,
            cite=lambda ref_id: Markup(sanitize_print(cite_html(f"[^{html.escape(ref_id)}]"))),
            value=format_value,
            references=lambda: [(n, r) for n, r in citations.ordered()],
            reference=reference,
            citation=html.escape(gbt7714(case_reference(case.data, site))),  # the site's canonical address
            licence=CONTENT_LICENCE,
        )
    )


def render_html(
    cases: list[Case], rules: Rules, edition: str = "student", pack: Pack | None = None, site: SiteLinks = SiteLinks()
) -> str:
    """One handout (one case) or a lecture pack (cover, contents, one case per chapter).
    site: the addresses from mkdocs.yml; each case's citation gives its page on the site."""
    teacher = edition == "teacher"
    if pack:
        title, subject = pack.title, f"讲义合集：{'、'.join(c['title'] for c in cases)}"
    else:
        title, subject = cases[0]["title"], cases[0]["summary"].strip()
    keywords = list(dict.fromkeys(k for c in cases for k in c["keywords"]))
    dates = sorted(c["meta"]["updated"] for c in cases)
    return (
        _env()
        .get_template("document.html.j2")
        .render(
            title=f"{title}（{EDITIONS[edition]}）",
            subject=re.sub(r"\s+", "", subject),
            keywords=keywords,
            created=pack.date if pack and pack.date else dates[-1],
            modified=pack.date if pack and pack.date else dates[-1],
            edition_label=EDITIONS[edition],
            pack=pack,
            cases=[{"id": c.id, "title": c["title"], "html": Markup(_case_html(c, rules, teacher, site))} for c in cases],
        )
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
        raise PdfError(
            f"缺少中文字体 {'、'.join(missing)}：请安装 Debian 软件包 {FONT_PACKAGE}（apt-get install {FONT_PACKAGE}），或运行 make setup。"
        )


DATA_URLS: frozenset[str] = frozenset()  # data: URLs the templates use themselves (none)


def own_file(url: str) -> Path | None:
    """The file a URL names, if it is one of this package's PDF template files; else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return path if path.is_file() and TEMPLATES in path.parents else None


@cache
def _own_files_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError  # WeasyPrint loads slowly

    class OwnFiles(URLFetcher):
        """WeasyPrint's fetcher for handouts: the package's template files and nothing else.
        Every URL WeasyPrint asks for is kept in `asked`; those refused also in `refused`."""

        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.asked: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            self.asked.append(url)
            if url in DATA_URLS:  # pragma: no cover (the templates use none)
                return URLFetcherResponse(url, body=b"")
            path = own_file(url)
            if path is None:
                self.refused.append(url)
                raise URLFetchingError(f"讲义只使用本项目自己的文件，不读取 {url[:200]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return OwnFiles


def own_files():
    """A new fetcher that serves only the package's template files (see `own_file`)."""
    return _own_files_class()()


def write_pdf(document_html: str, target: Path, fetcher=None) -> None:
    """Print the HTML to target (atomically). fetcher: what WeasyPrint may read (see OwnFiles)."""
    from weasyprint import CSS, HTML

    check_fonts()
    fetcher = fetcher if fetcher is not None else own_files()
    base = TEMPLATES.as_uri() + "/"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    HTML(string=document_html, base_url=base, url_fetcher=fetcher).write_pdf(
        partial, stylesheets=[CSS(string=stylesheet(), base_url=base, url_fetcher=fetcher)], attachments=[]
    )
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


def site_documents(catalog: Catalog, packs: dict[str, Pack], site: SiteLinks = SiteLinks()) -> dict[str, Callable[[], str]]:
    """Every PDF the site offers, as {path under the site: a function that renders its HTML}.
    Rendering is left to the caller, so a preview can make only the one a reader asks for."""
    docs: dict[str, Callable[[], str]] = {}
    for case in catalog.published:
        for edition in EDITIONS:
            docs[case_pdf(case.id, edition)] = partial(render_html, [case], catalog.rules, edition, None, site)
    for name, pack in packs.items():
        cases = [catalog.cases[i] for i in pack.cases]
        for edition in EDITIONS:
            docs[pack_pdf(name, edition)] = partial(render_html, cases, catalog.rules, edition, pack, site)
    return docs
