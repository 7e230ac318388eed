"""Every validation rule: a file that breaks exactly that rule, and where the problem is reported."""

from __future__ import annotations

import re
import unicodedata

import pytest

from casebook.cli import main
from casebook.records.validate import validate_paths

from .conftest import MINIMAL, line_of
from .paths import RULES


def problems_for(cases, name):
    result = validate_paths([cases.root], RULES)
    return [p for p in result.problems if p.file.endswith(f"{name}.yaml")], result


def test_minimal_cases_are_valid(cases):
    result = validate_paths([cases.root], RULES)
    assert result.problems == []
    assert sorted(f.data["id"] for f in result.valid) == ["minimal-case", "other-case"]


# (case name, text replaced, replacement, field path reported, text of the reported line, words of the message)
SCHEMA_AND_RECORD_RULES = [
    ("missing-summary", "summary: 仅供测试使用的案例记录。\n", "", "summary", "id: missing-summary", "缺少必填字段"),
    ("typo-field", "summary:", "sumary:", "sumary", "sumary:", "是否想写“summary”"),
    ("wrong-type", "value: 32", 'value: "32"', "outcomes[0].value", "value:", "应为数字"),
    ("unknown-theme", "themes: [城市更新]", "themes: [城市再生]", "themes[0]", "themes:", "不是词表《主题》中的术语"),
    ("unknown-level", "level: 街道（乡镇）", "level: 街道", "level", "level:", "不是词表《层级》中的术语"),
    ("unknown-mechanism", "mechanisms: [居民出资共建]", "mechanisms: [出资]", "mechanisms[0]", "mechanisms:", "词表《机制》"),
    ("unknown-actor-type", "type: 党组织", "type: 党委", "actors[0].type", "type: 党委", "参与主体类型"),
    ("bad-status", "status: published", "status: public", "status", "status:", "不是允许的值"),
    ("too-few-keywords", "keywords: [测试, 校验, 样例]", "keywords: [测试]", "keywords", "keywords:", "至少有 3 项"),
    (
        "too-many-themes",
        "themes: [城市更新]",
        "themes: [城市更新, 社区治理, 党建引领, 为民服务]",
        "themes",
        "themes:",
        "最多有 3 项",
    ),
    ("long-summary", "summary: 仅供测试使用的案例记录。", "summary: " + "长" * 301, "summary", "summary:", "最多 300 个字符"),
    ("impossible-date", 'start: "2016"', 'start: "2024-02-30"', "period.start", "start:", "日历上不存在"),
    ("bad-date-format", 'start: "2016"', 'start: "2016/05"', "period.start", "start:", "YYYY-MM"),
    ("unquoted-adcode", 'adcode: "440104"', "adcode: 440104", "location.adcode", "adcode:", "应为文字"),
    ("zero-width-title", "title: 测试用最小案例", "title: 测试\u200b案例", "title", "title:", "零宽字符"),
    (
        "javascript-url",
        "    year: 2018\n",
        "    year: 2018\n    url: javascript:alert(1)\n",
        "references[0].url",
        "url:",
        "http://",
    ),
    (
        "complete-without-challenges",
        "  challenges: 问题文字。\n",
        "",
        "sections.challenges",
        "sections:",
        "完整（complete）的案例必须",
    ),
    ("complete-two-questions", "    - 第三题？\n", "", "teaching.questions", "questions:", "至少有 3 项"),
    ("complete-no-outcomes", "outcomes:\n", "outcomes: []\nx_outcomes:\n", "outcomes", "outcomes: []", "至少有 1 项"),
    ("stub-without-gaps", "completeness: complete", "completeness: stub", "gaps", "id: stub-without-gaps", "gaps 中写明"),
    # rules beyond the schema
    ("period-reversed", 'end: "2018-06"', 'end: "2015"', "period.end", "end:", "早于开始时间"),
    ("updated-before-created", 'updated: "2026-11-22"', 'updated: "2026-01-01"', "meta.updated", "updated:", "早于创建日期"),
    ("dangling-outcome-ref", "    ref: r1", "    ref: r9", "outcomes[0].ref", "ref: r9", "不在本案例的 references 中"),
    ("dangling-citation", "做法文字[^r2]", "做法文字[^r2][^r7]", "sections.practices", "practices:", "[^r7]"),
    ("uncited-reference", "做法文字[^r2]。", "做法文字。", "references[1].id", "id: r2", "没有被正文或成效数据引用"),
    ("duplicate-reference-id", "  - id: r2", "  - id: r1", "references[1].id", "  - id: r1\n", "重复"),
    ("dangling-related", "related: [other-case]", "related: [no-such-case]", "related[0]", "related:", "不存在"),
    ("self-related", "related: [other-case]", "related: [self-related]", "related[0]", "related:", "本案例自己"),
    ("unknown-adcode", 'adcode: "440104"', 'adcode: "440199"', "location.adcode", "adcode:", "不在代码表"),
    ("adcode-county-mismatch", "county: 越秀区", "county: 天河区", "location.county", "county:", "请改为“越秀区”"),
    (
        "adcode-province-mismatch",
        "province: 广东省",
        "province: 广西壮族自治区",
        "location.province",
        "province:",
        "请改为“广东省”",
    ),
    ("adcode-city-mismatch", "city: 广州市", "city: 深圳市", "location.city", "city:", "请改为“广州市”"),
    # references a reader can trust
    (
        "mirror-host-url",
        "    year: 2018\n",
        "    year: 2018\n    url: http://www.jizihe.com/page/1.shtml\n",
        "references[0].url",
        "url:",
        "镜像或转载站",
    ),
    (
        "mirror-host-read-at",
        "    year: 2018\n",
        "    year: 2018\n    read_at: https://m.handmsg.com/page/2.shtml\n",
        "references[0].read_at",
        "read_at:",
        "denied-hosts",
    ),
    (
        "remark-in-title",
        "title: 测试文献一",
        "title: 测试文献一（报道）",
        "references[0].title",
        "title: 测试文献一（报道）",
        "写进 note",
    ),
    (
        "unknown-title-remark",
        "title: 测试文献一",
        "title: 某报关于测试的文章（原题不详）",
        "references[0].title",
        "title: 某报",
        "写进 note",
    ),
    ("markup-in-title", "title: 测试用最小案例", "title: 测试<img src=x onerror=alert(1)>案例", "title", "title:", "提示框"),
    ("markup-in-alias", "aliases: [测试别名]", 'aliases: ["<b>别名</b>"]', "aliases[0]", "aliases:", "提示框"),
    ("untitled-without-note", "    title: 测试文献一\n", "", "references[0].note", "  - id: r1", "缺少必填字段“note”"),
]


