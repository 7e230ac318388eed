"""Validation: the JSON Schema first, then the rules that need more than one value or file.

Every problem carries file, line, column and field path; nothing raises on bad input.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .cache import FileCache
from .loader import Loaded, load_file
from .problems import Problem
from .rules import CASE_SCHEMA, GLOSSARY_SCHEMA, PACK_SCHEMA, Rules, partial_date

# Inline citation in Markdown text: [^w7]
CITATION = re.compile(r"\[\^([^\]\s]*)\]")

_TYPE_ZH = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "真假值（true/false）",
    "array": "列表",
    "object": "映射（字段: 值）",
    "null": "空值",
}


def _type_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass
class Result:
    files: list[Loaded]
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> list[Loaded]:
        bad = {p.file for p in self.problems}
        return [f for f in self.files if f.data is not None and f.display not in bad]


def _as_written(loaded: Loaded, path: tuple, value, expected: list) -> str:
    """What the file says, where a value was not read as the text it looks like: `2016`, `true`,
    `~` or an empty value are read as a number, a boolean or null; text such as `010`, `yes` or
    `.nan` stays text (never a silently converted number or boolean)."""
    if isinstance(value, (dict, list)):
        return ""
    written = loaded.written.get(tuple(path))
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f"“{shown}”" if "string" not in expected else ""
    if written is None:
        return ""
    if "string" in expected:
        if value is None:
            return (
                "（没有写值，或写了 ~ / null；如果“#”后面的内容是值的一部分，请把整个值用引号括起来）"
                if written in ("", "~")
                else f"（写的是 {written}，请加引号）"
            )
        return f'（写的是 {written}；如果是文字，请加引号，如 "{written}"）'
    return f"（写的是 {written or '空值'}）"


# What a date field of each format takes (the schema marks date fields with `format`).
_DATE_FORMS = {"partial-date": "YYYY、YYYY-MM 或 YYYY-MM-DD", "date": "YYYY-MM-DD"}
# Dates as people write them: 2023年5月8日, 2023.5, 2023/05/08, 2023-5-8 (after NFKC, so full-width digits too)
_WRITTEN_DATES = (
    re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?)?"),
    re.compile(r"(\d{4})(?:\s*[-./]\s*(\d{1,2})(?:\s*[-./]\s*(\d{1,2}))?)?"),
)


def _date_message(schema: dict, written: str) -> str | None:
    """For a date field: the form it takes and the value as it should be written ("2023年5月" →
    "2023-05"); None when the field is not a date or the text is no date this can read."""
    forms = _DATE_FORMS.get(schema.get("format", ""))
    text = unicodedata.normalize("NFKC", written).strip()
    found = next((m for m in (r.fullmatch(text) for r in _WRITTEN_DATES) if m), None)
    if forms is None or found is None:
        return None
    parts = [int(g) for g in found.groups() if g]
    fixed = "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])
    if partial_date(fixed) is None:
        return f"日期应写成 {forms}，而“{written}”在日历上不存在，请核对"
    if schema["format"] == "date" and len(parts) < 3:
        blank = "-".join([fixed] + ["MM", "DD"][len(parts) - 1 :])
        return f'日期应写成 {forms}，要写到日：“{written}”请补全为 "{blank}" 的样子（加引号）'
    if fixed == written:  # a year without quotes, read as a number
        return f'日期应写成 {forms}，请加引号："{fixed}"'
    return f'日期应写成 {forms}，请把“{written}”改为 "{fixed}"（加引号）'


def _vocabulary_message(error) -> str:
    terms = list(error.validator_value)
    title = error.schema.get("title", "词表")
    near = difflib.get_close_matches(str(error.instance), terms, n=1, cutoff=0.3)
    hint = f"是否想写“{near[0]}”？" if near else ""
    return f"“{error.instance}”不是词表《{title}》中的术语。{hint}可选：{'、'.join(terms)}"


def _schema_problems(loaded: Loaded, rules: Rules, schema_name: str = CASE_SCHEMA) -> list[Problem]:
    if rules.fast_check(schema_name)(loaded.data):
        return []
    out = []
    root = rules.schemas[schema_name]
    for error in rules.validator(schema_name).iter_errors(loaded.data):
        path = tuple(error.absolute_path)
        kind = error.validator
        problems: list[tuple[tuple, bool, str, tuple | None]] = []  # (path, key?, message, anchor)
        if kind == "required":
            missing = re.match(r"'(.+)' is a required property", error.message)
            name = missing.group(1) if missing else str(error.validator_value)
            problems.append((path + (name,), True, f"缺少必填字段“{name}”", path))
        elif kind == "additionalProperties":
            known = list(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(known)):
                near = difflib.get_close_matches(extra, known, n=1, cutoff=0.6)
                hint = f"是否想写“{near[0]}”？" if near else f"允许的字段：{'、'.join(known)}"
                problems.append((path + (extra,), True, f"未知字段“{extra}”。{hint}", None))
        elif kind == "type":
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            want = "或".join(_TYPE_ZH[t] for t in expected)
            written = loaded.written.get(path)
            date = _date_message(error.schema, written) if written else None  # 2023.5 without quotes is a number
            shown = f"（写的是 {written}）：{date}" if date else _as_written(loaded, path, error.instance, expected)
            problems.append((path, False, f"应为{want}，实际是{_TYPE_ZH[_type_of(error.instance)]}{shown}", None))
        elif kind == "enum" and error.schema.get("type") == "string" and not isinstance(error.instance, str):
            continue  # the type error beside it already says what is wrong
        elif kind == "enum" and error.schema.get("x-vocabulary"):
            problems.append((path, False, _vocabulary_message(error), None))
        elif kind == "enum":
            choices = "、".join(str(v) for v in error.validator_value)
            problems.append((path, False, f"“{error.instance}”不是允许的值，可选：{choices}", None))
        elif kind == "pattern":
            why = (
                _date_message(error.schema, error.instance)
                or error.schema.get("x-message")
                or f"格式应符合 {error.validator_value}"
            )
            problems.append((path, False, f"格式不对：{why}", None))
        elif kind == "not" and error.schema.get("x-message"):
            problems.append((path, False, f"格式不对：{error.schema['x-message']}", None))
        elif (
            kind == "format" and isinstance(error.instance, str) and not re.match(error.schema.get("pattern", ""), error.instance)
        ):
            continue  # not even in the form the pattern asks for: the pattern's message says what to write
        elif kind == "format":
            what = {"partial-date": "日期在日历上不存在", "date": "日期在日历上不存在", "uri": "不是有效的网址"}
            problems.append((path, False, f"“{error.instance}”{what.get(error.validator_value, '格式不对')}", None))
        elif kind in ("minLength", "maxLength"):
            bound = "至少" if kind == "minLength" else "最多"
            problems.append((path, False, f"长度应{bound} {error.validator_value} 个字符（现为 {len(error.instance)} 个）", None))
        elif kind in ("minItems", "maxItems"):
            bound = "至少" if kind == "minItems" else "最多"
            problems.append((path, False, f"应{bound}有 {error.validator_value} 项（现有 {len(error.instance)} 项）", None))
        elif kind == "uniqueItems":
            problems.append((path, False, "列表中有重复项", None))
        elif kind in ("minimum", "maximum"):
            bound = "不小于" if kind == "minimum" else "不大于"
            problems.append((path, False, f"应{bound} {error.validator_value}（现为 {error.instance}）", None))
        else:
            problems.append((path, False, f"不符合规则：{error.message}", None))

        # A conditional rule (allOf → if/then) names itself through its description.
        schema_path = list(error.schema_path)
        rule = ""
        if "then" in schema_path and schema_path[:1] == ["allOf"]:
            rule = f"（{root['allOf'][schema_path[1]]['description']}）"
        # A list or mapping is pointed at by its key line, a scalar by its value.
        container = isinstance(error.instance, (dict, list))
        for problem_path, at_key, message, anchor in problems:
            out.append(loaded.problem(problem_path, message + rule, key=at_key or container, at=anchor))
    return out


def _strings(value, path=()):
    """Every string in a record with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, path + (i,))


