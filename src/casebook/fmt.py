"""casebook fmt: one layout for every case file, keeping comments and data.

Keys follow the schema's order, strings are quoted only where YAML needs it (with double
quotes), lists are indented under their key. The result is checked by loading both versions:
if the data would differ in any way, or a comment would be lost, nothing is written.

What the tool does not own stays as it was: a comment on its own line stays above the key it
stood above when keys move (ruamel attaches it to whatever came before, which may move elsewhere);
the file's permissions, its line endings and a byte-order mark are kept; a symbolic link stays a
link, and the file it points to is replaced atomically.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import StreamMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

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
    elif isinstance(node, str) and (_quoted_always(schema) or _read_otherwise(node)):
        return DoubleQuotedScalarString(node)
    return node


def _as_text_where_text(node, truth) -> None:
    """Where the validator's loader reads text (010, .nan, 0x1F stay text there) and ruamel, which
    reads YAML 1.2, made a number of it, put the text back, quoted: ruamel would write 010 again."""
    if isinstance(node, CommentedMap) and isinstance(truth, dict):
        pairs: list = [(key, truth[key]) for key in node if isinstance(key, str) and key in truth]
    elif isinstance(node, CommentedSeq) and isinstance(truth, list) and len(truth) == len(node):
        pairs = list(zip(range(len(node)), truth))
    else:
        return
    for key, value in pairs:
        if isinstance(value, str) and not isinstance(node[key], str):
            node[key] = DoubleQuotedScalarString(value)
        else:
            _as_text_where_text(node[key], value)


def _read_otherwise(text: str) -> bool:
    """Text that another YAML reader would take for something else (YAML 1.1 reads 010 as 8,
    1:20 as 80, yes and on as true; YAML 1.2 reads 010 as 10): quoted, so every tool reads text."""
    if isinstance(text, (LiteralScalarString, FoldedScalarString)) or "\n" in text:
        return False
    # the resolver is called on the class, as PyYAML's own constructors do
    return yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"  # type: ignore[arg-type]


# comments ---------------------------------------------------------------------------------------
# ruamel keeps a comment line with the node before it: "# 说明" above `level:` belongs, for
# ruamel, to the last value of whatever came before `level`. Before keys are reordered, each block
# of comment lines is given to the node it stands above (its owner); where the owner has a new
# predecessor afterwards, the block moves with the owner.

_END = ("end", None)  # the owner of comments after the last node
MODELINE = "# yaml-language-server:"
_MARK = StreamMark("casebook fmt", 0, 0, 0)  # for comments placed anew (the indentation is in their text)


def _block(node) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and not node.fa.flow_style() and len(node) > 0


def _order(node) -> list[tuple]:
    """(container, key) of every key and list item in the order they are written."""
    out: list[tuple] = []
    for key in list(node) if isinstance(node, CommentedMap) else range(len(node)):
        out.append((node, key))
        if _block(node[key]):
            out.extend(_order(node[key]))
    return out


def _line(entry) -> int:
    container, key = entry
    try:
        return container.lc.key(key)[0] if isinstance(container, CommentedMap) else container.lc.item(key)[0]
    except (KeyError, TypeError, IndexError):
        return -1


def _post_slot(entry) -> tuple[list, int]:
    """Where ruamel keeps the comment after a node's value: (list, index)."""
    container, key = entry
    slots = container.ca.items.setdefault(key, [None, None, None, None])
    return slots, (2 if isinstance(container, CommentedMap) else 0)


def _tokens(node, found: dict) -> dict:
    """id(token) -> [token, [holders (list, index)], kind] for every comment in the tree.
    kind: "post" (after a value: may start with the value's own end-of-line comment) or "lines"."""

    def add(holder, index, kind):
        """index None: holder is a list of tokens (the token is removed from it, not set to None)."""
        token = holder[index] if index is not None else kind[1]
        kind = kind if index is not None else kind[0]
        if isinstance(token, CommentToken):
            found.setdefault(id(token), [token, [], kind])[1].append((holder, index))

    if not isinstance(node, (CommentedMap, CommentedSeq)):
        return found
    if node.ca.comment:
        for slot in node.ca.comment:
            for token in list(slot) if isinstance(slot, list) else []:
                add(slot, None, ("lines", token))
    post = 2 if isinstance(node, CommentedMap) else 0
    for slots in node.ca.items.values():
        for i, slot in enumerate(slots):
            if i == 1 and isinstance(node, CommentedMap):
                continue  # comments ruamel already keeps before this key: they move with it
            if isinstance(slot, list):
                for token in list(slot):
                    add(slot, None, ("lines", token))
            elif slot is not None:
                add(slots, i, "post" if i == post else "lines")
    for child in node.values() if isinstance(node, CommentedMap) else node:
        _tokens(child, found)
    return found