@pytest.mark.parametrize(
    "name, old, new, path, line_text, words", SCHEMA_AND_RECORD_RULES, ids=[r[0] for r in SCHEMA_AND_RECORD_RULES]
)
def test_rule_is_reported_at_its_line(cases, name, old, new, path, line_text, words):
    file = cases.variant(name, old, new)
    found, result = problems_for(cases, name)
    matching = [p for p in found if p.path == path and words in p.message]
    assert matching, f"expected {path}: …{words}… in {[str(p) for p in found]}"
    expected_line = line_of(file, line_text.rstrip("\n")) if line_text != "  - id: r1\n" else _second_line(file, "  - id: r1")
    assert matching[0].line == expected_line
    assert matching[0].file.endswith(f"{name}.yaml")
    assert str(matching[0]).startswith(f"{matching[0].file}:{expected_line}:")
    # the broken file never takes the good ones down with it
    assert {"minimal-case", "other-case"} <= {f.data["id"] for f in result.valid}


# (case name, replacements, field path reported, text of the reported line, words the message must all have)
LOCATION_MISMATCHES = [
    (
        "names-of-another-county",
        [("county: 越秀区", "county: 天河区")],
        "location.county",
        "county:",
        [
            "与区划代码 440104（广东省广州市越秀区）不符",
            "县级名称是“越秀区”，这里是“天河区”",
            "请改为“越秀区”",
            '天河区的代码是 "440106"',
        ],
    ),
    ("county-typo", [("county: 越秀区", "county: 越秀")], "location.county", "county:", ["这里是“越秀”。请改为“越秀区”"]),
    (
        "code-of-another-place",
        [('adcode: "440104"', 'adcode: "430102"')],
        "location.adcode",
        "adcode:",
        ["区划代码 430102 是湖南省长沙市芙蓉区", "与地名“广东省广州市越秀区”不符", '请改为 adcode: "440104"'],
    ),
    (
        "names-of-no-place",
        [("province: 广东省", "province: 湖南省"), ("city: 广州市", "city: 长沙市")],
        "location.adcode",
        "adcode:",
        [
            "区划代码 440104 是广东省广州市越秀区",
            "location.province 是“湖南省”、location.city 是“长沙市”",
            "代码表中也没有这组地名",
        ],
    ),
    (
        "city-code-with-county",
        [('adcode: "440104"', 'adcode: "440100"')],
        "location.county",
        "county:",
        ["区划代码 440100（广东省广州市）没有县级", "“越秀区”多余", '请把 adcode 改为 "440104"'],
    ),
    (
        "county-left-out",
        [("  county: 越秀区\n", "")],
        "location.county",
        "location:",
        ["的县级是“越秀区”，这里却空缺", "请补上 county: 越秀区", 'adcode 应为 "440100"（广东省广州市）'],
    ),
    (
        "code-not-in-table",
        [('adcode: "440104"', 'adcode: "440199"')],
        "location.adcode",
        "adcode:",
        ["区划代码 440199 不在代码表", '按地名广东省广州市越秀区应为 "440104"'],
    ),
    (
        "municipality-county",
        [
            ("province: 广东省", "province: 北京市"),
            ("city: 广州市", "city: 北京市"),
            ("county: 越秀区", "county: 海淀区"),
            ("440104", "110105"),
        ],
        "location.county",
        "county:",
        ["区划代码 110105（北京市朝阳区）", "县级名称是“朝阳区”，这里是“海淀区”", '北京市海淀区的代码是 "110108"'],
    ),
]