def _dig(value, *keys):
    """value[k1][k2]… or None, whatever the shapes on the way."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _before(a: str, b: str) -> bool:
    """True when partial date b lies wholly before a (compared at their common precision)."""
    pa, pb = partial_date(a), partial_date(b)
    if not pa or not pb:
        return False
    n = min(len(pa), len(pb))
    return pb[:n] < pa[:n]


def _record_problems(loaded: Loaded, rules: Rules) -> list[Problem]:
    data = loaded.data
    found: list[tuple[tuple, bool, str]] = []

    record_id = data.get("id")
    if isinstance(record_id, str) and record_id != loaded.path.stem:
        found.append((("id",), False, f"id“{record_id}”应与文件名“{loaded.path.stem}”相同"))
    if isinstance(record_id, str) and record_id in rules.reserved_ids:
        taken = "、".join(sorted(rules.reserved_ids))
        found.append((("id",), False, f"“{record_id}”是网站自己的页面名，案例页会与它冲突；请换一个编号（不能用：{taken}）"))

    period = data.get("period")
    if isinstance(period, dict) and isinstance(period.get("start"), str) and isinstance(period.get("end"), str):
        if _before(period["start"], period["end"]):
            found.append((("period", "end"), False, f"结束时间 {period['end']} 早于开始时间 {period['start']}"))
    meta = data.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("created"), str) and isinstance(meta.get("updated"), str):
        if _before(meta["created"], meta["updated"]):
            found.append((("meta", "updated"), False, f"更新日期 {meta['updated']} 早于创建日期 {meta['created']}"))

    found.extend(_citation_problems(data))

    if isinstance(record_id, str) and record_id in (data.get("related") or []):
        i = data["related"].index(record_id)
        found.append((("related", i), False, "相关案例不能是本案例自己"))

    found.extend(_location_problems(data.get("location"), rules))
    found.extend(_link_problems(data, rules))
    return [loaded.problem(path, message, key=at_key) for path, at_key, message in found]


def _citation_problems(data: dict) -> list[tuple[tuple, bool, str]]:
    """References have unique ids; every [^id] and outcome ref resolves; every reference is cited."""
    found: list[tuple[tuple, bool, str]] = []
    ref_ids: dict[str, int] = {}
    for i, ref in enumerate(data.get("references") or []):
        rid = ref.get("id") if isinstance(ref, dict) else None
        if not isinstance(rid, str):
            continue
        if rid in ref_ids:
            found.append((("references", i, "id"), False, f"文献编号“{rid}”重复（另见 references[{ref_ids[rid]}]）"))
        else:
            ref_ids[rid] = i
    cited: set[str] = set()
    for i, outcome in enumerate(_dicts(data.get("outcomes"))):
        ref = outcome.get("ref")
        if isinstance(ref, str):
            cited.add(ref)
            if ref not in ref_ids:
                found.append((("outcomes", i, "ref"), False, f"出处“{ref}”不在本案例的 references 中"))
    for path, text in _strings({k: v for k, v in data.items() if k != "references"}):
        for match in CITATION.finditer(text):
            cited.add(match.group(1))
            if match.group(1) not in ref_ids:
                found.append((path, False, f"引注 [^{match.group(1)}] 不在本案例的 references 中"))
    for rid, i in ref_ids.items():
        if rid not in cited:
            found.append((("references", i, "id"), False, f"文献“{rid}”没有被正文或成效数据引用"))

    return found


def _denied_host(url: str, rules: Rules) -> str | None:
    """The deny-listed host (or parent domain) a URL points to, if any."""
    parts = (urlsplit(url).hostname or "").lower().split(".")
    return next((h for h in (".".join(parts[i:]) for i in range(len(parts))) if h in rules.denied_hosts), None)


def _link_problems(data: dict, rules: Rules) -> list[tuple[tuple, bool, str]]:
    """No reference links to a mirror or spam host (schemas/denied-hosts.yaml)."""
    found = []
    for i, ref in enumerate(_dicts(data.get("references"))):
        for key in ("url", "read_at"):
            if isinstance(ref.get(key), str) and (host := _denied_host(ref[key], rules)):
                found.append(
                    (
                        ("references", i, key),
                        False,
                        f"{host} 是镜像或转载站（见 schemas/denied-hosts.yaml），不能作为出处链接；"
                        "请引用原始出版物，在 note 中说明经转载页面读到",
                    )
                )
    return found


_LEVELS = ("province", "city", "county")


def _location_problems(location, rules: Rules) -> list[tuple[tuple, bool, str]]:
    """The place names against the adcode. Where they disagree, the message names the field that is
    most likely wrong: the one level that differs (with the code the names would have, if they are
    a real place), or the code itself when the names are another real place at more than one level."""
    if not isinstance(location, dict) or not isinstance(location.get("adcode"), str):
        return []
    code = location["adcode"]
    table = rules.regions
    if not re.fullmatch(r"\d{6}", code):
        return []  # the schema reports the format
    given = {level: location.get(level) for level in _LEVELS}
    named = table.find(given["province"], given["city"], given["county"])  # the code of the place the names say
    if code not in table.names:
        hint = f'；按地名{_place(table.levels(named))}应为 "{named}"' if named else ""
        return [(("location", "adcode"), False, f"区划代码 {code} 不在代码表 schemas/regions.yaml 中（{table.year} 年版）{hint}")]
    want = table.levels(code)
    # a municipality's name may stand in the city field (北京市 北京市 朝阳区)
    wrong = [lv for lv in _LEVELS if given[lv] != want[lv] and not (want[lv] is None and given[lv] in (None, given["province"]))]
    if not wrong:
        return []
    full = _place(want)
    other = named if named and named != code else None
    if len(wrong) > 1:
        if other:
            message = (
                f'区划代码 {code} 是{full}，与地名“{_place(given)}”不符；这组地名在代码表中的代码是 "{other}"，'
                f'多半是代码写错了：请改为 adcode: "{other}"'
            )
        else:
            shown = "、".join(f"location.{lv} 是{_shown(given[lv])}" for lv in wrong)
            message = f"区划代码 {code} 是{full}，而 {shown}，代码表中也没有这组地名：请核对 adcode 和地名（代码表见 schemas/regions.yaml）"
        return [(("location", "adcode"), False, message)]
    level = wrong[0]
    title = rules.field(f"location.{level}").title
    value, expected = given[level], want[level]
    if expected is None:
        fix = f'如果案例在{value}，请把 adcode 改为 "{other}"；否则请删除这一行' if other else "请删除这一行，或核对 adcode"
        message = f"区划代码 {code}（{full}）没有{title}，这里的“{value}”多余：{fix}"
    elif value is None:
        fix = f'；如果案例不在{expected}，adcode 应为 "{other}"（{_place(table.levels(other))}）' if other else ""
        message = f"区划代码 {code}（{full}）的{title}是“{expected}”，这里却空缺：请补上 {level}: {expected}{fix}"
    else:
        fix = f'；如果{_shown(value)}没错，那么是 adcode 写错了：{_place(given)}的代码是 "{other}"' if other else ""
        message = f"与区划代码 {code}（{full}）不符：代码对应的{title}名称是“{expected}”，这里是{_shown(value)}。请改为“{expected}”{fix}"
    return [(("location", level), value is None, message)]


def _place(names: dict) -> str:
    """广东省广州市越秀区: the names of a place, each level once."""
    parts = [v for v in names.values() if isinstance(v, str)]
    return "".join(p for i, p in enumerate(parts) if p not in parts[:i])


def _shown(value) -> str:
    return f"“{value}”" if isinstance(value, str) else "空缺" if value is None else f"“{value}”（不是文字）"


CASE_SUFFIX = ".yaml"


def scan(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The case files under paths, and a problem for every file there that would otherwise be
    skipped without a word: another extension (`.yml`, `.YAML`, `.md` …), a file in a sub-folder,
    a link to nothing. Hidden names (starting with a dot: editors' swap and lock files, temporary
    files) are not case files and are passed over. A named file is taken as it is."""
    files: list[Path] = []
    problems: list[Problem] = []

    def refuse(path: Path, message: str) -> None:
        problems.append(Problem(display_path(path), 1, 1, "", message))

    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for entry in sorted(path.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() and not entry.exists():
                refuse(entry, f"这是一个链接，指向的 {os.readlink(entry)} 不存在，没有读取；请删除链接或补上文件")
            elif entry.is_dir():
                inside = sorted(
                    p
                    for p in entry.rglob("*")
                    if not any(part.startswith(".") for part in p.relative_to(entry).parts) and (p.is_file() or p.is_symlink())
                )
                for stray in inside:
                    refuse(stray, f"在子文件夹中，不会被读取：案例文件要直接放在 {display_path(path)}/ 下")
            elif not entry.is_file():
                refuse(entry, "不是普通文件，没有读取")
            elif entry.suffix == CASE_SUFFIX:
                files.append(entry)
            elif entry.suffix.lower() in (".yaml", ".yml"):
                refuse(entry, f"扩展名是 {entry.suffix}，不会被读取：案例文件的扩展名是小写的 .yaml，请改名为 {entry.stem}.yaml")
            else:
                refuse(entry, "不是案例文件（扩展名应为 .yaml），不会被读取；请改名，或把它移出这个文件夹")
    return files, problems


def case_files(paths: list[Path]) -> list[Path]:
    return scan(paths)[0]


def display_path(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory where it can be."""
    shown = os.path.relpath(os.path.abspath(path))
    return str(path) if shown.startswith("..") else shown


def _check_file(path: Path, rules: Rules) -> Loaded:
    """One file on its own: loading, the schema and the record's own rules."""
    loaded = load_file(path, display_path(path))
    if loaded.data is None or loaded.problems:
        return loaded  # structural problems first: checking half-read data would only add noise
    loaded.problems.extend(_schema_problems(loaded, rules))
    try:
        loaded.problems.extend(_record_problems(loaded, rules))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # The schema has already said what is malformed; never let a rule crash the run.
        loaded.problems.append(Problem(loaded.display, 1, 1, "", f"无法完成交叉检查：{exc}"))
    return loaded


def validate_paths(paths: list[Path], rules: Rules, cache: FileCache | None = None) -> Result:
    """Load and check every case file under paths; all problems of all files, sorted.

    With a cache, a file whose bytes and rules have not changed since the last run is not
    parsed or checked again; the rules across files always run.
    """
    files = []
    if cache:
        cache.start_run()
    paths, skipped = scan(paths)
    for path in paths:
        check = lambda p: _check_file(p, rules)  # noqa: E731
        files.append(cache.get(path, display_path(path), check) if cache else check(path))
    if cache and cache.autosave:
        cache.save()
        cache.entries = {}  # written; a one-off build does not need a second copy of every record
    result = Result(files)
    result.problems.extend(skipped)
    for loaded in files:
        result.problems.extend(loaded.problems)
    result.problems.extend(_collection_problems(files, {p.file for p in result.problems}))
    result.problems = sorted(set(result.problems))
    return result


def _same_name_key(name: str) -> str:
    """A name with width, punctuation, spacing, case and Traditional forms normalised away."""
    text = _to_simplified(unicodedata.normalize("NFKC", name)).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    return _t2s().convert(text)


def _duplicate_problems(files: list[Loaded], broken: set[str]) -> list[Problem]:
    """A second file for a case that already exists under another id: its title is another case's
    title or alias once width, punctuation and Traditional/Simplified forms are normalised.

    The file kept is the one without other problems, then the one created first, then by name.
    """

    def seniority(loaded: Loaded):
        return (loaded.display in broken, str(_dig(loaded.data, "meta", "created")), loaded.display)

    names: dict[str, tuple[Loaded, str]] = {}  # normalised name -> (file, what it is there)
    for loaded in sorted(files, key=seniority):
        data = loaded.data or {}
        entries = [("标题", data.get("title"))]
        aliases = data.get("aliases")
        entries += [("别名", a) for a in aliases] if isinstance(aliases, list) else []
        for what, name in entries:
            if isinstance(name, str) and _same_name_key(name):
                names.setdefault(_same_name_key(name), (loaded, f"{what}“{name}”"))
    problems = []
    for loaded in files:
        title = (loaded.data or {}).get("title")
        if not isinstance(title, str) or not _same_name_key(title):
            continue
        owner, what = names[_same_name_key(title)]
        if owner is not loaded:
            problems.append(
                loaded.problem(
                    ("title",),
                    f"标题与 {owner.display} 的{what}实为同一名称（已忽略全角半角、标点和繁简差异），疑为重复案例；请改为补充那个文件",
                )
            )
    return problems


def _collection_problems(files: list[Loaded], broken: set[str]) -> list[Problem]:
    """Rules across files: unique ids, no case twice under two ids, related ids that exist."""
    problems = _duplicate_problems(files, broken)
    owners: dict[str, Loaded] = {}
    # the file named after the id owns it; then the one without other problems; then the older one
    ranked = sorted(
        files,
        key=lambda f: (_dig(f.data, "id") != f.path.stem, f.display in broken, str(_dig(f.data, "meta", "created")), f.display),
    )
    for loaded in ranked:
        rid = _dig(loaded.data, "id")
        if not isinstance(rid, str):
            continue
        if rid in owners:
            problems.append(loaded.problem(("id",), f"案例编号“{rid}”与 {owners[rid].display} 重复"))
        else:
            owners[rid] = loaded
    for loaded in files:
        related = _dig(loaded.data, "related")
        if not isinstance(related, list):
            continue
        for i, other in enumerate(related):
            if isinstance(other, str) and other not in owners:
                near = difflib.get_close_matches(other, list(owners), n=1)
                hint = f"是否想写“{near[0]}”？" if near else ""
                problems.append(loaded.problem(("related", i), f"相关案例“{other}”不存在。{hint}"))
    return problems


def _check_document(path: Path, rules: Rules, schema_name: str) -> tuple[Loaded, bool]:
    """A file other than a case (glossary, lecture pack): loading and its schema. The flag says
    whether it was read cleanly, so that its own rules can run."""
    loaded = load_file(path, display_path(path))
    readable = loaded.data is not None and not loaded.problems
    if readable:
        loaded.problems.extend(_schema_problems(loaded, rules, schema_name))
    return loaded, readable


def _result(loaded: Loaded) -> tuple[dict | None, list[Problem]]:
    problems = sorted(set(loaded.problems))
    return (loaded.data if not problems else None), problems


def validate_glossary(path: Path, rules: Rules) -> tuple[dict | None, list[Problem]]:
    """The glossary: its schema and the same citation rules as a case."""
    loaded, readable = _check_document(path, rules, GLOSSARY_SCHEMA)
    if readable:
        found = _citation_problems(loaded.data) + _link_problems(loaded.data, rules)
        loaded.problems.extend(loaded.problem(where, message, key=at_key) for where, at_key, message in found)
        seen: dict[str, int] = {}
        for i, entry in enumerate(_dicts(loaded.data.get("terms"))):
            for name in [entry.get("term"), *(entry.get("aliases") or [])]:
                if name in seen:
                    loaded.problems.append(loaded.problem(("terms", i), f"术语“{name}”重复（另见 terms[{seen[name]}]）"))
                seen.setdefault(name, i)
    return _result(loaded)


def validate_pack(path: Path, rules: Rules, case_ids: set[str]) -> tuple[dict | None, list[Problem]]:
    """A lecture pack: its schema, and every case id it lists must be a valid case."""
    loaded, readable = _check_document(path, rules, PACK_SCHEMA)
    listed = loaded.data.get("cases") if readable else None
    for i, case_id in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(case_id, str) and case_id not in case_ids:
            near = difflib.get_close_matches(case_id, sorted(case_ids), n=1)
            hint = f"是否想写“{near[0]}”？" if near else ""
            loaded.problems.append(loaded.problem(("cases", i), f"案例“{case_id}”不存在或没有通过校验。{hint}"))
    return _result(loaded)
