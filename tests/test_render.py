"""`casebook render DIR`: the generated pages as plain Markdown that MkDocs builds without this plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

from casebook.records.catalog import load_catalog
from casebook.text import reading_text
from casebook.web.pages import _env, render_index_script

from .paths import CASES_DIR, PROJECT_ROOT, RULES


def test_reading_text_drops_citations_and_bold_and_keeps_paragraphs_and_list_items():
    text = "**起点**说法不一[^s3h]。\n2014年另说[^w5]。\n\n1. **一** 甲\n2. 乙\n- 丙"
    assert reading_text(text) == "起点说法不一。 2014年另说。\n\n1. 一 甲\n2. 乙\n- 丙"


def test_a_tag_line_leaves_no_line_and_a_text_line_keeps_its_break():
    template = _env().from_string(
        "共 {{ xs | length }} 项：\n\n{% for x in xs %}\n  {# one item a line #}\n- {{ x }}{% if x == 'b' %}（乙）{% endif %}\n{% endfor %}\n\n## 下一节\n"
    )
    assert template.render(xs=["a", "b", "c"]) == "共 3 项：\n\n- a\n- b（乙）\n- c\n\n## 下一节\n"


def test_browse_data_holds_the_schemas_facets_and_each_cases_values():
    catalog = load_catalog([CASES_DIR], RULES)[0]
    data = json.loads(render_index_script(catalog)[0])
    facets = {f["name"]: f for f in data["facets"]}
    assert list(facets) == [f.name for f in RULES.facets] and facets["theme"]["label"] == "主题"
    themes = [t for t in RULES.vocabularies["themes"].names if t in catalog.index("theme")]
    assert facets["theme"]["values"] == themes  # the vocabulary's order, values no shown case has left out
    assert facets["completeness"]["values"] == ["stub", "partial", "complete"]  # the enum's order
    assert facets["completeness"]["labels"]["stub"] == "资料待补充"
    assert facets["province"]["values"] == sorted(catalog.index("province"))
    assert facets["year"]["year"] and facets["year"]["values"] == sorted(catalog.index("year"))
    assert len(data["cases"]) == len(catalog.published)
    for row in data["cases"]:
        assert row["facets"] == {f.name: f.values(catalog.cases[row["id"]].data) for f in RULES.facets}


def test_rendered_pages_build_with_plain_mkdocs(tmp_path):
    out = tmp_path / "pages"
    render = subprocess.run(
        [sys.executable, "-m", "casebook", "render", str(out)], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert render.returncode == 0, render.stderr
    config_text = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "casebook" not in [
        next(iter(p)) if isinstance(p, dict) else p for p in yaml.load(config_text, Loader=_Loader).get("plugins", [])
    ]
    case_ids = sorted(p.stem for p in CASES_DIR.glob("*.yaml"))
    assert all((out / "docs" / "cases" / f"{i}.md").exists() for i in case_ids)

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site" / "cases" / case_ids[0] / "index.html").read_text(encoding="utf-8")
    assert "参考文献" in page and "<h1" in page
    # Material's own search stands in for the plugin's
    assert (tmp_path / "site" / "search" / "search_index.json").exists() and "casebook/search.js" not in page


def test_render_refuses_to_overwrite_the_project(tmp_path):
    for target in (PROJECT_ROOT, PROJECT_ROOT / "cases", PROJECT_ROOT / "docs"):
        run = subprocess.run(
            [sys.executable, "-m", "casebook", "render", str(target)], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert run.returncode == 2 and "不能作为输出目录" in run.stderr
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "casebook", "render", str(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert run.returncode == 2 and (tmp_path / "notes.txt").exists()


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml's tags (!ENV, !!python/name) as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
