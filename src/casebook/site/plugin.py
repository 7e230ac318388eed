"""MkDocs plugin: load → validate → catalog at the start of each build, then feed the generated
pages to MkDocs in memory. Nothing generated is written to docs/ or committed."""

from __future__ import annotations

import gc
import json
import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.plugins.casebook")

from ..pdf.render import PdfError, cached_pdf, site_documents
from ..project import DEFAULTS, Project
from ..search import merge_single_han_tokens, search_words
from .pages import render_site
from .sanitize import sanitize


class CasebookConfig(Config):
    cases_dir = config_options.Type(str, default=DEFAULTS["cases_dir"])
    schemas_dir = config_options.Type(str, default=DEFAULTS["schemas_dir"])
    lectures_dir = config_options.Type(str, default=DEFAULTS["lectures_dir"])
    cache_dir = config_options.Type(str, default=DEFAULTS["cache_dir"])  # PDFs and validation results
    pdf = config_options.Type(bool, default=True)  # handouts and packs, cached by content hash
    contributing = config_options.Type(str, default="CONTRIBUTING.md")  # shown as the 编辑指南 page


class CasebookPlugin(BasePlugin[CasebookConfig]):
    serving = False

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.project = project = Project(root, {k: self.config[k] for k in DEFAULTS}, Path(config.config_file_path))
        library = project.load(show_drafts=self.serving)
        self.catalog, self.glossary, self.packs, problems = library.catalog, library.glossary, library.packs, library.problems
        if problems:
            lines = "\n".join(str(p) for p in problems)  # validator problems and pack errors
            raise PluginError(f"案例校验未通过（{len(problems)} 处问题），网站没有构建：\n{lines}")
        self._teach_jieba()
        # The catalog stays alive for the whole build; keep the garbage collector from walking
        # through its many small objects again at every collection while pages are rendered.
        gc.collect()
        gc.freeze()
        return config

    def _teach_jieba(self):
        try:
            import jieba
        except ImportError:  # search then falls back to unsegmented Chinese
            return
        jieba.setLogLevel(60)
        for word in search_words(self.catalog, self.glossary):
            jieba.add_word(word, freq=100_000)

    def on_files(self, files, config):
        pdfs = self._pdfs(config) if self.config.pdf else {}
        guide = Path(config.config_file_path).parent / self.config.contributing
        generated = render_site(
            self.catalog,
            self.glossary,
            directory_urls=config.use_directory_urls,
            pdfs=set(pdfs),
            packs=self.packs,
            contributing=guide.read_text(encoding="utf-8") if guide.exists() else None,
        )
        for path, content in generated.items():
            self._replace(files, File.generated(config, path, content=content))
        for path, source in pdfs.items():
            self._replace(files, File.generated(config, path, abs_src_path=str(source)))
        return files

    @staticmethod
    def _replace(files, file):
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def _pdfs(self, config) -> dict[str, Path]:
        """Each case's handouts and each pack; a PDF whose HTML did not change is not printed again."""
        cache_dir = self.project.cache_dir / "pdf"
        out, made = {}, 0
        try:
            for path, document in site_documents(self.catalog, self.packs).items():
                out[path], new = cached_pdf(document(), cache_dir)
                made += new
        except PdfError as exc:
            raise PluginError(str(exc)) from exc
        log.info(f"讲义 PDF：新生成 {made} 份，{len(out) - made} 份未变（沿用缓存）")
        return out

    def on_page_content(self, html, page, config, files):
        return sanitize(html)

    def on_serve(self, server, config, builder):
        # Editing a case file, the glossary or a vocabulary rebuilds and reloads the preview.
        server.watch(str(self.project.cases_dir))
        server.watch(str(self.project.schemas_dir))
        return server

    # After the search plugin writes its index (priority 0), before the offline plugin inlines it (-100).
    @event_priority(-50)
    def on_post_build(self, config):
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.exists():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        for doc in index["docs"]:
            doc["title"] = merge_single_han_tokens(doc["title"])
            doc["text"] = merge_single_han_tokens(doc["text"])
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