@pytest.mark.parametrize("name, changes, path, line_text, words", LOCATION_MISMATCHES, ids=[r[0] for r in LOCATION_MISMATCHES])
def test_an_adcode_that_disagrees_with_the_names_is_reported_on_the_likely_wrong_field(
    cases, name, changes, path, line_text, words
):
    text = MINIMAL.replace("id: minimal-case", f"id: {name}").replace("title: 测试用最小案例", f"title: 变体 {name}")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    file = cases.write(name, text.replace("aliases: [测试别名]", "aliases: []"))
    found, _ = problems_for(cases, name)
    located = [p for p in found if p.path.startswith("location")]
    assert len(located) == 1, [str(p) for p in found]  # one message, on the field most likely wrong
    problem = located[0]
    assert (problem.path, problem.line) == (path, line_of(file, line_text)), str(problem)
    assert all(w in problem.message for w in words), (words, problem.message)
    if name == "county-typo":
        assert "的代码是" not in problem.message  # 越秀 is no place: no other code to offer


# (name, text replaced, replacement, field path, words the message must all have): a date written as people
# write it is answered with the value to write; every field whose schema format is a date is one.
DATE_SUGGESTIONS = [
    (
        "chinese-month",
        'start: "2016"',
        "start: 2023年5月",
        "period.start",
        ["日期应写成 YYYY、YYYY-MM 或 YYYY-MM-DD", '请把“2023年5月”改为 "2023-05"'],
    ),
    ("chinese-day", 'end: "2018-06"', "end: 2023年5月8日", "period.end", ['请把“2023年5月8日”改为 "2023-05-08"']),
    ("chinese-year", 'start: "2016"', "start: 2023年", "period.start", ['请把“2023年”改为 "2023"']),
    (
        "dotted-number",
        'start: "2016"',
        "start: 2023.5",
        "period.start",
        ["应为文字，实际是数字（写的是 2023.5）", '请把“2023.5”改为 "2023-05"'],
    ),
    ("dotted-october", 'end: "2018-06"', "end: 2023.10", "period.end", ['请把“2023.10”改为 "2023-10"']),
    ("slashes", 'end: "2018-06"', "end: 2023/05/08", "period.end", ['请把“2023/05/08”改为 "2023-05-08"']),
    ("full-width-digits", 'start: "2016"', "start: ２０１６年５月", "period.start", ['请把“２０１６年５月”改为 "2016-05"']),
    ("unquoted-year", 'start: "2016"', "start: 2016", "period.start", ["写的是 2016", '请加引号："2016"']),
    ("outcome-as-of", 'as_of: "2018"', "as_of: 2018年6月", "outcomes[0].as_of", ['请把“2018年6月”改为 "2018-06"']),
    ("reference-date", 'date: "2018-01-02"', "date: 2018.1.2", "references[1].date", ['请把“2018.1.2”改为 "2018-01-02"']),
    (
        "updated-chinese",
        'updated: "2026-11-22"',
        "updated: 2026年11月22日",
        "meta.updated",
        ["日期应写成 YYYY-MM-DD，", '改为 "2026-11-22"'],
    ),
    ("updated-without-day", 'updated: "2026-11-22"', "updated: 2026年11月", "meta.updated", ["要写到日", '"2026-11-DD"']),
    ("not-in-calendar", 'start: "2016"', "start: 2023年2月30日", "period.start", ["“2023年2月30日”在日历上不存在"]),
]