def _split(token: CommentToken, kind: str, source: list[str]) -> tuple[str, str]:
    """(what stays on the value's own line, the comment lines below it)."""
    value = token.value
    mark = token.start_mark
    column = getattr(mark, "column", 0) or 0
    if kind != "post":  # a comment line kept apart: its indentation is in the mark, not the text
        return "", (" " * column + value) if value.startswith("#") else value
    if value.startswith("\n"):
        return "\n", value[1:]
    line = getattr(mark, "line", None)
    if line is not None and line < len(source) and not source[line][:column].strip():
        # after a block scalar (| or >), which ends its own line: the comment starts a line
        return "", " " * column + value
    eol, _, rest = value.partition("\n")
    return eol + "\n", rest


def _comment_lines(document) -> list[str]:
    """Every comment line of a parsed document, sorted: what fmt must neither lose nor add."""
    seen: set[int] = set()
    out: list[str] = []

    def take(slot):
        for token in slot if isinstance(slot, list) else [slot]:
            if isinstance(token, CommentToken) and id(token) not in seen:
                seen.add(id(token))
                out.extend(line.strip() for line in token.value.splitlines() if line.strip())

    def walk(node):
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            return
        for slot in node.ca.comment or []:
            take(slot)
        for slots in node.ca.items.values():
            for slot in slots:
                take(slot)
        for child in node.values() if isinstance(node, CommentedMap) else node:
            walk(child)

    walk(document)
    return sorted(out)


def _keep_comments_with_their_keys(document, reorder, text: str) -> None:
    source = text.split("\n")
    before = _order(document)
    if not before:
        reorder()
        return
    lines = [(_line(entry), entry) for entry in before]
    first_line = lines[0][0]
    moving: dict = {}  # owner entry key -> list of (token id, text)
    tokens = _tokens(document, {})
    # Above the first key: the comment lines right above it are about it; the schema modeline and
    # what a blank line separates from the key are the file's own heading, and stay on top.
    heading = (document.ca.comment or [None, None])[1] or [] if len(document.ca.comment or []) > 1 else []
    about_first = set()
    for token in reversed(heading):
        if not token.value.strip() or token.value.lstrip().startswith(MODELINE):
            break
        about_first.add(id(token))
    for token_id, (token, _holders, kind) in tokens.items():
        at = getattr(token.start_mark, "line", None)
        if at is None:
            continue  # a comment ruamel made itself, with no place in the file
        if kind == "lines" and at < first_line and token_id not in about_first:
            continue
        _, rest = _split(token, kind, source)
        if not rest.strip():
            continue
        # the node on the first line below it; on a "- key:" line, the key (the innermost node)
        below = next((line for line, _ in lines if line > at), None)
        owner = [entry for line, entry in lines if line == below][-1] if below is not None else _END
        moving.setdefault(_key(owner), []).append((token_id, rest, owner))
    predecessor_before = _predecessors(before)
    reorder()
    after = _order(document)
    predecessor_after = _predecessors(after)
    moved = []
    for owner_key, blocks in moving.items():
        if predecessor_before.get(owner_key) == predecessor_after.get(owner_key):
            continue
        for token_id, rest, owner in blocks:
            token, holders, kind = tokens[token_id]
            eol, _ = _split(token, kind, source)
            if kind == "post" and eol.strip():
                token.value = eol  # its end-of-line comment stays where it is
            else:
                for holder, index in holders:
                    if index is None:
                        holder[:] = [t for t in holder if t is not token]
                    else:
                        holder[index] = None
            moved.append((owner, rest))
    for owner, rest in moved:
        _attach(document, after, owner, rest)
    _first_keys_own_comments(document)


def _key(entry) -> tuple:
    return entry if entry is _END else (id(entry[0]), entry[1])


def _predecessors(order: list) -> dict:
    """For each node, the last value written before it (a list item's "- " is no value of its own)."""
    out: dict = {}
    last = None
    for container, key in order:
        out[_key((container, key))] = last
        if not _block(container[key]):
            last = _key((container, key))
    out[_key(_END)] = last
    return out


def _parents(node, out: dict) -> dict:
    """id(collection) -> (the collection holding it, its key there), for every block collection."""
    for key in list(node) if isinstance(node, CommentedMap) else range(len(node)):
        if _block(node[key]):
            out[id(node[key])] = (node, key)
            _parents(node[key], out)
    return out


def _reindent(rest: str, column: int) -> str:
    return "".join((" " * column + line.lstrip(" ")) if line.strip() else line for line in rest.splitlines(keepends=True))


def _head(container, rest: str, parents: dict | None = None) -> None:
    """Comment lines before the first key or item of a block collection. As ruamel's parser does,
    the same comment is also kept after the key the collection is the value of."""
    token = CommentToken(rest, _MARK)
    if not container.ca.comment:
        container.ca.comment = [None, []]
    while len(container.ca.comment) < 2:
        container.ca.comment.append([])
    if container.ca.comment[1] is None:
        container.ca.comment[1] = []
    container.ca.comment[1].append(token)
    parent, key = (parents or {}).get(id(container), (None, None))
    if isinstance(parent, CommentedMap):
        slots = parent.ca.items.setdefault(key, [None, None, None, None])
        if slots[3] is None:
            slots[3] = []
        slots[3].append(token)


