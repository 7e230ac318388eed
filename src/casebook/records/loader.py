"""Safe YAML loading that keeps a (line, column) for every key and value.

Only plain YAML data is accepted: mappings, sequences, strings, numbers, booleans and null.
Python tags, other tags, anchors/aliases (alias bombs), duplicate keys, non-UTF-8 bytes and
oversized files become problems instead of exceptions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import astuple, dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, format_path

MAX_BYTES = 512 * 1024
MAX_DEPTH = 40

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


# LibYAML's parser (bundled with PyYAML's wheels) is several times faster than the pure-Python one.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """The safe loader without implicit timestamps: dates stay strings, as the schema expects."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_BRACKET = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """How deep [ and { nest (quotes ignored): refused before the parser recurses into it."""
    depth = deepest = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


@dataclass
class Loaded:
    """One file: its data (None when unreadable), where each value stands, and its problems."""

    path: Path
    display: str
    data: object = None
    positions: dict = field(default_factory=dict)  # value path tuple -> (line, col)
    key_positions: dict = field(default_factory=dict)  # key path tuple -> (line, col)
    problems: list = field(default_factory=list)
    positioned: bool = True  # False when read from the cache: positions are read again on demand
    digest: str = ""  # of the file's bytes: what a page made from it depends on

    def to_json(self) -> dict:
        """What the validation cache keeps: the data and the problems (positions are cheap to redo)."""
        return {"display": self.display, "data": self.data, "digest": self.digest, "problems": [list(astuple(p)) for p in self.problems]}

    @classmethod
    def from_json(cls, path: Path, entry: dict) -> "Loaded":
        return cls(path, entry["display"], entry["data"], problems=[Problem(*p) for p in entry["problems"]],
                   positioned=False, digest=entry["digest"])

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        """The position of a path, or of its nearest ancestor that has one."""
        if not self.positioned:
            again = load_file(self.path, self.display)
            self.positions, self.key_positions, self.positioned = again.positions, again.key_positions, True
        table = self.key_positions if key else self.positions
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if key and path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: tuple, message: str, key: bool = False, at: tuple | None = None) -> Problem:
        """A problem with the field path; placed at `at` (default: the field itself)."""
        line, column = self.where(path if at is None else at, key=key)
        return Problem(self.display, line, column, format_path(path), message)


def _char_at(text: str, mark) -> str:
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _mark(node_or_mark) -> tuple[int, int]:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return mark.line + 1, mark.column + 1


class _Builder:
    def __init__(self, loaded: Loaded, loader: _Loader):
        self.loaded = loaded
        self.loader = loader
        self.seen: set[int] = set()
        self.aliases: list[tuple[tuple[int, int], tuple]] = []  # where a node is used a second time

    def problem(self, pos, path, message):
        self.loaded.problems.append(Problem(self.loaded.display, pos[0], pos[1], format_path(path), message))

    def build(self, node, path: tuple, depth: int = 0, used_at: tuple[int, int] | None = None):
        pos = _mark(node)
        if id(node) in self.seen:
            self.aliases.append((used_at or pos, path))
            return None  # an alias: never expanded
        self.seen.add(id(node))
        self.loaded.positions[path] = pos
        if depth > MAX_DEPTH:
            self.problem(pos, path, f"嵌套层数超过 {MAX_DEPTH} 层")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.problem(pos, path, f"不允许的 YAML 标签 {node.tag}，只能写普通的键和值")
                return None
            out: dict = {}
            for key_node, value_node in node.value:
                key_pos = _mark(key_node)
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    self.problem(key_pos, path, "字段名必须是简单的文字（不支持合并键 << 或复杂键）")
                    continue
                key = key_node.value
                if key_node.tag != "tag:yaml.org,2002:str":
                    # e.g. `2014:` or `yes:` would silently become a number or boolean
                    self.problem(key_pos, path + (key,), f"字段名“{key}”必须是文字")
                    continue
                if key in out:
                    first = self.loaded.key_positions[path + (key,)]
                    self.problem(key_pos, path + (key,), f"字段“{key}”重复（第一次出现在第 {first[0]} 行）")
                    continue
                self.loaded.key_positions[path + (key,)] = key_pos
                out[key] = self.build(value_node, path + (key,), depth + 1, used_at=key_pos)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problem(pos, path, f"不允许的 YAML 标签 {node.tag}，只能写普通的列表")
                return None
            return [self.build(item, path + (i,), depth + 1, used_at=pos) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self.problem(pos, path, f"不允许的 YAML 标签 {node.tag}（出于安全，只接受文字、数字、真假值和空值）")
            return None
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # the common case, without the constructor's bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problem(pos, path, f"无法读取这个值：{exc}")
            return None


def _decode(raw: bytes, loaded: Loaded) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        loaded.problems.append(Problem(loaded.display, 1, 1, "", "文件是 UTF-16 编码，请另存为 UTF-8"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        loaded.problems.append(
            Problem(loaded.display, line, column, "", f"文件不是 UTF-8 编码（第 {exc.start} 字节无法解码），请另存为 UTF-8")
        )
        return None


def load_text(text: str, loaded: Loaded) -> Loaded:
    if _flow_depth(text) > MAX_DEPTH:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", f"嵌套层数超过 {MAX_DEPTH} 层"))
        return loaded
    loader = None
    try:
        loader = _Loader(text)  # the reader already rejects control characters here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark(mark) if mark else (1, 1)
        reason = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        if mark and _char_at(text, mark) == "\t":
            reason = "found character '\\t' that cannot start any token"
        loaded.problems.append(Problem(loaded.display, line, column, "", f"YAML 语法错误：{_zh_yaml(reason)}"))
        return loaded
    except yaml.YAMLError as exc:  # e.g. ReaderError for control characters
        line, column = 1, 1
        if getattr(exc, "position", None) is not None:
            before = text[: exc.position]
            line = before.count("\n") + 1
            column = exc.position - (before.rfind("\n") + 1) + 1
        loaded.problems.append(Problem(loaded.display, line, column, "", f"YAML 无法读取：{exc}"))
        return loaded
    except RecursionError:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", "嵌套层数过多，无法读取"))
        return loaded
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", "文件为空（或只有注释）"))
        return loaded
    builder = _Builder(loaded, loader)
    data = builder.build(node, ())
    if builder.aliases:
        (line, column), path = builder.aliases[0]
        count = len(builder.aliases)
        more = f"（本文件共 {count} 处）" if count > 1 else ""
        loaded.problems.append(
            Problem(loaded.display, line, column, format_path(path), f"不允许使用 YAML 锚点和别名（&name / *name），请直接写出内容{more}")
        )
    if not isinstance(data, dict) and not loaded.problems:
        line, column = _mark(node)
        loaded.problems.append(Problem(loaded.display, line, column, "", "文件顶层应是“字段: 值”的映射，而不是列表或单个值"))
    loaded.data = data if isinstance(data, dict) else None
    return loaded


_YAML_REASONS = {
    "found character '\\t' that cannot start any token": "这里有制表符（Tab），YAML 只能用空格缩进",
    "mapping values are not allowed here": "这里不能出现冒号“:”（缩进不对，或值里含有“: ”需要加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "expected a single document in the stream": "文件里只能有一个 YAML 文档（不要用 ---  分隔多个）",
    "found undefined alias": "使用了未定义的别名",
}


def _zh_yaml(reason: str) -> str:
    for en, zh in _YAML_REASONS.items():
        if en in reason:
            return f"{zh}（{reason}）"
    return reason


def load_file(path: Path, display: str | None = None) -> Loaded:
    loaded = Loaded(path=path, display=display or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            loaded.problems.append(
                Problem(loaded.display, 1, 1, "", f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）")
            )
            return loaded
        raw = path.read_bytes()
    except OSError as exc:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", f"无法读取文件：{exc.strerror}"))
        return loaded
    loaded.digest = hashlib.sha256(raw).hexdigest()
    text = _decode(raw, loaded)
    if text is None:
        return loaded
    return load_text(text, loaded)
