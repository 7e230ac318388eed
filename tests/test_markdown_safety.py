"""Generated Markdown with raw HTML, attributes, attribute lists and link titles never renders into
active content: the case text goes through the site's own pipeline (escaping, Markdown with the
site's extensions, the sanitiser) and the result is read back with an HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.text import Citations
from casebook.web.pages import _Page
from casebook.web.sanitize import sanitize

PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example>",
        "<svg onload=alert(1)>",
        "<style>*{}</style>",
        "<form action=//x>",
        '[链接](javascript:alert(1) "标题")',
        '[链接](http://example.org "\\" onmouseover=\\"alert(1)")',
        "![图](http://example.org/x.png)",
        "{ onclick=alert(1) }",
        "{: .x onmouseover=alert(1) }",
        '<div markdown="1" onclick="alert(1)">块</div>',
        "&lt;script&gt;",
        "`<b>`",
        "<!-- c -->",
        "**粗**",
        "\n\n",
        "<a href='data:text/html,<script>alert(1)</script>'>d</a>",
        '<p style="background:url(javascript:x)">p</p>',
        "[^r1]",
        "普通文字",
        "<",
        ">",
        '"',
        "'",
        "=",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "#",
        "|",
    ]
)


class _Active(HTMLParser):
    """Collects what could run: script-like tags, event handlers, script URLs, styles."""

    BAD_TAGS = {"script", "iframe", "object", "embed", "form", "style", "svg", "math", "img", "link", "meta", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BAD_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "xlink:href") and value.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag}[{name}={value[:20]}]")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=12).map("".join))
def test_case_text_never_renders_into_active_content(text):
    page = _Page(Citations({"r1": {"id": "r1", "type": "Z", "title": "文献"}}), None, "")
    source = page.md(text)
    html = sanitize(markdown.markdown(source, extensions=["attr_list", "md_in_html", "tables", "admonition"]))
    parser = _Active()
    parser.feed(html)
    assert parser.found == [], (text, html)
