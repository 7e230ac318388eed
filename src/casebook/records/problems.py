"""A problem found in a case file, located to a line and column."""

from __future__ import annotations

import errno
import unicodedata
from dataclasses import dataclass

# Hangul and Braille fillers look like nothing, as format and control characters do.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> str:
    """Text with every invisible or line-breaking character written out (\\n, \\u200b …), so that a
    message stays one line and shows what the file holds: a value with a right-to-left override or
    a zero-width space is not shown as something it is not."""
    if text.isprintable() and not any(ch in _BLANK_LETTERS for ch in text):
        return text
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


_OS_REASONS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ELOOP: "链接指向自己（循环链接）",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘已满",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese."""
    if exc.errno is None:
        return "系统错误"
    return _OS_REASONS.get(exc.errno, f"系统错误 {exc.errno}")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    path: str  # field path such as outcomes[2].ref; "" for the whole file
    message: str  # in Chinese

    def __post_init__(self):
        for name in ("file", "path", "message"):
            object.__setattr__(self, name, visible(getattr(self, name)))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


def format_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