@pytest.mark.parametrize("name, old, new, path, words", DATE_SUGGESTIONS, ids=[r[0] for r in DATE_SUGGESTIONS])
def test_a_date_written_another_way_is_answered_with_the_value_to_write(cases, name, old, new, path, words):
    file = cases.variant(name, old, new)
    found, _ = problems_for(cases, name)
    assert len(found) == 1, [str(p) for p in found]  # one message, not a second "not in the calendar"
    assert (found[0].path, found[0].line) == (path, line_of(file, new)), str(found[0])
    assert all(w in found[0].message for w in words), (words, found[0].message)


def _second_line(path, needle):
    lines = [n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if l == needle]
    return lines[1]


def test_id_must_equal_file_name(cases):
    file = cases.write(
        "renamed", (cases.root / "minimal-case.yaml").read_text(encoding="utf-8").replace("related: [other-case]", "related: []")
    )
    found, _ = problems_for(cases, "renamed")
    assert [(p.path, p.line) for p in found if "文件名" in p.message] == [("id", line_of(file, "id: minimal-case"))]


def test_duplicate_ids_across_files(cases):
    text = (cases.root / "other-case.yaml").read_text(encoding="utf-8")
    cases.write("zz-copy", text)  # sorts after other-case.yaml, so it is the duplicate
    found, _ = problems_for(cases, "zz-copy")
    assert any(p.path == "id" and "other-case.yaml" in p.message and "重复" in p.message for p in found)


