"""The live preview under `mkdocs serve --dirty`: what an editor sees while saving a case.

- Generated pages are written to a staging folder, and only when their text changed: MkDocs' dirty
  build then rebuilds just those pages (it compares file times), so saving one case re-renders the
  case, the index pages that list it and nothing else.
- A case page whose digest did not change is not even rendered again.
- PDFs are printed when a reader opens one, not on every rebuild.
- Search reads script shards (fast to write), made from what the session has indexed of every
  page, the rebuilt ones fresh.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from mkdocs.structure.files import File
from watchdog.events import FileSystemEventHandler

from .pages import CasePage


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(temp, path)
    return True


class Staging:
    """Generated pages on disk, for the preview. One folder per project and site folder."""

    def __init__(self, folder: Path):
        self.docs = folder / "docs"
        self.keys_file = folder / "case-keys.json"
        try:
            self.keys = json.loads(self.keys_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.keys = {}

    def update(self, pages: dict[str, str], cases: dict[str, CasePage], errors: dict[str, str]) -> list[str]:
        """Bring the folder up to date; returns the paths written (for the log)."""
        written = [path for path, text in pages.items() if _write_if_changed(self.docs / path, text)]
        for path, page in cases.items():
            if path in errors:
                continue
            target = self.docs / path
            if self.keys.get(path) != page.key or not target.exists():
                if _write_if_changed(target, page.render()):
                    written.append(path)
                self.keys[path] = page.key
        for path, text in errors.items():  # a file with problems shows them on its own page
            self.keys.pop(path, None)
            if _write_if_changed(self.docs / path, text):
                written.append(path)
        wanted = set(pages) | set(cases) | set(errors)
        for stale in [p for p in self._existing() if p not in wanted]:
            (self.docs / stale).unlink()
            self.keys.pop(stale, None)
        _write_if_changed(self.keys_file, json.dumps(self.keys, sort_keys=True))
        return written

    def _existing(self) -> list[str]:
        if not self.docs.is_dir():
            return []
        return [p.relative_to(self.docs).as_posix() for p in self.docs.rglob("*") if p.is_file() and not p.name.endswith(".tmp")]

    def files(self, config) -> list[File]:
        return [File(path, str(self.docs), config.site_dir, config.use_directory_urls) for path in sorted(self._existing())]


def watch_with_os_events(server) -> None:
    """MkDocs' preview polls the watched folders every half second, statting every file; use the
    operating system's change events instead (watchdog picks inotify on Linux, polling elsewhere)."""
    from watchdog.observers import Observer

    polling = server.observer
    handlers = getattr(polling, "_handlers", None)
    if handlers is None:  # another watchdog version: keep polling
        return
    observer = Observer()
    for watch, watch_handlers in list(handlers.items()):
        # Newer watchdog keeps a watched file's folder in `path` and the file itself in `raw_path`.
        # Schedule the file, not its folder: otherwise any file written beside mkdocs.yml (such as
        # the server's own log) starts a build, whose log line starts the next, without end.
        path = getattr(watch, "raw_path", watch.path)
        for handler in watch_handlers:
            server._watch_refs[path] = observer.schedule(_ChangesOnly(handler, path), path, recursive=watch.is_recursive)
    server.observer = observer
    server.observer.schedule = _wrapping_schedule(observer.schedule)  # the watches plugins add later, too


def _wrapping_schedule(schedule):
    return lambda handler, path, recursive=False, **kw: schedule(_ChangesOnly(handler, path), path, recursive=recursive, **kw)


class _ChangesOnly(FileSystemEventHandler):
    """Passes on changes only: inotify also reports files being opened and read, and the build
    reads the watched files, which would start the next build, and so on without end."""

    def __init__(self, inner, path: str):
        self.inner = inner
        # A watched file (mkdocs.yml) is watched through its folder, which also holds the cache and
        # editors' temporary files: pass on only events about the file itself.
        self.file = os.path.abspath(path) if os.path.isfile(path) else None

    def dispatch(self, event):
        if event.event_type not in ("created", "modified", "deleted", "moved"):
            return
        touched = {os.path.abspath(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p}
        if self.file is None or self.file in touched:
            self.inner.dispatch(event)


def serve_pdfs_on_demand(server, documents: dict, make_pdf) -> None:
    """Wrap the preview server: a request for one of `documents` (site path → HTML function) prints
    that PDF (make_pdf(html) → cached file) into the site folder, then the server sends it."""
    app = server.get_app()
    mount = server.mount_path

    def app_with_pdfs(environ, start_response):
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        relative = path[len(mount) :] if path.startswith(mount) else None
        if relative and re.fullmatch(r"pdf/[\w/.-]+\.pdf", relative) and relative in documents.get("paths", {}):
            # sent from the PDF cache; the site folder keeps only the build's empty stand-in
            data = make_pdf(documents["paths"][relative]()).read_bytes()
            start_response("200 OK", [("Content-Type", "application/pdf"), ("Content-Length", str(len(data)))])
            return [data]
        return app(environ, start_response)

    server.set_app(app_with_pdfs)
