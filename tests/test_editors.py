"""The editor's workflow: template, editor support, checks on pull requests, data export."""

from __future__ import annotations

import csv
import io
import json
import re

import yaml

from casebook.cli import main
from casebook.export import export_files
from casebook.records.catalog import load_catalog
from casebook.records.validate import validate_paths

from .paths import CASES_DIR, PROJECT_ROOT, RULES

MODELINE = "# yaml-language-server: $schema=../schemas/case.schema.json"


def test_new_writes_a_template_with_the_adcode_and_never_overwrites(tmp_path, capsys):
    args = [
        "new",
        "guangzhou-test-case",
        "--title",
        "测试案例",
        "--province",
        "广东省",
        "--city",
        "广州市",
        "--county",
        "越秀区",
        "--level",
        "街道（乡镇）",
        "--dir",
        str(tmp_path),
    ]
    assert main(args) == 0
    target = tmp_path / "guangzhou-test-case.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith(MODELINE)
    assert 'adcode: "440104"' in text
    target.write_text(text + "# 编辑者的改动\n", encoding="utf-8")
    assert main(args) == 1
    assert target.read_text(encoding="utf-8").endswith("# 编辑者的改动\n")
    assert "不会覆盖" in capsys.readouterr().err


def test_new_rejects_a_bad_id(tmp_path):
    assert main(["new", "Bad_ID", "--dir", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_template_validates_once_the_blanks_are_filled(tmp_path):
    assert (
        main(
            [
                "new",
                "filled-case",
                "--title",
                "填写后的案例",
                "--province",
                "北京市",
                "--county",
                "朝阳区",
                "--level",
                "县（区）",
                "--dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    path = tmp_path / "filled-case.yaml"
    blank = validate_paths([tmp_path], RULES)
    assert blank.problems  # the blanks are reported, not silently accepted
    text = path.read_text(encoding="utf-8")
    filled = (
        text.replace("summary: >-\n  \n", "summary: >-\n  一句话提要。\n")
        .replace("keywords: []", "keywords: [一, 二, 三]")
        .replace("  - \nlocation:", "  - 来源没有说明起始时间。\nlocation:")
        .replace("setting:   #", "setting: 城市  #")
        .replace("themes: []", "themes: [社区治理]")
        .replace("  background: >-\n    \n", "  background: >-\n    背景[^s1]。\n")
        .replace("    title: \n", "    title: 某文献\n")
    )
    path.write_text(filled, encoding="utf-8")
    result = validate_paths([tmp_path], RULES)
    assert [str(p) for p in result.problems] == []


def test_every_case_file_starts_with_the_schema_modeline():
    for path in CASES_DIR.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith(MODELINE), path.name


def test_editor_settings_map_case_files_to_the_schema():
    settings = json.loads((PROJECT_ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    assert schemas["./schemas/case.schema.json"] == "cases/*.yaml"
    for schema in schemas:
        assert (PROJECT_ROOT / schema).exists()


def test_every_schema_field_has_chinese_help():
    for field in RULES.fields():
        assert re.search(r"[\u4e00-\u9fff]", field.title), field.path
        if "[]" not in field.path or field.type != "string":
            assert field.description or field.terms, field.path


def test_export_round_trips_and_matches_the_codebook():
    catalog, _ = load_catalog([CASES_DIR], RULES)
    files = export_files(catalog)
    records = json.loads(files["cases.json"])
    assert records == [c.data for c in catalog.published]  # every field of every case
    rows = list(csv.reader(io.StringIO(files["cases.csv"].removeprefix("\ufeff"))))
    book = list(csv.DictReader(io.StringIO(files["codebook.csv"].removeprefix("\ufeff"))))
    assert rows[0] == [b["column"] for b in book]
    assert len(rows) - 1 == len(catalog.published)
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    chaoyang = by_id["beijing-chaoyang-gongshang-gongzhi"]
    assert chaoyang["location.adcode"] == "110105"
    assert chaoyang["themes"].split("\n") == ["民主协商", "社区治理", "党建引领"]
    assert json.loads(chaoyang["outcomes"])[0]["value"] == 1675


def test_reference_page_lists_every_schema_field(built_site):
    html = (built_site[0] / "schema/index.html").read_text(encoding="utf-8")
    for field in RULES.fields():
        assert f"<code>{field.path}</code>" in html, field.path
    assert "词表：主题" in html and "党建引领" in html


def test_data_page_publishes_the_export(built_site):
    site = built_site[0]
    for name in ("cases.json", "cases.csv", "codebook.csv"):
        assert (site / "data" / name).stat().st_size > 0
    assert "<code>location.adcode</code>" in (site / "data/index.html").read_text(encoding="utf-8")
    assert "编辑指南" in (site / "contribute/index.html").read_text(encoding="utf-8")


def test_workflow_uses_only_the_readmes_commands():
    workflow = yaml.safe_load((PROJECT_ROOT / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    steps = workflow["jobs"]["check"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == ["make validate", "make build", "make test"]
    for command in runs:
        assert command in readme
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    text = (PROJECT_ROOT / ".github/workflows/check.yml").read_text(encoding="utf-8")
    assert "pip install" not in text and "apt-get" not in text


def test_pre_commit_runs_the_validator_on_case_files():
    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert hook["entry"].endswith("casebook validate") and re.match(hook["files"], "cases/x.yaml")


def test_validating_one_file_judges_it_among_all_cases(capsys):
    # related ids point at other files; checking one file alone must not call them missing
    assert main(["validate", str(CASES_DIR / "beijing-chaoyang-gongshang-gongzhi.yaml")]) == 0
    assert "检查了 1 个文件" in capsys.readouterr().out


def test_every_case_file_is_formatted():
    assert main(["fmt", "--check", str(CASES_DIR)]) == 0


def test_fmt_orders_keys_keeps_comments_and_data(tmp_path, capsys):
    from casebook.records.loader import load_file

    source = (PROJECT_ROOT / "tests/fixtures/minimal-case.yaml").read_text(encoding="utf-8")
    messy = source.replace("title: 测试用最小案例\n", "").replace(
        "status: published\n", "status: 'published'  # 保留这条注释\ntitle: 测试用最小案例\n"
    )
    messy = messy.replace('  start: "2016"', "  start: '2016'")
    path = tmp_path / "minimal-case.yaml"
    path.write_text(messy, encoding="utf-8")
    before = load_file(path).data
    assert main(["fmt", "--check", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == messy  # check mode writes nothing
    assert main(["fmt", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert re.search(r"status: published +# 保留这条注释", text)
    assert text.index("title:") < text.index("summary:") < text.index("status:")
    assert '  start: "2016"' in text
    assert load_file(path).data == before
    assert main(["fmt", "--check", str(path)]) == 0  # idempotent


def test_fmt_never_touches_a_file_it_cannot_read(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [未闭合\n", encoding="utf-8")
    assert main(["fmt", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == "id: broken\ntitle: [未闭合\n"
