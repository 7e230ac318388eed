"""Handouts and packs printed by WeasyPrint, read back with pypdf."""

from __future__ import annotations

import os
import re

import pytest
from pypdf import PdfReader

from casebook.pdf.render import PdfError, check_fonts, render_html, write_pdf
from casebook.records.catalog import load_catalog
from casebook.records.packs import PackError, load_pack
from casebook.text import SiteLinks

from .paths import CASES_DIR, PROJECT_ROOT, RULES

PACK = PROJECT_ROOT / "docs" / "lectures" / "four-cases.yaml"


def require_fonts():
    try:
        check_fonts()
    except PdfError as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([CASES_DIR], RULES)[0]


@pytest.fixture(scope="module")
def handouts(catalog, tmp_path_factory):
    require_fonts()
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for edition in ("student", "teacher"):
        path = folder / f"chaoyang-{edition}.pdf"
        write_pdf(render_html([catalog.cases["beijing-chaoyang-gongshang-gongzhi"]], RULES, edition), path)
        out[edition] = PdfReader(path)
    return out


def text_of(reader):
    """All text; lines joined, since a long reference wraps."""
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_handout_has_title_figure_and_reference(handouts):
    text = text_of(handouts["student"])
    assert "北京市朝阳区党政群共商共治" in text
    assert "1675个" in text
    assert "决策与信息（下旬刊）, 2015(10)." in text
    assert re.search(r"第 1 页 / 共 \d+ 页", handouts["student"].pages[0].extract_text())


def test_fonts_are_the_embedded_sc_faces(handouts):
    fonts = set()
    for page in handouts["teacher"].pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(re.sub(r"^/?[A-Z]{6}\+", "", font["/BaseFont"]))
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"} <= fonts
    assert not any("JP" in f or "TC" in f for f in fonts)


def test_bookmarks_and_metadata(handouts):
    reader = handouts["teacher"]
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    for heading in ["北京市朝阳区党政群共商共治", "内容提要", "背景", "主要做法", "成效", "问题与挑战", "经验启示", "参考文献"]:
        assert heading in titles
    meta = reader.metadata
    assert meta.title == "北京市朝阳区党政群共商共治（教师版）"
    assert "问政于民" in meta.subject
    assert "居民议事厅" in meta["/Keywords"]


def test_student_edition_lacks_teacher_only_text(handouts, catalog):
    student, teacher = text_of(handouts["student"]), text_of(handouts["teacher"])
    analysis = catalog.cases["beijing-chaoyang-gongshang-gongzhi"]["teaching"]["analysis"]
    for only_teacher in ["教学目标", "案例分析", "讲授要点", analysis[:12]]:
        assert only_teacher in teacher and only_teacher not in student
    assert "思考题" in student and "党员超过半数" in student


def test_pack_contents_lists_the_right_pages(catalog, tmp_path):
    require_fonts()
    pack = load_pack(PACK, catalog)
    path = tmp_path / "pack.pdf"
    write_pdf(render_html([catalog.cases[i] for i in pack.cases], RULES, "student", pack), path)
    reader = PdfReader(path)
    assert "党建引领基层治理：四个案例" in reader.pages[0].extract_text()
    contents = reader.pages[1].extract_text()
    assert "目录" in contents
    listed = re.findall(r"\d\. (.+?)\s*\.{3,}\s*(\d+)", contents)
    assert [title for title, _ in listed] == [catalog.cases[i]["title"] for i in pack.cases]
    for title, page_number in listed:
        page_text = reader.pages[int(page_number) - 1].extract_text()
        assert title in page_text.split("\n", 3)[:3] or page_text.lstrip().startswith(title) or title in page_text[:200]
    assert re.search(rf"第 {len(reader.pages)} 页 / 共 {len(reader.pages)} 页", reader.pages[-1].extract_text())


