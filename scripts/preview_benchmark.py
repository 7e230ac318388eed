"""How fast the editors' preview shows a saved case: `casebook serve` on a synthetic corpus.

Starts the preview on N synthetic cases, waits for the first build, then saves one case several
times and measures, for each save, the time until the served page shows the new text. It also
breaks the file (the page must show the problem) and fixes it again (the page must recover).
Results go to the section "编辑预览" of docs/performance.md (with --write).

    .venv/bin/python scripts/preview_benchmark.py --n 1000 --edits 3 [--write]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

SECTION = re.compile(r"<!-- preview-benchmark -->.*<!-- /preview-benchmark -->", re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


SERVER: subprocess.Popen | None = None


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at url contains text."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if SERVER is not None and SERVER.poll() is not None:
            raise RuntimeError("the preview server stopped (see serve.log)")
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="casebook-preview-bench-"))
    cases = work / "cases"
    write_corpus(args.n, cases)
    port = free_port()
    env = dict(os.environ, CASEBOOK_CASES=str(cases), CASEBOOK_CACHE=str(work / "cache"), NO_MKDOCS_2_WARNING="1")
    log = open(work / "serve.log", "w")
    global SERVER
    server = SERVER = subprocess.Popen(
        [sys.executable, "-m", "casebook", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    target = sorted(cases.glob("*.yaml"))[len(list(cases.glob("*.yaml"))) // 2]
    url = f"http://127.0.0.1:{port}/cases/{target.stem}/"
    original = target.read_text(encoding="utf-8")
    try:
        first = wait_for(url, "<h1", timeout=900)
        times = []
        for i in range(args.edits):
            marker = f"预览测量标记{i}号"
            target.write_text(original.replace("summary: ", f"summary: {marker}", 1), encoding="utf-8")
            times.append(wait_for(url, marker, timeout=120))
        target.write_text(original.replace("title:", "title: [未闭合", 1), encoding="utf-8")
        broken = wait_for(url, "校验未通过", timeout=120)
        target.write_text(original, encoding="utf-8")
        fixed = wait_for(url, "<h1", timeout=120) if "校验未通过" not in fetch(url) else None
        if fixed is None:
            start = time.perf_counter()
            while "校验未通过" in fetch(url):
                time.sleep(0.05)
            fixed = time.perf_counter() - start
    except Exception:
        print((work / "serve.log").read_text(encoding="utf-8")[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    row = (
        f"| {args.n} | {first:.1f} s | {statistics.median(times):.2f} s（{'、'.join(f'{t:.2f}' for t in times)}） "
        f"| {broken:.2f} s | {fixed:.2f} s |"
    )
    print(row)
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        block = (
            "<!-- preview-benchmark -->\n"
            "| 案例数 | 首次构建 | 保存后页面更新（中位数；各次） | 坏文件的错误出现在页面上 | 修好后页面恢复 |\n"
            "|---|---|---|---|---|\n" + row + "\n<!-- /preview-benchmark -->"
        )
        doc.write_text(SECTION.sub(block, text) if SECTION.search(text) else text + "\n" + block + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
