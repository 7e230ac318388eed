"""Data export: every published case as JSON and as CSV, with a codebook generated from the schema,
and the licence the data are published under.

CSV cells: text, numbers and booleans as they are; a list of short texts (keywords, themes …)
joined with a line break; a list of objects (actors, outcomes, references …) as a JSON array.
CSV files are UTF-8 with a byte order mark, which is how Excel on a Chinese Windows recognises
UTF-8 (without it Excel reads the file as GBK and shows mojibake).
"""

from __future__ import annotations

import csv
import io
import json
import re

from .records.catalog import Catalog
from .records.rules import Field, Rules
from .text import CONTENT_LICENCE

LIST_JOIN = "\n"
BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a line
# feed is included because some spreadsheets treat it like a carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_fields(rules: Rules) -> list[Field]:
    """One column per field that is not itself an object and not inside a list."""
    return [f for f in rules.fields() if "[]" not in f.path and f.type != "object"]


def _get(record: dict, path: str):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _cell(value, field: Field) -> str:
    if value is None:
        return ""
    if field.type == "array of object":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list):
        return LIST_JOIN.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _join_rule(field: Field) -> str:
    if field.type == "array of object":
        return "JSON 数组"
    if field.type.startswith("array"):
        return "各项之间用换行分隔"
    return ""


def codebook_rows(rules: Rules) -> list[dict]:
    return [
        {
            "column": f.path,
            "title": f.title,
            "type": f.type,
            "required": "是" if f.required else "否",
            "join": _join_rule(f),
            "allowed": "、".join(f.terms),
            "description": f.description,
        }
        for f in csv_fields(rules)
    ]


def csv_safe(cell: str) -> str:
    """Every CSV cell goes through here: a cell a spreadsheet would execute gets an apostrophe in
    front, which makes it text. A plain number such as -3 cannot hide a formula and stays as it is."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _csv(rows: list[list[str]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as Excel writes it
    for row in [header, *rows]:
        writer.writerow([csv_safe(cell) for cell in row])
    return BOM + buffer.getvalue()


def licence_text() -> str:
    """LICENSE.txt beside the data files: what may be done with them, in Chinese and English."""
    name, title, url = CONTENT_LICENCE["name"], CONTENT_LICENCE["title"], CONTENT_LICENCE["url"]
    return (
        f"基层治理案例库的数据（cases.json、cases.csv、codebook.csv）采用{title}（{name}）授权：\n"
        f"可以复制、分发和改编，包括商业用途，但须署名“基层治理案例库”，注明许可协议并说明是否作了修改。\n"
        f"许可协议全文：{url}\n"
        "各案例引用的原始文献（参考文献中的论文、报道、官方文件）版权归原作者和出版者所有，不在本许可之内。\n"
        "\n"
        f"The data of 基层治理案例库 (cases.json, cases.csv, codebook.csv) are licensed under {name}\n"
        f"(Creative Commons Attribution 4.0 International, {CONTENT_LICENCE['url_en']}).\n"
        'Credit "基层治理案例库", link to the licence and say whether you changed anything. The sources\n'
        "each case cites remain under their own authors' and publishers' copyright.\n"
    )


def export_files(catalog: Catalog, memo: dict | None = None) -> dict[str, str]:
    """{file name: text} for cases.json, cases.csv, codebook.csv and LICENSE.txt. Deterministic for the same input.
    memo: per-case results kept between calls (the preview), keyed by the file's digest."""
    cases = catalog.published
    fields = csv_fields(catalog.rules)
    book = codebook_rows(catalog.rules)
    memo = {} if memo is None else memo
    rows = []
    for case in cases:
        key = (case.digest, catalog.rules.version)
        if not case.digest or key not in memo:
            # one case per line: compact, and a change to one case is one changed line in a diff
            memo[key] = (
                json.dumps(case.data, ensure_ascii=False, sort_keys=True),
                [_cell(_get(case.data, f.path), f) for f in fields],
            )
        rows.append(memo[key])
    for stale in set(memo) - {(c.digest, catalog.rules.version) for c in cases}:
        del memo[stale]  # only the current version of each case stays
    return {
        "cases.json": "[\n" + ",\n".join(line for line, _ in rows) + "\n]\n",
        "cases.csv": _csv([row for _, row in rows], [f.path for f in fields]),
        "codebook.csv": _csv([list(r.values()) for r in book], list(book[0])),
        "LICENSE.txt": licence_text(),
    }
