"""YAML syntax errors in Chinese, placed where an editor shows the cause.

Every problem LibYAML's scanner and parser can report (and the wording of PyYAML's pure-Python
parser, used when LibYAML is missing) has an entry here. A message says what is wrong and what to
do, usually "put the whole value in quotes" or "check the indentation". The position is the one
the parser reports, except where that is the end of the file (a quote never closed): then it is
where the unfinished thing starts. A bracket or quote left open at the end of its line, and a
bracket that ends a value the text goes on after (`title: [试点]某社区`), are placed where they
open, since that is where the fix goes, and the message shows the line as it could be written.
"""

from __future__ import annotations

import json
import re

import yaml
from yaml.tokens import FlowMappingEndToken, FlowMappingStartToken, FlowSequenceEndToken, FlowSequenceStartToken, ScalarToken

# (pattern on the parser's problem, with the context before it; Chinese; where to point:
#  "problem" or "context", the place where the unfinished thing starts)
QUOTE = "如果这是文字，请把整个值用引号括起来"
INDENT = "同一层的字段要从同一列开始，下一层要多缩进（只用空格）"
TAB = "这里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格"
DIRECTIVE = "以 % 开头的行是 YAML 指令，本项目的文件不需要指令：请删除这一行，或把 % 开头的文字放进引号"
CLOSE_QUOTE = "如果引号是文字的一部分，请改用中文引号“”"
TAG_SYNTAX = "以 ! 开头会被读作 YAML 标签，而这个标签写得不完整；本项目不使用标签，" + QUOTE