LOADER_RULES = [
    ("tab-indent", "id: tab-indent\nsummary:\n\tx: 1\n", 3, "制表符"),
    ("unclosed-quote", 'id: unclosed-quote\ntitle: "未闭合\n', 2, "引号没有闭合"),  # where the quote opens
    ("bad-indent", "id: bad-indent\nlocation:\n  province: 北京市\n adcode: x\n", 4, "YAML"),
    (
        "bracket-as-text",
        "id: bracket-as-text\ntitle: [试点]社区议事\nsummary: 摘要\n",
        2,
        '用引号括起来：title: "[试点]社区议事"',
    ),
    (
        "unclosed-bracket",
        "id: unclosed-bracket\nkeywords: [一, 二\nsummary: 摘要\n",
        2,
        "第 2 行第 11 列的方括号“[”在这一行没有闭合",
    ),
    ("quote-open-on-its-line", 'id: quote-open-on-its-line\ntitle: "标题\nsummary: "摘要"\n', 2, '即 title: "标题"'),
    ("duplicate-key", "id: duplicate-key\ntitle: 一\ntitle: 二\n", 3, "重复"),
    ("full-width-colon", "id: full-width-colon\ntitle：某某社区\nsummary: 摘要\n", 2, "第 2 行的“title”后面是全角冒号“：”"),
    ("full-width-colon-first", "title：某某社区\nid: full-width-colon-first\n", 1, "请改为 title: 某某社区"),
    ("full-width-colon-alone", "title：某某社区\n", 1, "请改为 title: 某某社区"),  # one line of text: no error from YAML
    ("full-width-colon-in-list", "id: x\nactors:\n  - name：测试\n  - name: 乙\n", 3, "请改为 - name: 测试"),
    ("python-tag", "id: python-tag\ntitle: !!python/object/apply:os.system [ls]\n", 2, "标签"),
    ("python-name-tag", "id: python-name-tag\ntitle: !!python/name:os.system\n", 2, "标签"),
    ("alias", "id: alias\nkeywords: &k [a, b, c]\naliases: *k\n", 3, "别名"),
    ("empty", "", 1, "为空"),
    ("only-comment", "# 只有注释\n", 1, "为空"),
    ("top-level-list", "- id: top-level-list\n", 1, "映射"),
    ("two-documents", "id: a\n---\nid: b\n", 2, "一个 YAML 文档"),
    ("numeric-key", "id: numeric-key\n2014: 开始\n", 2, "必须是文字"),
]


@pytest.mark.parametrize("name, text, line, words", LOADER_RULES, ids=[r[0] for r in LOADER_RULES])
def test_loader_rejects_with_position(cases, name, text, line, words):
    cases.write(name, text)
    found, result = problems_for(cases, name)
    assert any(p.line == line and words in p.message for p in found), [str(p) for p in found]
    assert {"minimal-case", "other-case"} <= {f.data["id"] for f in result.valid}


def test_a_full_width_colon_is_reported_once_where_it_is(cases):
    cases.write("colon-in-list", "id: colon-in-list\nactors:\n  - name：测试\n    type: 党组织\n")
    found, _ = problems_for(cases, "colon-in-list")
    assert [(p.line, p.column) for p in found] == [(3, 9)], [str(p) for p in found]
    assert "半角冒号“:”再加一个空格，请改为 - name: 测试" in found[0].message


def test_a_full_width_colon_in_text_stays_text():
    from pathlib import Path

    from casebook.records.loader import Loaded, load_text

    text = (
        'id: x\nsummary: 做法：居民出资\nnote: "title：引号里的文字"\nbody: |\n  title：块里的文字\n'
        "gaps:\n  - 来源：某报\n  - APP：下载量\n  - 据报道，\n    全市：98%\n"
    )
    loaded = load_text(text, Loaded(Path("x.yaml"), "x.yaml"))
    assert loaded.problems == []
    assert loaded.data["body"] == "title：块里的文字\n" and loaded.data["gaps"][1] == "APP：下载量"


def test_utf8_bom_is_accepted(cases):
    cases.write("minimal-case", b"\xef\xbb\xbf" + (cases.root / "minimal-case.yaml").read_bytes())
    assert validate_paths([cases.root], RULES).problems == []


def test_non_utf8_is_located(cases):
    text = "id: gbk\ntitle: 标题\n".encode("gbk")
    cases.write("gbk", text)
    found, _ = problems_for(cases, "gbk")
    assert [(p.line, "UTF-8" in p.message) for p in found] == [(2, True)]


