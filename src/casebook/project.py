"""The project being worked on: its folders and its Rules.

The project is the one in the working directory (or the `mkdocs.yml` named with `-f`), never the
one the package was installed from. Its folders come from the casebook plugin's options in
`mkdocs.yml`, with the same defaults the plugin has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .records.cache import FileCache
from .records.catalog import Catalog, load_catalog
from .records.packs import Pack, PackError, load_pack, pack_paths
from .records.rules import GLOSSARY, Rules
from .records.validate import validate_glossary

CONFIG_FILE = "mkdocs.yml"
# The plugin's options and their defaults (the MkDocs plugin declares the same names).
DEFAULTS = {
    "cases_dir": "cases",
    "schemas_dir": "schemas",
    "lectures_dir": "docs/lectures",
    "cache_dir": ".cache",  # validation results and PDFs
}


class ProjectError(Exception):
    """The project cannot be found or read, in words an editor can act on."""


@dataclass
class Project:
    root: Path
    options: dict = field(default_factory=dict)
    config_file: Path | None = None
    _rules: Rules | None = field(default=None, repr=False)

    def _path(self, name: str) -> Path:
        return (self.root / (self.options.get(name) or DEFAULTS[name])).resolve()

    @property
    def cases_dir(self) -> Path:
        return self._path("cases_dir")

    @property
    def schemas_dir(self) -> Path:
        """The project's schema folder; a project without one uses the schemas the package ships."""
        folder = self._path("schemas_dir")
        if folder.is_dir():
            return folder
        packaged = Path(__file__).parent / "default_schemas"  # in a built wheel only
        if packaged.is_dir():
            return packaged
        raise ProjectError(f"找不到 Schema 文件夹 {folder}")

    @property
    def lectures_dir(self) -> Path:
        return self._path("lectures_dir")

    @property
    def cache_dir(self) -> Path:
        return self._path("cache_dir")

    @property
    def glossary(self) -> Path:
        return self.schemas_dir / GLOSSARY

    def use_rules(self, rules: Rules) -> None:
        """Reuse rules read before from the same, unchanged schema folder (the preview does)."""
        self._rules = rules

    @property
    def rules(self) -> Rules:
        if self._rules is None:  # built once, on first use
            self._rules = Rules(self.schemas_dir)
        return self._rules

    def load(self, show_drafts: bool = False, cache: FileCache | None | bool = True) -> Library:
        """load → validate → catalog, with the glossary and the lecture packs: what every renderer reads.
        cache: True for the project's validation cache, False for none, or one to reuse."""
        rules = self.rules
        if cache is True:
            cache = FileCache(self.cache_dir, rules.version)
        catalog, result = load_catalog([self.cases_dir], rules, cache or None, show_drafts=show_drafts)
        glossary, glossary_problems = validate_glossary(self.glossary, rules)
        problems: list = [*result.problems, *glossary_problems]
        packs = {}
        for path in pack_paths(self.lectures_dir):
            try:
                packs[path.stem] = load_pack(path, catalog)
            except PackError as exc:
                problems.append(str(exc))
        return Library(catalog, glossary, packs, problems)

    @classmethod
    def find(cls, config_file: str | Path | None = None, start: Path | None = None) -> Project:
        """The project named by a config file, else the first folder upward from `start` (the working
        directory) with a mkdocs.yml, else the working directory itself with the default folders."""
        if config_file is not None:
            path = Path(config_file).resolve()
            if not path.is_file():
                raise ProjectError(f"配置文件 {config_file} 不存在")
            return cls(path.parent, _plugin_options(path), path)
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder, _plugin_options(folder / CONFIG_FILE), folder / CONFIG_FILE)
        return cls(here)


@dataclass
class Library:
    catalog: Catalog
    glossary: dict | None  # None when the glossary has problems
    packs: dict[str, Pack]
    problems: list  # validator problems and pack errors, as printable items


def _plugin_options(config_file: Path) -> dict:
    """The casebook plugin's options in mkdocs.yml (its !ENV tags resolved as MkDocs does)."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(config_file, encoding="utf-8") as f:
            config = yaml_load(f) or {}
    except Exception as exc:  # a broken mkdocs.yml: say which file, whatever the parser raised
        raise ProjectError(f"无法读取 {config_file}：{exc}") from exc
    for entry in config.get("plugins") or []:
        if entry == "casebook":
            return {}
        if isinstance(entry, dict) and "casebook" in entry:
            return {k: v for k, v in (entry["casebook"] or {}).items() if k in DEFAULTS}
    return {}