TRANSLATIONS: list[tuple[str, str, str]] = [
    # a colon, a dash or a question mark where a value was expected
    (
        r"mapping values are not allowed",
        "这里不能出现“冒号+空格”（: ）。如果它是值里的文字（如“做法: 内容”），请把整个值用引号括起来；否则请检查缩进：" + INDENT,
        "problem",
    ),
    (
        r"(block )?sequence entries are not allowed",
        "这里不能出现列表项“- ”。如果它是值里的文字，请把整个值用引号括起来；否则请检查缩进：" + INDENT,
        "problem",
    ),
    (r"mapping keys are not allowed", "这里不能出现“? ”（YAML 的复杂键标记）；" + QUOTE, "problem"),
    (
        r"could not find expected ':'",
        "上一个字段（从第 {line} 行第 {column} 列开始）没有写完：缺少冒号“:”，或者一段文字换了行却没有缩进或引号",
        "problem",
    ),
    (r"found unexpected ':'", "方括号或花括号里的文字含有冒号“:”；" + QUOTE, "problem"),
    # indentation and structure
    (
        r"did not find expected key|expected <block end>, but found '?<block mapping start>|expected <block end>, but found '?<scalar>",
        "这一行接不上上面的字段：可能是缩进不对（" + INDENT + "），也可能是引号后面还有文字（整段文字都应放在引号里）",
        "problem",
    ),
    (
        r"did not find expected '-' indicator|expected <block end>, but found '?-'?|expected <block end>",
        "列表没有对齐：列表的每一项都以“- ”开头，并从同一列开始；" + INDENT,
        "problem",
    ),
    (
        r"did not find expected ',' or '\]'|expected ',' or '\]'",
        "方括号列表（从第 {line} 行第 {column} 列的“[”开始）在这里缺少逗号或没有闭合“]”；列表中含有逗号或冒号的文字请加引号",
        "problem",
    ),
    (
        r"did not find expected ',' or '\}'|expected ',' or '\}'",
        "花括号映射（从第 {line} 行第 {column} 列的“{{”开始）在这里缺少逗号或没有闭合“}}”；其中含有逗号或冒号的文字请加引号",
        "problem",
    ),
    (
        r"did not find expected node content|expected the node content",
        "这里缺少值（比如两个逗号之间什么也没有），或者值以 YAML 的符号（如 ] }} ,）开头；" + QUOTE,
        "problem",
    ),
    (
        r"did not find expected <document start>|expected '<document start>'",
        "这里多了内容：文件在前面已经结束（例如有一行 ... 或顶层写了两次），或者这一行的缩进不对；" + INDENT,
        "problem",
    ),
    (r"expected a single document|but found another document", "文件里只能有一个 YAML 文档（不要用 --- 分隔多个）", "problem"),
    # quoted text
    (
        r"while (scanning|parsing) a (double-)?quoted scalar.*(found unexpected end of stream|found unexpected document (indicator|separator))",
        "引号没有闭合：第 {line} 行第 {column} 列的引号“{opening}”直到{end}都没有结束引号。请在这段文字末尾补上“{opening}”；"
        + CLOSE_QUOTE,
        "context",
    ),
    (
        r"found unexpected end of stream",
        "文件意外结束：从第 {line} 行第 {column} 列开始的内容没有写完（引号或括号没有闭合？）",
        "context",
    ),
    (
        r"found unknown escape character",
        '双引号里的反斜杠“\\”后面不是有效的转义（如 \\n、\\"、\\\\）：要写反斜杠本身请写两个“\\\\”，或改用单引号',
        "problem",
    ),
    (
        r"did not find expected hexdecimal number|expected escape sequence of \d+ hexadecimal numbers",
        "双引号里的 \\x、\\u 或 \\U 后面应是十六进制数字（0–9、A–F）：要写反斜杠本身请写两个“\\\\”，或改用单引号",
        "problem",
    ),
    (
        r"found invalid Unicode character escape code",
        "双引号里的 \\u 转义不是有效的字符：要写反斜杠本身请写两个“\\\\”，或改用单引号",
        "problem",
    ),
    # characters YAML reserves
    (r"found character '\\t' that cannot start any token|found a tab character", TAB, "problem"),
    (r"found character .*that cannot start any token", "“{char}”是 YAML 的保留符号，不能作为值的开头；" + QUOTE, "problem"),
    (
        r"while scanning an anchor|while scanning an alias|expected alphabetic or numeric character",
        "以 & 或 * 开头会被读作 YAML 锚点或别名，而这里的名称写得不对；本项目不使用锚点和别名，" + QUOTE,
        "problem",
    ),
    (
        r"found undefined tag handle",
        "以 ! 开头会被读作 YAML 标签，而“!…!”这种前缀没有定义；本项目不使用标签，" + QUOTE,
        "problem",
    ),
    (
        r"while (scanning|parsing) a tag\b|did not find expected tag URI|did not find URI escaped octet|found an incorrect (leading|trailing) UTF-8 octet|expected URI"
        r"|found non-specific tag|expected '>', but found",
        TAG_SYNTAX,
        "problem",
    ),
    (r"found undefined alias", "以 * 开头会被读作 YAML 别名，而这个名称没有定义；本项目不使用锚点和别名，" + QUOTE, "problem"),
    # block scalars | and >
    (
        r"found an indentation indicator equal to 0|expected indentation indicator in the range",
        "块标记 | 或 > 后面的缩进数字只能是 1–9；通常不需要写这个数字",
        "problem",
    ),
    (
        r"while scanning a block scalar.*(did not find expected comment or line break|expected a comment or a line break|expected chomping or indentation indicators)",
        "块标记 | 或 > 后面只能换行（或写 - + 和注释），文字要从下一行缩进开始写",
        "problem",
    ),
    # directives: lines that start with %
    (r"invalid indentation or unclosed '\[' or '\{'", "缩进不对，或者方括号、花括号没有闭合；" + INDENT, "problem"),
    (
        r"directive|duplicate tag handle|found incompatible YAML document|found extremely long version number|did not find expected version number"
        r"|expected a digit|expected ' ', but found"
        r"|did not find expected digit or '\.' character|did not find expected whitespace|did not find expected '!'"
        r"|found unexpected non-alphabetical character|did not find expected comment or line break",
        DIRECTIVE,
        "problem",
    ),
    # anything else the reader or scanner can say about the raw text
    (
        r"control characters are not allowed|invalid Unicode character|invalid (leading|trailing) UTF-8 octet"
        r"|incomplete UTF-(8|16)|invalid length of a UTF-8 sequence|surrogate|unacceptable character|input is too long",
        "这里有不可见或无效的字符，请删除",
        "problem",
    ),
    (r"found duplicate anchor", "以 & 开头会被读作 YAML 锚点，而这个名称用了两次；本项目不使用锚点和别名，" + QUOTE, "problem"),
]
_COMPILED = [(re.compile(pattern, re.S), zh, where) for pattern, zh, where in TRANSLATIONS]
FALLBACK = "YAML 解析器无法理解这里的内容；请检查缩进、冒号和引号（含有“: ”“#”或以符号开头的文字请加引号）"


