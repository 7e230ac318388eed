"""The two indexes search.js reads, both made of the same words (words.py):

- Pagefind, for the served site: its index is split into chunks, so a query fetches only the
  chunks of its words. It is given pages of words separated by spaces in a language it does not
  split further (zxx), so its words are ours, and nothing else: it would index metadata too, split
  its own way. What a result shows is in a file of ours for each page (PAGES).
- Script shards, for the offline site (Chromium will not load Pagefind's module from file://)
  and the preview (where Pagefind's seconds at every change would be too slow): the words
  sorted into files by their first character, each loaded by a <script> tag when a query needs it.

Both weigh the key words (title, aliases, keywords, place) above the text; search.js ranks
cases first and quotes from the text.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

from .documents import KINDS, SearchDocument
from .words import Dictionary, index_words, simplified_characters

ASSETS = "assets/search"  # in the site
KEY_WEIGHT = 10  # a word of the title, aliases or keywords counts this many times a word of the text
MAX_WEIGHT = 10  # the most Pagefind weighs one place of a word
SHARD_BYTES = 160_000  # about what one shard file should weigh
TEXT_CHUNK = 50  # documents' texts per file: a result list loads a few of these
# characters of text per Pagefind run (about one index word each): about 0.5 GB of the indexer's
# memory, some 900 cases of the benchmark's length
PART_SIZE = 1_000_000
PART_HEADROOM = 1.1  # parts are drawn by hash: see _parts
BUNDLE_PAGES = "casebook-pages.json"  # in a cached Pagefind bundle: which page each fragment is
# Pagefind's files that search.js never loads: its own search UI, its highlighter, its worker (search.js
# runs Pagefind on the page's thread) and, in a part merged into the first, the code and WebAssembly
# the first one brings
UNUSED = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js", "pagefind-worker.js")
UNUSED_IN_MERGED = ("pagefind.js", "wasm.*.pagefind")
PAGES = "pages"  # in ASSETS: what a served result shows, a file for each page named by Pagefind's id
# Pagefind matches a query word to the index words it begins, and where there are none, to the
# longest index word that begins it (六榕寺 to 六). Each index word ends in this, which no query
# word holds: a query word is matched only to the words it begins, as in the script shards. It is
# a letter, not a sign: Pagefind reads a word with a sign in it as compound and indexes its parts
# as words too (a12_ → 12), so that 12 would find a12.
WORD_END = "ω"
T = TypeVar("T")


def write_config(
    site_dir: Path,
    backend: str,
    dictionary: Dictionary,
    shards: int = 0,
    parts: list[str] | None = None,
) -> None:
    """What search.js needs before its first query: which index to read (and how it is split),
    the domain words, the synonym groups and the Traditional→Simplified table."""
    config = {
        "backend": backend,
        "shards": shards,
        "pagefind_parts": parts or [],
        "text_chunk": TEXT_CHUNK,
        "kinds": KINDS,
        "words": dictionary.words,
        "synonyms": dictionary.synonyms,
        "group_words": [word for word, _ in dictionary.groups],
        "t2s": "".join(f"{t}{s}" for t, s in simplified_characters().items()),
    }
    _write_script(site_dir / ASSETS / "config.js", "CASEBOOK_SEARCH_CONFIG", config)


def write_shards(site_dir: Path, docs: list[SearchDocument], dictionary: Dictionary) -> int:
    """The offline index; returns how many shards it has."""
    out = site_dir / ASSETS
    shutil.rmtree(out / "shards", ignore_errors=True)
    shutil.rmtree(out / "text", ignore_errors=True)
    postings: dict[str, list[int]] = {}
    meta = []
    for n, doc in enumerate(docs):
        words = _weighted_words(doc, dictionary)
        for word, count in words.items():
            postings.setdefault(word, []).extend((n, count))
        meta.append([doc.url, KINDS.index(doc.kind), doc.title, doc.place, doc.level, sum(words.values()), "、".join(doc.keys)])
    size = sum(len(w) * 3 + len(p) * 4 for w, p in postings.items())
    shards = 1 << max(0, math.ceil(math.log2(max(1, size / SHARD_BYTES))))
    grouped: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for word in sorted(postings):
        grouped[ord(word[0]) % shards][word] = postings[word]
    for i, group in enumerate(grouped):
        _write_script(out / "shards" / f"{i}.js", "CASEBOOK_SEARCH_SHARD", [i, group])
    _write_script(out / "docs.js", "CASEBOOK_SEARCH_DOCS", meta)
    for start in range(0, len(docs), TEXT_CHUNK):
        chunk = [d.text for d in docs[start : start + TEXT_CHUNK]]
        _write_script(out / "text" / f"{start // TEXT_CHUNK}.js", "CASEBOOK_SEARCH_TEXT", [start // TEXT_CHUNK, chunk])
    return shards


def write_pagefind(
    site_dir: Path, docs: list[SearchDocument], dictionary: Dictionary, cache_dir: Path, part_size: int = PART_SIZE
) -> list[str]:
    """Pagefind's index of the same words, in site/pagefind/. Its indexer holds every word of a
    run in memory (about half a kilobyte each), so a large site is indexed in parts of about
    part_size characters (see _parts), one run each: the first in site/pagefind/, the others in
    site/pagefind/part-N/, which the browser merges into the first (mergeIndex). A part whose
    pages are those of an earlier build is copied from cache_dir/pagefind/, not indexed again.
    Returns the addresses of the parts after the first."""
    shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
    shutil.rmtree(site_dir / ASSETS / PAGES, ignore_errors=True)
    (site_dir / ASSETS / PAGES).mkdir(parents=True)
    by_url = {doc.url: doc for doc in docs}
    store = cache_dir / "pagefind"
    pages: list[dict[str, str]] = []  # for each part, which page each of its fragments is
    parts, used = [], set()
    sized = [(doc, doc.url, len(doc.indexed_text) + sum(map(len, doc.keys))) for doc in docs]
    for n, part in enumerate(_parts(sized, part_size)):
        bundle = _bundle(store, part, dictionary)
        used.add(bundle.name)
        out = Path("pagefind", f"part-{n}" if n else "")
        unused = (BUNDLE_PAGES, *UNUSED, *(UNUSED_IN_MERGED if n else ()))
        shutil.copytree(bundle, site_dir / out, ignore=shutil.ignore_patterns(*unused))
        pages.append(json.loads((bundle / BUNDLE_PAGES).read_text(encoding="utf-8")))
        for page_id, url in pages[-1].items():
            _write_json(site_dir / ASSETS / PAGES / f"{page_id}.json", _shown(by_url[url]))
        if n:
            parts.append(f"{out.as_posix()}/")
    for old in store.iterdir():  # one index's worth: the cache stays bounded
        if old.name not in used:
            shutil.rmtree(old, ignore_errors=True)
    # Which page each of Pagefind's ids is, part by part: the browse page's keyword lists every
    # case a query finds without fetching each one.
    _write_script(site_dir / ASSETS / "pagefind-pages.js", "CASEBOOK_PAGEFIND_PAGES", pages)
    return parts


def _parts(items: list[tuple[T, str, int]], part_size: int) -> list[list[T]]:
    """Items (item, address, size) drawn into parts of about part_size by a hash of the address,
    each part in the items' order. So each part is a like sample of the whole: Pagefind ranks a
    part's pages by that part's own word counts, and parts cut from a sorted list would rank one
    part's pages above another's. And an added or edited page changes its own part only. A part
    draws a few per cent more or less than its share; PART_HEADROOM keeps it under part_size."""
    count = max(1, math.ceil(sum(size for *_, size in items) * PART_HEADROOM / part_size))
    parts: list[list[T]] = [[] for _ in range(count)]
    for item, address, _ in items:
        parts[int.from_bytes(hashlib.sha256(address.encode()).digest()[:8], "big") % count].append(item)
    return [part for part in parts if part]


def _bundle(store: Path, part: list[SearchDocument], dictionary: Dictionary) -> Path:
    """Pagefind's output for a part of the pages, made now unless an earlier build made it from the
    same pages' words, domain words, synonym groups, code and Pagefind; with it, which page each
    fragment is."""
    indexed = [[d.url, d.kind, d.keys, d.indexed_text] for d in part]
    key = hashlib.sha256(
        json.dumps([_index_version(), dictionary.words, dictionary.synonyms, indexed], ensure_ascii=False).encode()
    ).hexdigest()[:24]
    bundle = store / key
    if (bundle / BUNDLE_PAGES).exists():
        return bundle
    building = store / f".{key}-{os.getpid()}"  # renamed when whole: no build sees half of one
    shutil.rmtree(building, ignore_errors=True)
    _run_pagefind([_pagefind_page(d, dictionary) for d in part], building)
    pages = {}  # a fragment names the page it was made from, by its number in the part
    for fragment in (building / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[fragment.stem] = part[int(data["url"].strip("/"))].url
    (building / BUNDLE_PAGES).write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    try:
        building.rename(bundle)
    except OSError:  # another build made it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return bundle


@functools.cache
def _index_version() -> str:
    """What else decides Pagefind's output: our word rule and page layout, and Pagefind itself."""
    digest = hashlib.sha256(version("pagefind").encode())
    for name in ("words.py", "indexes.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _run_pagefind(pages: list[str], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="casebook-pagefind-") as tmp:
        for n, page in enumerate(pages):  # named by number: the address comes back as metadata
            path = Path(tmp, str(n), "index.html")
            path.parent.mkdir()
            path.write_text(page, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", tmp, "--output-path", str(out), "--silent"],
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise RuntimeError(f"Pagefind 建立索引失败：{run.stderr or run.stdout}")


def _pagefind_page(doc: SearchDocument, dictionary: Dictionary) -> str:
    """A page for Pagefind to index: our words, each counted as in the script shards (a key word
    KEY_WEIGHT times). Pagefind adds up the weights of a word's places on a page, so a word
    counted n times is written n // 10 times at weight 10 and once at weight n % 10: the same
    count in far fewer places, which is what a query that many pages match spends its time on."""
    by_weight: dict[int, list[str]] = {}
    for word, count in _weighted_words(doc, dictionary).items():
        tens, rest = divmod(count, MAX_WEIGHT)
        by_weight.setdefault(MAX_WEIGHT, []).extend([word + WORD_END] * tens)
        if rest:
            by_weight.setdefault(rest, []).append(word + WORD_END)
    words = "".join(
        f'<div data-pagefind-weight="{weight}">{html.escape(" ".join(group))}</div>'
        for weight, group in sorted(by_weight.items())
    )
    return (
        '<!doctype html><html lang="zxx"><head><meta charset="utf-8"><title></title></head>'
        f'<body data-pagefind-body data-pagefind-filter="kind:{doc.kind}">{words}</body></html>'
    )


def _shown(doc: SearchDocument) -> dict[str, str]:
    """What a served result shows and checks the query's words against."""
    return {
        "url": doc.url,
        "kind": doc.kind,
        "title": doc.title,
        "keys": "、".join(doc.keys),
        "place": doc.place,
        "level": doc.level,
        "text": doc.text,
    }


def _weighted_words(doc: SearchDocument, dictionary: Dictionary) -> Counter[str]:
    words = index_words(doc.indexed_text, dictionary)
    for word, count in index_words(" ".join(doc.keys), dictionary).items():
        words[word] += count * KEY_WEIGHT
    return words


def _write_script(path: Path, callback: str, data) -> None:
    """A script that hands its data to a function: a <script> tag loads it from file:// too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{callback}({_json(data)});\n", encoding="utf-8")


def _write_json(path: Path, data) -> None:
    path.write_text(_json(data), encoding="utf-8")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
