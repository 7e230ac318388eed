"""MkDocs plugin: load → validate → catalog at the start of each build, then feed the generated
pages to MkDocs. Nothing generated is written to docs/ or committed.

`mkdocs build` gets every page in memory and fails on any validation problem. `mkdocs serve`
(the editors' preview) keeps going instead: a file with problems shows them on its own page, and
with `--dirty` (as `casebook serve` and `make serve` run it) only the pages that changed are built
again (see preview.py). The plugin defines on_startup, so MkDocs keeps one instance for the whole
serve session.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from jinja2 import BytecodeCache
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from ..pdf.render import PdfError, cached_pdf, prune_cache, site_documents
from ..project import DEFAULTS, Project
from ..records.cache import FileCache
from ..records.rules import Rules
from ..search.documents import SearchDocument, case_document, glossary_documents, page_document
from ..search.indexes import PART_SIZE, write_config, write_pagefind, write_shards
from ..search.words import Dictionary, domain_words, synonyms
from ..text import SiteLinks
from .pages import case_pages, render_problems, shared_pages
from .preview import Staging, serve_pdfs_on_demand, watch_with_os_events
from .sanitize import sanitize

log = logging.getLogger("mkdocs.plugins.casebook")
EMPTY_GLOSSARY: dict = {"terms": [], "references": []}


class CasebookConfig(Config):
    cases_dir = config_options.Type(str, default=DEFAULTS["cases_dir"])
    schemas_dir = config_options.Type(str, default=DEFAULTS["schemas_dir"])
    lectures_dir = config_options.Type(str, default=DEFAULTS["lectures_dir"])
    cache_dir = config_options.Type(str, default=DEFAULTS["cache_dir"])  # PDFs, validation results, Pagefind parts
    pdf = config_options.Type(bool, default=True)  # handouts and packs, cached by content hash
    contributing = config_options.Type(str, default="CONTRIBUTING.md")  # shown as the 编辑指南 page
    # the served search's index is built by Pagefind in parts of about this many characters
    search_part_size = config_options.Type(int, default=PART_SIZE)


class CasebookPlugin(BasePlugin[CasebookConfig]):
    serving = False

    def __init__(self):
        self.documents: dict = {"paths": {}}  # the preview's PDFs, made when asked for
        self.rules = None  # kept between preview builds while the schema folder is unchanged
        self.frozen = False
        self.templates = _MemoryBytecodeCache()  # the theme's compiled templates, ditto
        self.search_docs: dict[str, SearchDocument] = {}  # by page address; the preview keeps them between builds
        self.cache: FileCache | None = None  # the preview's validation results, in memory
        self.export_memo: dict = {}  # the preview's per-case export rows

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.project = project = Project(root, {k: self.config[k] for k in DEFAULTS}, Path(config.config_file_path))
        if (
            self.rules is not None
            and self.rules.folder == project.schemas_dir
            and self.rules.version == Rules.digest(project.schemas_dir)
        ):
            project.use_rules(self.rules)
        self.rules = project.rules
        cache = True
        if self.serving:  # one cache in memory for the session, written when the session ends
            if self.cache is None or self.cache.rules_version != self.rules.version:
                self.cache = FileCache(project.cache_dir, self.rules.version, autosave=False)
            cache = self.cache
        library = project.load(show_drafts=self.serving, cache=cache)
        self.catalog, self.packs, self.problems = library.catalog, library.packs, library.problems
        self.glossary = library.glossary or EMPTY_GLOSSARY
        if self.problems and not self.serving:
            lines = "\n".join(str(p) for p in self.problems)  # validator problems and pack errors
            raise PluginError(f"案例校验未通过（{len(self.problems)} 处问题），网站没有构建：\n{lines}")
        for problem in self.problems:  # the preview shows them on the pages too (not a warning: strict mode would stop)
            log.info(str(problem))
        self.dictionary = Dictionary(domain_words(self.catalog, self.glossary), synonyms(self.glossary))
        if not self.serving:
            self.search_docs = {}
        if not self.frozen:
            # The catalog stays alive for the whole build; keep the garbage
            # collector from walking through their many small objects at every collection. The
            # preview does this once, at its first build, so later builds' objects can still go.
            gc.collect()
            gc.freeze()
            self.frozen = True
        return config

    def on_shutdown(self):
        if self.cache is not None:
            self.cache.save()

    def on_files(self, files, config):
        self.files = files
        site = SiteLinks.from_config(config)  # site_url, repo_url, edit_uri: citations and edit links
        documents = site_documents(self.catalog, self.packs, site) if self.config.pdf else {}
        guide = self.project.root / self.config.contributing
        pages = shared_pages(
            self.catalog,
            self.glossary,
            export_memo=self.export_memo if self.serving else None,
            directory_urls=config.use_directory_urls,
            pdfs=set(documents),
            packs=self.packs,
            contributing=guide.read_text(encoding="utf-8") if guide.exists() else None,
            site=site,
        )
        cases = case_pages(self.catalog, self.glossary, set(documents), site=site)
        if self.serving:
            self.documents["paths"] = documents
            self._stage(config, files, pages, cases)
            for path in documents:  # an empty stand-in, printed when first asked for (preview.py)
                self._replace(files, File.generated(config, path, content=b""))
            return files
        for path, text in pages.items():
            self._replace(files, File.generated(config, path, content=text))
        for path, page in cases.items():
            self._replace(files, File.generated(config, path, content=page.render()))
        for path, source in self._print_pdfs(documents).items():
            self._replace(files, File.generated(config, path, abs_src_path=str(source)))
        return files

    def _stage(self, config, files, pages: dict, cases: dict):
        """The preview: pages on disk, written only when changed; problems on the pages they concern."""
        errors = {}
        by_file: dict[str, list] = {}
        for problem in self.problems:
            by_file.setdefault(getattr(problem, "file", "讲义合集"), []).append(problem)
        for name, problems in by_file.items():
            file = Path(os.path.abspath(name))  # not resolved: a linked case is shown under its own name
            if file.parent == self.project.cases_dir and file.suffix == ".yaml":
                errors[f"cases/{file.stem}.md"] = render_problems(f"{file.name} 有问题", problems)
            elif file == self.project.glossary:
                errors["glossary.md"] = render_problems("术语表有问题", problems)
            elif name == "讲义合集" or self.project.lectures_dir in file.parents:
                errors["handouts.md"] = render_problems("讲义合集有问题", problems)
            # anything else (a stray file in cases/ …) is listed on the home page below
        if self.problems:  # the home page lists them all, wherever the editor is looking
            pages = pages | {"index.md": render_problems("预览：有文件没有通过校验", self.problems)}
        staging = Staging(self._preview_dir())
        written = staging.update(pages, cases, errors)
        log.info(f"预览：更新了 {len(written)} 个页面")
        for staged in staging.files(config):
            self._replace(files, staged)

    @staticmethod
    def _replace(files, file):
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def _print_pdfs(self, documents: dict) -> dict[str, Path]:
        """Each case's handouts and each pack; a PDF whose HTML did not change is not printed again."""
        out, made = {}, 0
        try:
            for path, document in documents.items():
                out[path], new = cached_pdf(document(), self._pdf_cache())
                made += new
        except PdfError as exc:
            raise PluginError(str(exc)) from exc
        if documents:
            log.info(f"讲义 PDF：新生成 {made} 份，{len(out) - made} 份未变（沿用缓存）")
            prune_cache(self._pdf_cache())
        return out

    def _pdf_cache(self) -> Path:
        return self.project.cache_dir / "pdf"

    def on_env(self, env, config, files):
        if self.serving:  # MkDocs makes a new template environment for every build
            env.bytecode_cache = self.templates
        return env

    def on_page_content(self, html, page, config, files):
        html = sanitize(html)
        self._index(page, html)
        return html

    def _index(self, page, html: str) -> None:
        """What search should know of this page (pages whose front matter says search: exclude,
        such as lists of cases, are left out: the case pages are what should be found)."""
        src = page.file.src_uri
        case = self.catalog.cases.get(src[len("cases/") : -len(".md")]) if src.startswith("cases/") else None
        if case is not None:
            self.search_docs[page.url] = case_document(page.url, case, html)
        elif src == "glossary.md":
            for doc in glossary_documents(page.url, self.glossary):
                self.search_docs[doc.url] = doc
        elif not (page.meta.get("search") or {}).get("exclude"):
            self.search_docs[page.url] = page_document(page.url, page.title or "", html)

    def on_serve(self, server, config, builder):
        watch_with_os_events(server)
        # Editing a case file, the glossary or a vocabulary rebuilds and reloads the preview.
        server.watch(str(self.project.cases_dir))
        server.watch(str(self.project.schemas_dir))
        serve_pdfs_on_demand(server, self.documents, lambda html: cached_pdf(html, self._pdf_cache())[0])
        return server

    def on_post_build(self, config):
        """The search index of every page indexed now or (in the preview) before, if still there."""
        pages = {f.url for f in self.files.documentation_pages()}
        docs = [d for url, d in sorted(self.search_docs.items()) if url.split("#")[0] in pages]
        site_dir = Path(config.site_dir)
        offline = config.plugins.get("material/offline")
        if self.serving or (offline is not None and offline.config.enabled):
            write_config(site_dir, "shards", self.dictionary, shards=write_shards(site_dir, docs, self.dictionary))
            return
        try:
            parts = write_pagefind(site_dir, docs, self.dictionary, self.project.cache_dir, self.config.search_part_size)
        except RuntimeError as exc:
            raise PluginError(str(exc)) from exc
        write_config(site_dir, "pagefind", self.dictionary, parts=parts)

    def _preview_dir(self) -> Path:
        return self.project.cache_dir / "preview"


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the preview session (never on disk)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()