def translate(context: str | None, problem: str | None) -> tuple[str, str] | None:
    """(Chinese message template, where) for a parser's context and problem; None if unknown."""
    reason = " ".join(filter(None, [context, problem]))
    for pattern, zh, where in _COMPILED:
        if pattern.search(reason):
            return zh, where
    return None


def _char_at(text: str, mark) -> str:
    lines = text.split("\n")
    if mark is not None and mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


# A key followed by a full-width colon (an input method's slip): YAML reads the line as text.
_FULL_WIDTH_KEY = re.compile(r"(\s*(?:-\s+)*)([a-z_][a-z0-9_]*)[ \t]*：[ \t]*(.*)")


def full_width_colon(line: str, number: int, joined: int = 0) -> tuple[int, int, str] | None:
    """(column where the key starts, column of the colon, Chinese message) when line number (from 1)
    is `key：value`; columns count from 0. joined: the line whose text YAML read this one into."""
    found = _FULL_WIDTH_KEY.fullmatch(line)
    if not found:
        return None
    key = found.group(2)
    fixed = f"{found.group(1).strip()} {key}: {found.group(3)}".strip()
    return (
        found.start(2),
        line.index("：", found.start(2)),
        f"第 {number} 行的“{key}”后面是全角冒号“：”，YAML 不把它当作字段名，而把整行读成了文字："
        f"字段名后面要用半角冒号“:”再加一个空格，请改为 {fixed}"
        + (f"；这一行被接在了第 {joined} 行的文字后面，也请检查缩进：{INDENT}" if joined else ""),
    )


_BRACKETS = {"[": ("方括号", "]", "列表"), "{": ("花括号", "}", "映射")}
# a value that can be put in quotes as it stands: after a key or a list dash, nothing else before it
_VALUE_START = re.compile(r"\s*(?:-\s+)*(?:[\w-]+:\s+)?")


