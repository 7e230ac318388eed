"""MkDocs plugin: validates cases/ at the start of every build and stops it on any problem."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .catalog import load_catalog


class CasebookConfig(Config):
    cases_dir = config_options.Type(str, default="cases")


class CasebookPlugin(BasePlugin[CasebookConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.cases_dir = root / self.config.cases_dir
        self.catalog, result = load_catalog([self.cases_dir])
        if result.problems:
            lines = "\n".join(str(p) for p in result.problems)
            raise PluginError(f"案例校验未通过（{len(result.problems)} 处问题）：\n{lines}")
        return config

    def on_serve(self, server, config, builder):
        # Editing a case file rebuilds and reloads the preview.
        server.watch(str(self.cases_dir))
        return server
