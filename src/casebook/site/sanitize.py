"""The last line of defence for page HTML: a real sanitiser (nh3, Ammonia) with an allow-list.

Case text is already escaped before Markdown sees it; this pass also removes any script,
event handler, style or javascript:/data: link that could come from anywhere else.
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


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https"},  # relative links and #fragments pass; javascript:, data: do not
        link_rel=None,  # keep our own rel values
        strip_comments=True,
    )
