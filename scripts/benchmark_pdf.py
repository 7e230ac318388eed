"""Time the PDF renderer: one handout and the four-case pack (median of several runs).

Usage: .venv/bin/python scripts/benchmark_pdf.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from casebook import CASES_DIR, PROJECT_ROOT
from casebook.catalog import load_catalog
from casebook.pdf import load_pack, render_html, write_pdf


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    catalog, _ = load_catalog([CASES_DIR])
    pack = load_pack(PROJECT_ROOT / "docs/lectures/four-cases.yaml", catalog)
    out = Path(tempfile.mkdtemp())
    case = catalog.cases["beijing-chaoyang-gongshang-gongzhi"]
    pack_cases = [catalog.cases[i] for i in pack.cases]
    write_pdf(render_html([case]), out / "warm.pdf")  # imports and font loading, once
    one = timed(lambda: write_pdf(render_html([case], "teacher"), out / "one.pdf"), args.runs)
    four = timed(lambda: write_pdf(render_html(pack_cases, "teacher", pack), out / "pack.pdf"), args.runs)
    print(f"| document | median of {args.runs} runs |")
    print("|---|---|")
    print(f"| one handout (朝阳, 教师版) | {one:.2f} s |")
    print(f"| four-case pack (教师版) | {four:.2f} s |")


if __name__ == "__main__":
    main()