def test_utf16_is_rejected(cases):
    cases.write("utf16", "id: utf16\n".encode("utf-16"))
    found, _ = problems_for(cases, "utf16")
    assert "UTF-16" in found[0].message


def test_oversized_file_is_rejected_unread(cases):
    cases.write("huge", "id: huge\nsummary: " + "字" * 200_000 + "\n")
    found, _ = problems_for(cases, "huge")
    assert [p.message[:4] for p in found] == ["文件过大"]


def test_every_value_has_a_position(cases):
    from casebook.records.loader import load_file

    loaded = load_file(cases.root / "minimal-case.yaml")
    assert loaded.where(("outcomes", 0, "ref")) == (line_of(cases.root / "minimal-case.yaml", "ref: r1"), 10)
    assert loaded.where(("teaching", "questions", 2)) == (line_of(cases.root / "minimal-case.yaml", "第三题"), 7)


def test_cli_exit_codes_and_sorted_output(cases, capsys):
    assert main(["validate", str(cases.root)]) == 0
    cases.variant("b-broken", "value: 32", 'value: "32"')
    cases.variant("a-broken", "themes: [城市更新]", "themes: [x]")
    capsys.readouterr()
    assert main(["validate", str(cases.root)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    out, summary = lines[:-1], lines[-1]
    assert len(out) == 2 and out == sorted(out)
    assert summary == "检查了 4 个文件：2 个通过，2 个有问题，共 2 处问题。"
    assert "a-broken.yaml" in out[0] and "b-broken.yaml" in out[1]


def test_cli_reports_missing_path(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2


def test_glossary_citations_must_resolve(tmp_path):
    from casebook.records.validate import validate_glossary

    path = tmp_path / "glossary.yaml"
    path.write_text(
        "terms:\n  - term: 网格化管理\n    definition: 定义[^x9]。\nreferences:\n  - id: r1\n    type: Z\n    title: 文献\n",
        encoding="utf-8",
    )
    data, problems = validate_glossary(path, RULES)
    assert data is None
    assert [(p.line, p.path) for p in problems] == [(3, "terms[0].definition"), (5, "references[0].id")]


def test_real_references_link_to_no_denied_host_and_carry_no_remark_in_title():
    """Every case and the glossary: no link to a mirror or spam host, no editor remark in a title."""
    from casebook.records.validate import validate_glossary

    from .paths import CASES_DIR, PROJECT_ROOT

    result = validate_paths([CASES_DIR], RULES)
    glossary_problems = validate_glossary(PROJECT_ROOT / "schemas" / "glossary.yaml", RULES)[1]
    wrong = [str(p) for p in result.problems + glossary_problems if "镜像或转载站" in p.message or "写进 note" in p.message]
    assert wrong == []
    assert len(result.files) >= 50 and not result.problems


# --- one text rule for every text field, from the schema ------------------------------------------

INVISIBLE = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"] + [
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufe0f",
    "\u034f",
    "\u2800",
]


def test_every_format_character_and_filler_is_refused_in_any_text():
    import yaml

    record = yaml.safe_load(MINIMAL)
    fast = RULES.fast_check()
    for ch in INVISIBLE:
        for field, value in (("title", f"标{ch}题"), ("summary", f"提{ch}要")):
            broken = dict(record, **{field: value})
            assert not fast(broken), (field, hex(ord(ch)))
            assert any(
                e.schema.get("x-message", "").startswith("不能包含控制字符或不可见字符")
                for e in RULES.validator().iter_errors(broken)
            ), hex(ord(ch))
    assert fast(record)


def _string_fields(node, path=""):
    """(path, schema node) of every field whose value is text, in the raw schema files."""
    if isinstance(node, dict):
        for key, child in node.get("properties", {}).items():
            yield from _string_fields(child, f"{path}.{key}" if path else key)
            if isinstance(child, dict):
                yield f"{path}.{key}" if path else key, child
        if isinstance(node.get("items"), dict):
            yield path + "[]", node["items"]
            yield from _string_fields(node["items"], path + "[]")
        for name, child in node.get("$defs", {}).items():
            if name not in ("text", "line"):
                yield from _string_fields(child, f"$defs.{name}")


ASCII_ONLY = re.compile(r"^\^(\[[0-9a-z-]+\]|[0-9a-z-]|\(|\)|\+|\*|\?|\{\d+(,\d+)?\}|\\\\.|\|)*\$$")


def test_every_text_field_takes_the_one_text_rule_from_the_schema():
    """Each field that holds text refers to $defs/text or $defs/line (or admits only ASCII codes,
    dates and ids by its own pattern): the rule is written once, in the schema."""
    import json

    from .paths import PROJECT_ROOT

    checked = 0
    for name in ("case.schema.json", "glossary.schema.json", "lecture-pack.schema.json"):
        schema = json.loads((PROJECT_ROOT / "schemas" / name).read_text(encoding="utf-8"))
        for path, node in _string_fields(schema):
            kind = node.get("type")
            ref = node.get("$ref", "")
            if "enum" in node or ref.startswith("vocab/") or kind in ("array", "object", "integer", "number", "boolean"):
                continue
            if ref.endswith(("#/$defs/text", "#/$defs/line")):
                checked += 1
                continue
            if ref.endswith("#/$defs/reference"):
                continue  # a mapping, whose fields are walked in $defs
            assert kind == "string" and ASCII_ONLY.match(node.get("pattern", "")), f"{name}: {path} is text without the text rule"
    assert checked >= 45


def test_a_trailing_line_break_does_not_pass_a_pattern():
    """JSON Schema patterns are ECMA-262, where $ is the end; Python's $ also matches before a final
    line break. The rules read them in Python's dialect, so "440104\\n" is not six digits."""
    import yaml

    record = yaml.safe_load(MINIMAL)
    for field, value in (("title", "标题\n"), ("id", "minimal-case\n")):
        assert list(RULES.validator().iter_errors(dict(record, **{field: value}))), field
        assert not RULES.fast_check()(dict(record, **{field: value})), field
    location = dict(record["location"], adcode="440104\n")
    assert list(RULES.validator().iter_errors(dict(record, location=location)))


def test_a_lecture_pack_and_the_glossary_take_the_same_text_rule(tmp_path):
    from casebook.records.validate import validate_glossary, validate_pack

    pack = tmp_path / "pack.yaml"
    pack.write_text('title: "讲义\\u202e合集"\nlecturer: "编者\\u3164"\ncases: [minimal-case]\n', encoding="utf-8")
    _, problems = validate_pack(pack, RULES, {"minimal-case"})
    assert {(p.path, p.line) for p in problems} == {("title", 1), ("lecturer", 2)}
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(
        'terms:\n  - term: "网格\\u200b化"\n    definition: 定义[^r1]。\nreferences:\n  - id: r1\n    type: Z\n    title: 文献\n',
        encoding="utf-8",
    )
    _, problems = validate_glossary(glossary, RULES)
    assert [(p.path, p.line) for p in problems] == [("terms[0].term", 2)]


def test_ids_that_are_the_sites_own_page_names_are_refused():
    """Every page the site generates or ships (and every facet index page) is a reserved id."""
    from casebook.records.catalog import load_catalog
    from casebook.web.pages import render_site

    from .paths import CASES_DIR, PROJECT_ROOT

    catalog, _ = load_catalog([CASES_DIR], RULES)
    generated = {
        path.split("/")[0].removesuffix(".md")
        for path in render_site(catalog, {"terms": [], "references": []}, packs={}, contributing="x")
    }
    shipped = {p.stem if p.is_file() else p.name for p in (PROJECT_ROOT / "docs").iterdir()}
    facets = {f.page for f in RULES.facets if f.page}
    assert generated | shipped | facets | {"pdf", "search"} <= RULES.reserved_ids
    assert not RULES.reserved_ids & set(catalog.cases)