def test_handout_cites_the_sites_address_and_states_the_licence(catalog, tmp_path):
    require_fonts()
    path = tmp_path / "chaoyang.pdf"
    site = SiteLinks(site_url="https://jiceng-zhili.github.io/casebook/")
    write_pdf(render_html([catalog.cases["beijing-chaoyang-gongshang-gongzhi"]], RULES, "student", site=site), path)
    text = re.sub(r"\s+", " ", text_of(PdfReader(path)))
    colophon = text[text.rindex("如何引用本案例") :]
    assert "基层治理案例库编辑部. 北京市朝阳区党政群共商共治[EB/OL]. 基层治理案例库" in colophon
    assert "https://jiceng-zhili.github.io/casebook/cases/beijing-chaoyang-gongshang-gongzhi/" in colophon
    assert "CC BY 4.0" in colophon


def test_record_text_is_escaped_in_the_pdf_html(tmp_path):
    from .conftest import FIXTURES

    (tmp_path / "hostile-valid-case.yaml").write_text(
        (FIXTURES / "hostile-valid-case.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    from .conftest import with_hostile_title

    hostile = with_hostile_title(load_catalog([tmp_path], RULES)[0].cases["hostile-valid-case"])
    document = render_html([hostile], RULES, "teacher")
    for bad in ("<b onmouseover", "<script", "<iframe", '<meta name="keywords" content="测试, <img'):
        assert bad not in document, bad
    assert "<h1>&lt;b onmouseover=" in document


def test_printing_fetches_nothing_a_record_names(catalog, tmp_path):
    """A Markdown image in case text becomes an <img>; the printer must not fetch it."""
    import functools
    import http.server
    import threading

    require_fonts()
    asked = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tracker.png"
        case = catalog.cases["beijing-chaoyang-gongshang-gongzhi"]
        data = {**case.data, "summary": f"![图]({url}) 提要。"}
        document = render_html([type(case)(case.id, data, case.source)], RULES, "student")
        assert url in document  # the image is in the HTML …
        write_pdf(document, tmp_path / "out.pdf")
    finally:
        server.shutdown()
    assert asked == []  # … and never asked for


def test_pdf_command_prints_several_packs_into_a_folder(tmp_path, capsys):
    from casebook.cli import main

    require_fonts()
    packs = []
    for name, case_id in (("one", "qingdao-shinan-liulian-gongjian"), ("two", "ninghai-micro-power-list")):
        packs.append(tmp_path / f"{name}.yaml")
        packs[-1].write_text(f"title: 合集{name}\nlecturer: 测试\ncases:\n  - {case_id}\n", encoding="utf-8")
    out = tmp_path / "dist"
    assert (
        main(["-f", str(PROJECT_ROOT / "mkdocs.yml"), "pdf", "--pack", *map(str, packs), "--edition", "teacher", "-o", f"{out}/"])
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["one-teacher.pdf", "two-teacher.pdf"]
    assert "合集two" in PdfReader(out / "two-teacher.pdf").pages[0].extract_text()


def test_missing_font_is_a_clear_error(tmp_path, monkeypatch):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig><dir>' + str(tmp_path) + "</dir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    with pytest.raises(PdfError, match="fonts-noto-cjk"):
        check_fonts()


def test_unknown_case_in_a_pack_names_file_and_line(catalog, tmp_path):
    bad = tmp_path / "pack.yaml"
    bad.write_text(
        PACK.read_text(encoding="utf-8").replace("  - hunan-huayuan-huzhu-wuxing", "  - hunan-huayuan"), encoding="utf-8"
    )
    with pytest.raises(PackError) as error:
        load_pack(bad, catalog)
    line = next(n for n, l in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if l == "  - hunan-huayuan")
    assert f"pack.yaml:{line}:5: cases[2]: 案例“hunan-huayuan”不存在" in str(error.value)


def test_site_links_pdfs_and_does_not_reprint_unchanged_ones(built_site, tmp_path):
    from .site_support import build_site

    site = built_site[0]
    html = (site / "cases/beijing-jiesu-jiban/index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/beijing-jiesu-jiban-student.pdf"' in html
    assert 'href="../../pdf/beijing-jiesu-jiban-teacher.pdf"' in html
    assert (site / "pdf/packs/four-cases-teacher.pdf").stat().st_size > 10_000
    handouts = (site / "handouts/index.html").read_text(encoding="utf-8")
    assert "党建引领基层治理：四个案例" in handouts
    again = build_site(tmp_path / "again")
    assert again.returncode == 0
    assert "新生成 0 份" in again.stderr


def test_the_fetcher_serves_only_the_templates_and_records_every_request(tmp_path):
    """WeasyPrint fetches through OwnFiles: the package's template files, nothing else, and every
    URL it asked for is on record. Here the HTML itself is hostile, past every escape."""
    from casebook.pdf.render import TEMPLATES, own_file, own_files

    assert own_file((TEMPLATES / "print.css").as_uri()) == TEMPLATES / "print.css"
    for url in [
        "http://127.0.0.1:8000/x.css",
        "https://example.org/a.png",
        "ftp://example.org/y",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        TEMPLATES.as_uri() + "/../render.py",
        (TEMPLATES.parent / "render.py").as_uri(),
        "file://otherhost" + str(TEMPLATES / "print.css"),
        (TEMPLATES / "missing.css").as_uri(),
        TEMPLATES.as_uri(),
    ]:
        assert own_file(url) is None, url
    require_fonts()
    hostile = """<html><head><link rel="stylesheet" href="https://evil.example/a.css">
    <link rel="attachment" href="file:///etc/passwd" title="passwd">
    <style>@import url("file:///etc/hostname"); p { background: url(data:image/png;base64,iVBORw0KGgo=) }</style></head>
    <body><p>正文<img src="https://evil.example/i.png"><img src="../render.py"><img src="print.css">
    <a rel="attachment" href="../render.py">附件</a><a rel="attachment" href="/etc/passwd">附件二</a></p></body></html>"""
    fetcher = own_files()
    write_pdf(hostile, tmp_path / "x.pdf", fetcher=fetcher)
    for url in [
        "https://evil.example/a.css",
        "file:///etc/passwd",
        "file:///etc/hostname",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://evil.example/i.png",
        (TEMPLATES.parent / "render.py").as_uri(),
    ]:
        assert url in fetcher.asked, url  # WeasyPrint wanted it, and asked the fetcher
    assert fetcher.refused == [u for u in fetcher.asked if u != (TEMPLATES / "print.css").as_uri()]
    reader = PdfReader(tmp_path / "x.pdf")
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert not any(a.get_object().get("/Subtype") == "/FileAttachment" for p in reader.pages for a in p.get("/Annots") or [])


def test_pdf_templates_escape_what_records_and_packs_say(catalog):
    from casebook.records.catalog import Case
    from casebook.records.packs import Pack

    case = catalog.cases["beijing-chaoyang-gongshang-gongzhi"]
    data = dict(
        case.data, title='<img src="https://evil.example/t.png">标题', summary="<b>提要</b>[^" + case["references"][0]["id"] + "]"
    )
    hostile = Case(case.id, data, case.source)
    pack = Pack(
        title="</title><link rel=attachment href=/etc/passwd>",
        lecturer='"><script>x</script>',
        cases=(case.id,),
        subtitle="<style>@import url(https://evil.example/)</style>",
    )
    document = render_html([hostile], RULES, "teacher", pack)
    assert "<img" not in document and "<link" not in document and "<script" not in document and document.count("<style>") == 1
    assert "&lt;img src=&#34;https://evil.example/t.png&#34;&gt;标题" in document
    assert "&lt;/title&gt;&lt;link rel=attachment href=/etc/passwd&gt;" in document
    assert "&lt;style&gt;@import url(https://evil.example/)&lt;/style&gt;" in document
    assert "&lt;b&gt;提要&lt;/b&gt;" in document  # Markdown text is text too