def _columns(node, column: int = 0, out: dict | None = None) -> dict:
    """id(collection) -> the column its keys (or its dashes) are written at, with fmt's indentation."""
    out = {id(node): column} if out is None else out
    for key in list(node) if isinstance(node, CommentedMap) else range(len(node)):
        if _block(node[key]):
            out[id(node[key])] = column + 2  # keys of a nested mapping, dashes of a list, keys of a list item
            _columns(node[key], column + 2, out)
    return out


def _attach(document, order: list, owner, rest: str) -> None:
    if owner is _END:
        _append_post(order[-1], _reindent(rest, 0))
        return
    keys = [_key(entry) for entry in order]
    index = keys.index(_key(owner))
    container, key = owner
    columns = _columns(document)
    rest = _reindent(rest, columns[id(container)])
    first_child = (next(iter(container)) == key) if isinstance(container, CommentedMap) else key == 0
    if index == 0:
        _head(document, rest)
        return
    if not first_child or container is document:
        _append_post(order[index - 1], rest)
        return
    _before_first(document, order, container, rest, columns)


def _before_first(document, order: list, container, rest: str, columns: dict) -> None:
    """Comment lines above the first key or item of a nested block collection."""
    parents = _parents(document, {})
    parent, place = parents[id(container)]
    if isinstance(container, CommentedMap) and isinstance(parent, CommentedSeq):
        # the first key of a list item shares the line of its "- ": the comment goes above the dash
        rest = _reindent(rest, columns[id(parent)])
        if place == 0:
            _head(parent, rest, parents)
        else:
            keys = [_key(entry) for entry in order]
            _append_post(order[keys.index(_key((parent, place))) - 1], rest)
        return
    _head(container, rest, parents)


def _first_keys_own_comments(document, node=None) -> None:
    """ruamel keeps some comment lines before a key (after a flow list, say) with that key. Where
    such a key is now the first of a nested mapping, its emitter would write them after the "- " or
    the parent's key; they go above, where the parser would have put them."""
    node = document if node is None else node
    for key in list(node) if isinstance(node, CommentedMap) else range(len(node)):
        if _block(node[key]):
            _first_keys_own_comments(document, node[key])
    if node is document or not isinstance(node, CommentedMap) or not node:
        return
    first = next(iter(node))
    slots = node.ca.items.get(first)
    if not slots or not slots[1]:
        return
    rest = "".join((" " * getattr(t.start_mark, "column", 0) + t.value) if t.value.startswith("#") else t.value for t in slots[1])
    slots[1] = None
    _before_first(document, _order(document), node, rest, _columns(document))


def _append_post(entry, rest: str) -> None:
    slots, i = _post_slot(entry)
    token = slots[i]
    container, key = entry
    if token is None:
        block_scalar = isinstance(container[key], (LiteralScalarString, FoldedScalarString))
        slots[i] = CommentToken(rest if block_scalar else "\n" + rest, _MARK)  # a block scalar ends its line
    else:
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + rest


class FormatError(Exception):
    pass


def format_text(text: str, rules: Rules) -> str:
    before = load_text(text, Loaded(Path("before"), "before"))
    if before.problems:  # the parser of the check never meets what ruamel might choke on
        raise FormatError(
            f"无法读取，先用 casebook validate 修正：第 {before.problems[0].line} 行第 {before.problems[0].column} 列：{before.problems[0].message}"
        )
    yaml = _yaml()
    try:
        document = yaml.load(text)
    except Exception as exc:  # ruamel raises many kinds; the validator reports them precisely
        raise FormatError(f"无法读取，先用 casebook validate 修正：{exc}") from exc
    comments = _comment_lines(document)
    _as_text_where_text(document, before.data)
    if isinstance(document, (CommentedMap, CommentedSeq)):
        _keep_comments_with_their_keys(document, lambda: _normalise(document, rules.schemas[CASE_SCHEMA], rules), text)
    out = io.StringIO()
    yaml.dump(document, out)
    result = out.getvalue()
    after = load_text(result, Loaded(Path("after"), "after"))
    if after.problems or before.data != after.data:
        raise FormatError("整理后的数据与原文件不一致，没有写入（请报告这个问题）")
    if comments != _comment_lines(_yaml().load(result)):
        raise FormatError("整理后会丢失或改动注释，没有写入（请报告这个问题）")
    return result


_BOM = "\ufeff"


def format_file(path: Path, rules: Rules, check: bool = False) -> bool:
    """True when the file is (or would be) changed. Writes atomically; never on check.

    A link is written through: the file it points to is replaced, the link stays. The file keeps
    its permissions, its line endings (LF or CRLF) and its byte-order mark, if it had one."""
    target = path.resolve(strict=True)
    raw = target.read_bytes().decode("utf-8")
    bom = _BOM if raw.startswith(_BOM) else ""
    text = raw[len(bom) :]
    newline = "\r\n" if "\r\n" in text and not re.search(r"(?<!\r)\n", text) else "\n"
    text = text.replace("\r\n", "\n") if newline == "\r\n" else text
    result = format_text(text, rules)
    if result == text:
        return False
    if not check:
        mode = stat.S_IMODE(target.stat().st_mode)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(bom + result.replace("\n", newline))
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return True