def _tokens_before(text: str, mark) -> list:
    """The scanner's tokens up to a position (a second, partial pass, only for a file that failed)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    tokens = []
    try:
        while True:
            token = loader.get_token()
            if token is None or (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return tokens


def _as_text(line: str, column: int) -> str:
    """The line with its value, from column on, in double quotes (key and indentation dropped); ""
    where something other than a key or a dash stands before the value."""
    if not _VALUE_START.fullmatch(line[:column]):
        return ""
    return line[:column].strip() + (" " if line[:column].strip() else "") + json.dumps(line[column:].rstrip(), ensure_ascii=False)


def _full_width_key(exc, text: str) -> tuple[tuple[int, int], str] | None:
    """A line near the error whose key ends in a full-width colon: the parser then stumbles on the
    line itself or the one after it."""
    problem = exc.problem_mark
    if problem is None:
        return None
    lines = text.split("\n")
    first = min(exc.context_mark.line if exc.context_mark else problem.line, problem.line - 1)
    for number in range(max(first, 0), min(problem.line, len(lines) - 1) + 1):
        found = full_width_colon(lines[number], number + 1)
        if found:
            return (number + 1, found[1] + 1), found[2]
    return None


def _unclosed(exc, text: str) -> tuple[tuple[int, int], str] | None:
    """A bracket or quote that was not closed on its line (or closed a value the text goes on after),
    placed and explained where it opens: that is where the fix goes."""
    problem = exc.problem_mark
    if problem is None:
        return None
    lines = text.split("\n")
    context = exc.context_mark
    reason = f"{exc.context or ''} {exc.problem or ''}"
    if context is not None and re.search(r"flow (sequence|mapping)", reason) and problem.line > context.line:
        opening, name, closing, what, advice = _bracket(text, lines, context)
        return (context.line + 1, context.column + 1), (
            f"第 {context.line + 1} 行第 {context.column + 1} 列的{name}“{opening}”在这一行没有闭合，"
            f"YAML 把后面的行也读进了这个{what}：请在{what}末尾补上“{closing}”（各项之间用英文逗号分隔）；" + advice
        )
    tokens = _tokens_before(text, problem)
    last = tokens[-1] if tokens else None
    if isinstance(last, ScalarToken) and last.style in ('"', "'") and last.start_mark.line < last.end_mark.line:
        start, end, quote = last.start_mark, last.end_mark, last.style
        return (start.line + 1, start.column + 1), (
            f"第 {start.line + 1} 行第 {start.column + 1} 列的引号“{quote}”在这一行没有闭合，"
            f"YAML 一直读到第 {end.line + 1} 行第 {end.column} 列的“{quote}”才结束，后面的内容就接不上了："
            f"请在第 {start.line + 1} 行的文字末尾补上“{quote}”，即 {lines[start.line].strip()}{quote}；" + CLOSE_QUOTE
        )
    if isinstance(last, (FlowSequenceEndToken, FlowMappingEndToken)) and last.end_mark.line == problem.line:
        depth = 0
        for token in reversed(tokens):  # the bracket this one closes
            depth += isinstance(token, (FlowSequenceEndToken, FlowMappingEndToken))
            depth -= isinstance(token, (FlowSequenceStartToken, FlowMappingStartToken))
            if depth == 0:
                break
        start = token.start_mark
        if depth or start.line != problem.line:
            return None
        opening, name, closing, what, advice = _bracket(text, lines, start)
        return (start.line + 1, start.column + 1), (
            f"这个值以“{opening}”开头，被读作{name}{what}，到“{closing}”就结束了，后面的文字接不上：" + advice
        )
    return None


def _bracket(text: str, lines: list[str], mark) -> tuple[str, str, str, str, str]:
    """The bracket at mark: the character, its name, its closing character, what it makes, and the
    advice for a bracket meant as text (quote the whole value, rewritten)."""
    opening = _char_at(text, mark)
    name, closing, what = _BRACKETS.get(opening, ("括号", "", "内容"))
    quoted = _as_text(lines[mark.line], mark.column)
    advice = f"如果{name}是文字的一部分（如标题里的“{opening}试点{closing}”），请把整个值用引号括起来" + (
        f"：{quoted}" if quoted else ""
    )
    return opening, name, closing, what, advice


def explain(exc, text: str) -> tuple[tuple[int, int], str]:
    """((line, column), Chinese message) for a MarkedYAMLError raised on text."""
    special = _full_width_key(exc, text) or _unclosed(exc, text)
    if special:
        return special
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    char = _char_at(text, problem_mark)
    problem = exc.problem or ""
    if char == "\t" and "cannot start any token" in problem:
        problem = "found character '\\t' that cannot start any token"
    found = translate(exc.context, problem)
    template, where = found if found else (FALLBACK, "problem")
    mark = context_mark if where == "context" and context_mark is not None else (problem_mark or context_mark)
    start = context_mark or problem_mark
    at_end = problem_mark is not None and problem_mark.line >= text.count("\n") and not _char_at(text, problem_mark)
    fields = {
        "line": start.line + 1 if start else 1,
        "column": start.column + 1 if start else 1,
        "char": char or "?",
        "opening": _char_at(text, start) or "?",
        "end": "文件末尾" if at_end else (f"第 {problem_mark.line + 1} 行的文档分隔符" if problem_mark else "文件末尾"),
    }
    message = template.format(**fields)
    return ((mark.line + 1, mark.column + 1) if mark else (1, 1)), message
