"""`casebook render DIR`: the site's pages as plain Markdown, buildable without this plugin.

DIR gets docs/ (the hand-written pages and assets plus every generated page and data file) and a
mkdocs.yml that is the project's own without the casebook plugin, so another generator that reads
mkdocs.yml can build the same content. Its search is Material's own: the site's search script
reads indexes that only the plugin writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ruamel.yaml import YAML

from ..project import Project, ProjectError
from ..text import SiteLinks
from .pages import render_site

SEARCH_SCRIPT = "assets/casebook/search.js"
MARKER = ".casebook-pages"  # marks a folder this command wrote, so it may write there again


def write_standalone(project: Project, target: Path, site: SiteLinks = SiteLinks()) -> int:
    """site: the addresses in mkdocs.yml, for citations and edit links."""
    library = project.load(cache=False)
    if library.problems:
        raise ProjectError("案例校验未通过，没有写出页面：\n" + "\n".join(str(p) for p in library.problems))
    if project.config_file is None:
        raise ProjectError("找不到 mkdocs.yml")
    assert library.glossary is not None  # no problems: the glossary was read
    yaml = YAML()  # round trip: keeps !ENV and other tags as they are written
    config = yaml.load(project.config_file.read_text(encoding="utf-8"))
    source_docs = project.root / config.get("docs_dir", "docs")
    guide = project.root / "CONTRIBUTING.md"
    pages = render_site(
        library.catalog,
        library.glossary,
        packs=library.packs,
        contributing=guide.read_text(encoding="utf-8") if guide.exists() else None,
        site=site,
    )

    if target.exists():
        shutil.rmtree(target)
    docs = target / "docs"
    shutil.copytree(source_docs, docs)
    for path, text in pages.items():
        out = docs / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    config["docs_dir"] = "docs"
    theme = config.get("theme")
    if hasattr(theme, "get") and theme.get("custom_dir"):  # the theme's template overrides go along
        shutil.copytree(project.root / theme["custom_dir"], target / "overrides")
        theme["custom_dir"] = "overrides"
    config["plugins"] = [
        p for p in config.get("plugins", []) if not (p == "casebook" or (hasattr(p, "keys") and "casebook" in p))
    ]
    config["plugins"].insert(0, {"search": {"lang": "zh"}})
    config["extra_javascript"] = [j for j in config.get("extra_javascript", []) if j != SEARCH_SCRIPT]
    with open(target / "mkdocs.yml", "w", encoding="utf-8") as f:
        yaml.dump(config, f)
    (target / MARKER).write_text("casebook render\n", encoding="utf-8")
    return len(pages)
