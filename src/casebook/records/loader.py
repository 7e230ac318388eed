"""Safe YAML loading that keeps a (line, column) for every key and value.

Only plain YAML data is accepted: mappings, sequences, strings, numbers, booleans and null.
Python tags, other tags, anchors and aliases (alias bombs), duplicate keys, non-UTF-8 bytes and
oversized files become problems instead of exceptions.

The tree is built from the parser's events in a loop, never by recursion: a file nested tens of
thousands of levels deep is refused at the level where it passes the limit, in time proportional
to what was read up to there. Plain scalars are read by one small rule, not YAML 1.1's: only
`true`/`false`, `null`/`~`/empty, decimal integers and decimal numbers are anything but text, so
`010`, `1:20`, `yes`, `on`, `0x1F`, `1_000` or `.nan` stay the text that was written, and a number
that does not fit a finite float is refused. Positions are the editor's: lines end at LF (or
CRLF) only, and characters that other programs count as line breaks (U+2028, U+2029, U+0085, a
lone CR) or that the parser would refuse (NUL and other control characters) are reported where an
editor shows them, before the parser sees the text.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .problems import Problem, format_path, os_reason
from .yaml_errors import explain, full_width_colon

MAX_BYTES = 512 * 1024
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# LibYAML's parser (bundled with PyYAML's wheels) is several times faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Plain scalars that are not text. Everything else YAML 1.1 would convert stays text.
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")

# Characters the parser refuses (control characters), or counts as line breaks where editors do
# not (NEL, LS, PS, a CR not followed by LF): refused before parsing, located on the editor's lines.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]|\r(?!\n)")
_CHAR_NAMES = {
    "\x00": "空字符（NUL）",
    "\x85": "换行控制符 NEL（U+0085）",
    "\u2028": "行分隔符（U+2028）",
    "\u2029": "段分隔符（U+2029）",
    "\r": "单独的回车符（CR）",
}


@dataclass
class Loaded:
    """One file: its data (None when unreadable), where each value stands, and its problems."""

    path: Path
    display: str
    data: Any = None
    positions: dict = field(default_factory=dict)  # value path tuple -> (line, col)
    key_positions: dict = field(default_factory=dict)  # key path tuple -> (line, col)
    problems: list = field(default_factory=list)
    positioned: bool = True  # False when read from the cache: positions are read again on demand
    digest: str = ""  # of the file's bytes: what a page made from it depends on
    written: dict = field(default_factory=dict)  # value path -> the source text of a plain scalar read as no text

    def to_json(self) -> dict:
        """What the validation cache keeps: the data and the problems (positions are cheap to redo)."""
        return {
            "display": self.display,
            "data": self.data,
            "digest": self.digest,
            "problems": [list(astuple(p)) for p in self.problems],
        }

    @classmethod
    def from_json(cls, path: Path, entry: dict) -> Loaded:
        return cls(
            path,
            entry["display"],
            entry["data"],
            problems=[Problem(*p) for p in entry["problems"]],
            positioned=False,
            digest=entry["digest"],
        )

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        """The position of a path, or of its nearest ancestor that has one."""
        if not self.positioned:
            again = load_file(self.path, self.display)
            self.positions, self.key_positions, self.positioned = again.positions, again.key_positions, True
            self.written = again.written
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


def _mark(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def editor_position(text: str, index: int) -> tuple[int, int]:
    """(line, column) of a character as an editor shows it: lines end at LF, columns count characters."""
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1


def _char_name(ch: str) -> str:
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    return f"控制字符 U+{ord(ch):04X}"


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = ("value", "path", "key", "is_map", "keep")

    def __init__(self, value, path: tuple, keep: bool):
        self.value = value  # dict or list
        self.path = path
        self.is_map = isinstance(value, dict)
        self.key = _KEY  # mappings: _KEY (a key comes next), a key (its value comes next), _SKIP or _SKIP_KEY
        self.keep = keep  # False: the collection is refused; it is read to its end and dropped


_KEY, _SKIP, _SKIP_KEY = object(), object(), object()


class _TooDeep(Exception):
    pass


class _SecondDocument(Exception):
    pass


class _Builder:
    def __init__(self, loaded: Loaded, loader, text: str):
        self.loaded = loaded
        self.loader = loader
        self.text = text
        self.lines: list[str] = []  # the text's lines, split when first needed
        self.uses: list[tuple[tuple[int, int], tuple, str]] = []  # anchors and aliases: (where, path, which)

    def problem(self, pos, path, message):
        self.loaded.problems.append(Problem(self.loaded.display, pos[0], pos[1], format_path(path), message))

    # the tree ----------------------------------------------------------------------------------

    def build(self):
        """The document's data from the parser's events, without recursion."""
        get = self.loader.get_event
        stack: list[_Frame] = []
        root = _KEY
        documents = 0
        while True:
            event = get()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = frame.value if frame.keep else None
                if not stack:
                    root = value
                else:
                    self._attach(stack[-1], value)
                continue
            if kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.problem(_mark(event.start_mark), (), "文件里只能有一个 YAML 文档（不要用 --- 分隔多个）")
                    raise _SecondDocument
                continue
            if kind is StreamEndEvent:
                return None if root is _KEY else root
            if kind not in (ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent):
                continue  # stream start, document end

            pos = _mark(event.start_mark)
            parent = stack[-1] if stack else None
            if parent is not None and parent.is_map and parent.key is _KEY:
                self._key(event, kind, pos, parent, stack)
                continue
            if parent is None:
                path = ()
            elif parent.is_map:
                path = parent.path + ((parent.key,) if isinstance(parent.key, str) else ("?",))
            else:
                path = parent.path + (len(parent.value),)
            if len(stack) > MAX_DEPTH:
                top = path[:1]
                self.problem(pos, top, f"嵌套层数超过 {MAX_DEPTH} 层（这里是第 {len(stack)} 层），请把内容写平")
                raise _TooDeep
            self.loaded.positions[path] = pos
            keep = parent.keep if parent is not None else True
            if kind is ScalarEvent:
                value = self._scalar(event, path, pos)
            elif kind is AliasEvent:
                self.uses.append((pos, path, "*"))
                value = None
            else:
                keep = self._collection(event, kind, path, pos) and keep
                stack.append(_Frame({} if kind is MappingStartEvent else [], path, keep))
                continue
            if parent is None:
                root = value
            else:
                self._attach(parent, value)

    def _attach(self, frame: _Frame, value) -> None:
        if not frame.is_map:
            frame.value.append(value)
            return
        if frame.key is _SKIP_KEY:  # a refused key has ended: its value comes next, and is dropped
            frame.key = _SKIP
            return
        if isinstance(frame.key, str):
            frame.value[frame.key] = value
        frame.key = _KEY

    def _key(self, event, kind, pos, frame: _Frame, stack: list) -> None:
        path = frame.path
        if kind is not ScalarEvent:
            self.problem(pos, path, "字段名必须是简单的文字（不支持复杂键）")
            if kind is AliasEvent:
                frame.key = _SKIP
            else:
                if len(stack) > MAX_DEPTH:
                    self.problem(pos, path[:1], f"嵌套层数超过 {MAX_DEPTH} 层")
                    raise _TooDeep
                frame.key = _SKIP_KEY
                stack.append(_Frame({} if kind is MappingStartEvent else [], path + ("?",), False))
            return
        frame.key = _SKIP
        if event.anchor:
            self.uses.append((pos, path, "&"))
        plain = event.tag is None and event.implicit[0]
        if plain and event.value == "<<":
            self.problem(pos, path, "字段名必须是简单的文字（不支持合并键 <<）")
            return
        if event.tag not in (None, "!", _STR):
            self.problem(pos, path, f"不允许的 YAML 标签 {event.tag}：字段名只能是文字")
            return
        key = self._plain(event.value, path, pos, key=True) if plain else event.value
        if not isinstance(key, str):
            self.problem(pos, path + (event.value,), f"字段名“{event.value}”必须是文字")
            return
        if key in frame.value:
            first = self.loaded.key_positions.get(path + (key,), pos)
            self.problem(pos, path + (key,), f"字段“{key}”重复（第一次出现在第 {first[0]} 行）")
            return
        self.loaded.key_positions[path + (key,)] = pos
        frame.key = key

    def _collection(self, event, kind, path, pos) -> bool:
        """Whether a mapping or sequence is accepted (its tag)."""
        if event.anchor:
            self.uses.append((pos, path, "&"))
        want, what = (_MAP, "映射") if kind is MappingStartEvent else (_SEQ, "列表")
        if event.tag in (None, "!", want):
            return True
        self.problem(pos, path, f"不允许的 YAML 标签 {event.tag}，只能写普通的{what}")
        return False

    # scalars -----------------------------------------------------------------------------------

    def _scalar(self, event, path, pos):
        if event.anchor:
            self.uses.append((pos, path, "&"))
        tag = event.tag
        if tag is None:
            if event.implicit[0]:  # plain: the one rule for what is not text
                if "：" in event.value:
                    self._full_width_key(event, path)
                value = self._plain(event.value, path, pos)
                return None if value is _REFUSED else value
            return event.value  # quoted or a block scalar: always text
        if tag in ("!", _STR):
            return event.value
        explicit = _EXPLICIT.get(tag)
        if explicit is None:
            self.problem(
                pos,
                path,
                f"不允许的 YAML 标签 {tag}（出于安全，只接受文字、数字、真假值和空值；"
                "如果以 ! 开头的内容是文字，请把整个值用引号括起来）",
            )
            return None
        value = self._plain(event.value, path, pos)
        if value is _REFUSED:
            return None
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        fits = {"int": number and isinstance(value, int), "float": number, "bool": isinstance(value, bool), "null": value is None}
        if not fits[explicit]:
            self.problem(pos, path, f"“{event.value}”不是标签 {tag} 所说的{_EXPLICIT_ZH[explicit]}")
            return None
        return float(value) if explicit == "float" else value

    def _full_width_key(self, event, path) -> None:
        """A plain value that begins a line (or goes on to one) with `key：`: a field whose colon is
        full-width, read as text, so the field is missing."""
        start, end = event.start_mark, event.end_mark
        self.lines = self.lines or self.text.split("\n")  # once: many values hold a full-width colon
        for number, line in enumerate(self.lines[start.line : end.line + 1], start.line + 1):
            joined = start.line + 1 if number > start.line + 1 else 0
            found = full_width_colon(line, number, joined)
            if found and (joined or found[0] == start.column):
                self.problem((number, found[1] + 1), path, found[2])
                return

    def _plain(self, text: str, path, pos, key: bool = False):
        """A plain scalar: text unless it is exactly null, true/false or a decimal number."""
        if text and text[0] not in _MAYBE_NOT_TEXT:
            return text
        value: Any
        if text in _NULL:
            value = None
        elif text in _BOOL:
            value = _BOOL[text]
        elif _INT.fullmatch(text):
            try:
                value = int(text)
            except ValueError:  # more digits than Python converts
                self.problem(pos, path, f"数字“{text[:20]}…”位数太多")
                return _REFUSED
        elif _FLOAT.fullmatch(text):
            value = float(text)
            if not math.isfinite(value):
                self.problem(pos, path, f"数字“{text}”超出范围（不能是无穷大）")
                return _REFUSED
        else:
            return text
        if not key:
            self.loaded.written[path] = text
        return value


_REFUSED = object()
_EXPLICIT = {
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}
_EXPLICIT_ZH = {"int": "整数", "float": "数字", "bool": "真假值（true/false）", "null": "空值"}


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
    """Read a document's text into `loaded`: its data, where every value stands, and its problems."""
    bad = _BAD_CHAR.search(text)
    if bad:
        line, column = editor_position(text, bad.start())
        loaded.problems.append(
            Problem(
                loaded.display,
                line,
                column,
                "",
                f"这里有不可见的{_char_name(bad.group()[0])}，请删除"
                + ("（或把换行统一为 LF 或 CRLF）" if bad.group() == "\r" else ""),
            )
        )
        return loaded
    loader = _Loader(text)
    builder = _Builder(loaded, loader, text)
    try:
        data = builder.build()
    except yaml.MarkedYAMLError as exc:
        (line, column), message = explain(exc, text)
        if not any((p.line, p.column) == (line, column) for p in loaded.problems):  # a full-width colon, said once
            loaded.problems.append(Problem(loaded.display, line, column, "", f"YAML 语法错误：{message}"))
        return loaded
    except yaml.YAMLError as exc:  # a reader error the check above did not foresee
        line, column = 1, 1
        position = getattr(exc, "position", None)
        if position is not None:  # LibYAML counts bytes of UTF-8
            line, column = editor_position(text, len(text.encode("utf-8")[:position].decode("utf-8", "ignore")))
        loaded.problems.append(Problem(loaded.display, line, column, "", "YAML 无法读取这里的字符，请删除它"))
        return loaded
    except (_TooDeep, _SecondDocument):
        return loaded
    except RecursionError:  # not expected: the builder does not recurse
        loaded.problems.append(Problem(loaded.display, 1, 1, "", "嵌套层数过多，无法读取"))
        return loaded
    finally:
        loader.dispose()
    if builder.uses:
        # an alias is what does harm (it repeats a node): point at the first one, else at an anchor
        (line, column), path, which = min(builder.uses, key=lambda use: (use[2] != "*", use[0]))
        count = len(builder.uses)
        more = f"（本文件共 {count} 处）" if count > 1 else ""
        what = "别名（*名称）" if which == "*" else "锚点（&名称）"
        loaded.problems.append(
            Problem(
                loaded.display,
                line,
                column,
                format_path(path),
                f"以 {which} 开头会被读作 YAML {what}：本项目不使用锚点和别名，请直接写出内容；"
                f"如果 {which} 是文字的一部分，请把整个值用引号括起来{more}",
            )
        )
    if data is None and not loaded.problems and not loaded.positions:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", "文件为空（或只有注释）"))
        return loaded
    if not isinstance(data, dict) and not loaded.problems:
        line, column = loaded.positions.get((), (1, 1))
        loaded.problems.append(Problem(loaded.display, line, column, "", "文件顶层应是“字段: 值”的映射，而不是列表或单个值"))
    loaded.data = data if isinstance(data, dict) else None
    return loaded


def load_file(path: Path, display: str | None = None) -> Loaded:
    loaded = Loaded(path=path, display=display or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            loaded.problems.append(Problem(loaded.display, 1, 1, "", f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）"))
            return loaded
        raw = path.read_bytes()
    except OSError as exc:
        loaded.problems.append(Problem(loaded.display, 1, 1, "", f"无法读取文件：{os_reason(exc)}"))
        return loaded
    loaded.digest = hashlib.sha256(raw).hexdigest()
    text = _decode(raw, loaded)
    if text is None:
        return loaded
    return load_text(text, loaded)
