"""casebook fmt: one layout for every case file, keeping comments and data.

Keys follow the schema's order, strings are quoted only where YAML needs it (with double
quotes), lists are indented under their key. The result is checked by loading both versions:
if the data would differ in any way, nothing is written.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .records.loader import Loaded, load_text
from .records.rules import CASE_SCHEMA, Rules


class _DoubleQuoteEmitter(Emitter):
    """Where a string needs quotes, use double quotes, as the template and the guide do."""

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Emitter = _DoubleQuoteEmitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long lines of Chinese text
    yaml.preserve_quotes = False
    yaml.allow_unicode = True
    return yaml


def _quoted_always(schema: dict) -> bool:
    """Dates and codes are always quoted, so that 2016 or 110105 never turns into a number."""
    return schema.get("format") in ("date", "partial-date") or schema.get("pattern", "").startswith("^[0-9]")


def _normalise(node, schema: dict, rules: Rules, base: str = CASE_SCHEMA):
    """Keys in the schema's order (unknown keys last), dates and codes quoted; recursively."""
    schema, base = rules.resolve(schema, base)
    if isinstance(node, CommentedMap):
        properties = schema.get("properties", {})
        for key in [k for k in properties if k in node] + [k for k in node if k not in properties]:
            node.move_to_end(key)
        for key in list(node):
            node[key] = _normalise(node[key], properties.get(key, {}), rules, base)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _normalise(item, schema.get("items", {}), rules, base)
    elif isinstance(node, str) and _quoted_always(schema):
        return DoubleQuotedScalarString(node)
    return node


class FormatError(Exception):
    pass


def format_text(text: str, rules: Rules) -> str:
    yaml = _yaml()
    try:
        document = yaml.load(text)
    except Exception as exc:  # ruamel raises many kinds; the validator reports them precisely
        raise FormatError(f"无法读取，先用 casebook validate 修正：{exc}") from exc
    _normalise(document, rules.schemas[CASE_SCHEMA], rules)
    out = io.StringIO()
    yaml.dump(document, out)
    result = out.getvalue()
    before = load_text(text, Loaded(Path("before"), "before"))
    after = load_text(result, Loaded(Path("after"), "after"))
    if before.problems or after.problems or before.data != after.data:
        raise FormatError("整理后的数据与原文件不一致，没有写入（请报告这个问题）")
    return result


def format_file(path: Path, rules: Rules, check: bool = False) -> bool:
    """True when the file is (or would be) changed. Writes atomically; never on check."""
    text = path.read_text(encoding="utf-8-sig")
    result = format_text(text, rules)
    if result == text:
        return False
    if not check:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(result)
        os.replace(temp, path)
    return True
