"""Opt-in check of external reference URLs (it needs the network, so no test depends on it)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .records.loader import Loaded

USER_AGENT = "casebook-linkcheck/1.0"  # headers are Latin-1: no Chinese here


@dataclass(frozen=True)
class Link:
    url: str
    where: str  # file:line:col: field


def links(files: list[Loaded]) -> list[Link]:
    out = []
    for loaded in files:
        for i, ref in enumerate((loaded.data or {}).get("references") or []):
            for key in ("url", "read_at"):
                if isinstance(ref, dict) and isinstance(ref.get(key), str):
                    line, col = loaded.where(("references", i, key))
                    out.append(Link(ref[key], f"{loaded.display}:{line}:{col}: references[{i}].{key}"))
    return out


def probe(url: str, timeout: float = 10.0) -> str | None:
    """None when the address answers; otherwise why not."""
    address = urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")  # Chinese in a path is sent encoded
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        request = urllib.request.Request(address, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                landed = urllib.parse.urlsplit(response.geturl()).hostname
                if landed != urllib.parse.urlsplit(address).hostname:
                    # a publisher's page that now lands elsewhere often means the page is gone
                    return f"跳转到其他网站 {landed}"
                if response.status < 400:
                    return None
                reason = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return reason
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"无法访问（{getattr(exc, 'reason', exc)}）"
    return reason


def check(found: list[Link], timeout: float = 10.0, workers: int = 8) -> list[tuple[Link, str]]:
    urls = sorted({link.url for link in found})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(zip(urls, pool.map(lambda u: probe(u, timeout), urls)))
    return [(link, reason) for link in found if (reason := results[link.url])]
