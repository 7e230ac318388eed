"""The last line of defence for page HTML: a real sanitiser (nh3, Ammonia) with an allow-list.

Case text is already escaped before Markdown sees it; this pass also removes any script,
event handler, style or javascript:/data: link that could come from anywhere else.

The PDF handouts use the same allow-list with two things less (`sanitize_print`): no `rel`, since
WeasyPrint embeds the target of a link marked rel="attachment" in the PDF, and no link but to a
fragment or an http(s) address, since WeasyPrint would turn a relative one into a file:// address
on the machine that printed it.
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"sup", "sub", "abbr", "small", "nav", "section", "article", "details", "summary", "span", "div"}
_TAGS -= {"img"}  # case pages show no images; a remote image would be a request to another host
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "role", "aria-label", "aria-live", "aria-hidden", "data-search-exclude"},
    "a": {"href", "rel", "download"},  # download: the citation files are saved, not shown
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "details": {"open"},
}


_PRINT_ATTRIBUTES = {tag: names - {"rel"} for tag, names in _ATTRIBUTES.items()}


def _print_link(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not value.startswith(("#", "http://", "https://")):
        return None
    return value


def sanitize_print(html: str) -> str:
    """HTML from record text on its way into a PDF (see the module's docstring)."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_PRINT_ATTRIBUTES,
        attribute_filter=_print_link,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )


_REL = frozenset({"nofollow", "noopener", "noreferrer", "external"})  # what the renderers write themselves


def _site_link(tag: str, attribute: str, value: str) -> str | None:
    """rel only with the values the renderers use: none that makes a browser or a printer fetch,
    preload or embed something (attachment, stylesheet, preload …) can come from record text."""
    if attribute == "rel" and not set(value.split()) <= _REL:
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_site_link,
        url_schemes={"http", "https"},  # relative links and #fragments pass; javascript:, data: do not
        link_rel=None,  # keep our own rel values
        strip_comments=True,
    )
