"""Benchmark: validation, site build (ours against plain Markdown), sizes, memory, PDF and search.

For each N it writes a synthetic corpus (scripts/make_corpus.py), then measures, as medians of
several runs on this machine:
- validation: `casebook validate` as a whole process, interpreter start included;
- build: `mkdocs build` with our plugin (PDFs off: they are timed on their own), and the same
  pages written out as plain Markdown, built by MkDocs + Material without our plugin (baseline,
  same theme, extensions and search settings);
- output: HTML per case (mean and largest), search index, whole site; peak memory of a build;
- PDF: one handout and a 10-case pack; and whether a rebuild of the real site reprints any PDF;
- search (N >= 1000): in headless Chromium, the first query on a freshly opened page and a later
  one, with the bytes fetched and the longest task on the page's thread meanwhile, for the served
  site (Pagefind), the offline site (file://) and the previous search (Material's, on the
  baseline site); the size of each index;
- the machine's speed at the start and the end (a fixed piece of Python work), as a shared host
  can slow down for a while.
The table is printed and written to docs/performance.md.

Needs `pip install -e ".[test,bench]"` (Playwright, and jieba for the previous search).
Usage: .venv/bin/python scripts/benchmark.py [--sizes 100 1000 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

WORK = PROJECT_ROOT / "build" / "bench"
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", CASEBOOK_PDF="false", CASEBOOK_LECTURES=str(WORK / "no-lectures"))


def run_timed(cmd, env=None, cwd=PROJECT_ROOT) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB, and stderr of one command (via GNU time)."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "MAXRSS=%M", *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    rss = int(re.search(r"MAXRSS=(\d+)", done.stderr).group(1)) // 1024
    return elapsed, rss, done.stderr


def median_run(cmd, runs, env=None, cwd=PROJECT_ROOT):
    results = [run_timed(cmd, env, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[0][0]


def paired_runs(a: tuple[list, dict], b: tuple[list, dict], runs: int) -> tuple[tuple, tuple, float]:
    """Two commands (with their environments) run in turn, A B A B …, so that a drift in the
    machine's speed touches both alike: each one's median seconds and peak MB, and the median of
    the pairs' ratios A / B."""
    pairs = [(run_timed(*a), run_timed(*b)) for _ in range(runs)]
    medians = tuple((statistics.median(p[i][0] for p in pairs), max(p[i][1] for p in pairs)) for i in (0, 1))
    return medians[0], medians[1], statistics.median(p[0][0] / p[1][0] for p in pairs)


def baseline_project(corpus: Path, target: Path) -> Path:
    """The same pages as plain Markdown with the project's mkdocs.yml minus our plugin (casebook render)."""
    from casebook.project import Project
    from casebook.web.standalone import write_standalone

    project = Project.find(PROJECT_ROOT / "mkdocs.yml")
    project.options["cases_dir"] = str(corpus)
    project.options["lectures_dir"] = str(WORK / "no-lectures")
    write_standalone(project, target)
    return target / "mkdocs.yml"


def sizes(site: Path) -> dict:
    pages = [p.stat().st_size for p in (site / "cases").glob("*/index.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {
        "case_html_mean_kb": statistics.mean(pages) / 1024,
        "case_html_max_kb": max(pages) / 1024,
        "site_mb": total / 2**20,
    }


def pdf_times(corpus: Path) -> dict:
    from casebook.pdf.render import Pack, render_html, write_pdf
    from casebook.records.catalog import load_catalog
    from casebook.records.rules import Rules

    rules = Rules(PROJECT_ROOT / "schemas")
    catalog, _ = load_catalog([corpus], rules)
    cases = list(catalog.cases.values())
    out = WORK / "pdf"
    write_pdf(render_html(cases[:1], rules), out / "warm.pdf")
    one, pack = [], []
    for _ in range(3):
        t = time.perf_counter()
        write_pdf(render_html(cases[:1], rules, "teacher"), out / "one.pdf")
        one.append(time.perf_counter() - t)
        t = time.perf_counter()
        write_pdf(
            render_html(cases[:10], rules, "teacher", Pack("十个案例", "基准测试", tuple(c.id for c in cases[:10]))),
            out / "pack.pdf",
        )
        pack.append(time.perf_counter() - t)
    return {"pdf_one_s": statistics.median(one), "pdf_pack10_s": statistics.median(pack)}


def reprinted_on_rebuild() -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    logs = [run_timed([sys.executable, "-m", "mkdocs", "build", "-d", str(WORK / "real-site")], env)[2] for _ in range(2)]
    return re.search(r"讲义 PDF：新生成 (\d+) 份", logs[1]).group(1)


# the time of the last input event: what a reader waits is from the last keystroke on
WATCH_INPUT = "() => { window.__bench = {}; document.addEventListener('input', () => { window.__bench.input = performance.now(); }, true); }"
# the page's thread busy for 50 ms or more at a stretch (a key pressed then waits as long)
WATCH_TASKS = (
    "window.__tasks = []; new PerformanceObserver((list) => list.getEntries()"
    ".forEach((e) => window.__tasks.push([e.startTime, e.duration]))).observe({ type: 'longtask', buffered: true });"
)
LONGEST_TASK = (
    "() => Math.max(0, ...window.__tasks.filter(([at, ms]) => at + ms > window.__bench.input && at < window.__bench.shown)"
    ".map(([at, ms]) => ms))"
)
SEARCH_FILES = r"/(pagefind|assets/search|search)/"  # what a search fetches, on each site
# First queries as readers type them, from a word every synthetic case holds (the most work) to
# a practice a few hundred hold. The previous search builds its whole index whatever the query,
# so it is timed with the first only.
QUERIES = ["问需", "网格化管理", "吹哨报到", "停车难", "物业纠纷", "养老服务", "志愿服务积分", "议事协商"]


def search_latency(sites: dict[str, Path], runs: int = 3) -> dict:
    """For each site, on freshly opened pages (nothing cached): the first query typed as soon as the
    page has loaded, and typed once the page is idle (as a reader, who looks at the page first),
    for each of QUERIES; a later query; and the bytes of search files fetched up to the first
    results. sites: "served" (Pagefind over HTTP), "offline" (script shards from file://)
    and "previous" (Material's search, on the baseline site)."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from urllib.parse import unquote, urlparse

    from playwright.sync_api import sync_playwright

    from tests.site_support import CHROMIUM, CHROMIUM_ARGS, serve

    # Each predicate notes when it first holds: it is polled at every animation frame, so that is
    # when the results are on screen.
    ui = {
        "ours": (".cb-search__input", "document.getElementById('cb-search-results')?.dataset.shown === q"),
        "previous": (
            ".md-search__input",
            "document.querySelector('.md-search__input').value === q && "
            "/符合条件的结果/.test(document.querySelector('.md-search-result__meta').textContent)",
        ),
    }

    def query(page, box, shown, text, first):
        """Seconds from the last keystroke of the query to its results on screen, and the longest
        task on the page's thread in that time (ms, 0 if none of 50 ms or more)."""
        if first:
            page.click(box)
        else:
            page.fill(box, "")
            page.focus(box)
        page.evaluate("() => { window.__bench.shown = null; }")
        page.keyboard.type(text)
        page.keyboard.press("End")  # Material's search waits for a key event; CJK text is inserted without one
        page.wait_for_function(
            f"q => ({shown}) && (window.__bench.shown = window.__bench.shown || performance.now())", arg=text, timeout=120_000
        )
        if box == ui["ours"][0] and page.locator(".cb-search__status").inner_text() == "搜索暂时不可用":
            raise RuntimeError(f"search failed on {page.url} for {text}")
        return page.evaluate("() => (window.__bench.shown - window.__bench.input) / 1000"), page.evaluate(LONGEST_TASK)

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def fresh_query(url, site, name, text, wait, later=None):
            """One query on a newly opened page: seconds to its results and the longest task meanwhile
            (see query), bytes of search files fetched from the opening up to them (Material fetches
            its index at once), and a later query's seconds."""
            box, shown = ui["previous" if name == "previous" else "ours"]
            context = browser.new_context()  # nothing cached
            page = context.new_page()
            page.add_init_script(WATCH_TASKS)
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url))
            page.goto(url, wait_until="load" if wait == "load" else "networkidle")
            page.evaluate(WATCH_INPUT)
            first = query(page, box, shown, text, first=True)
            paths = [unquote(urlparse(u).path) for u in seen if re.search(SEARCH_FILES, u)]
            root = str(site) if name == "offline" else ""
            files = [site / p_.removeprefix(root).lstrip("/") for p_ in paths]
            fetched = sum(f.stat().st_size for f in files if f.is_file())
            next_ = query(page, box, shown, later, first=False)[0] if later else None
            context.close()
            return first, fetched, next_

        for name, site in sites.items():
            url, stop = (site.as_uri() + "/index.html", None) if name == "offline" else serve(site)
            queries = QUERIES[:1] if name == "previous" else QUERIES
            load, idle, later, fetched = {q: [] for q in queries}, {q: [] for q in queries}, [], []
            blocked: dict[str, list] = {"load": [], "idle": []}  # each query's longest task, per run
            try:
                for _ in range(runs):
                    for text in queries:
                        (seconds, task), _, _ = fresh_query(url, site, name, text, "load")
                        load[text].append(seconds)
                        blocked["load"].append(task)
                        (seconds, task), size, next_ = fresh_query(
                            url, site, name, text, "idle", later="议事协商" if text == QUERIES[0] else None
                        )
                        idle[text].append(seconds)
                        blocked["idle"].append(task)
                        if text == QUERIES[0]:
                            fetched.append(size)
                            later.append(next_)
            finally:
                if stop:
                    stop()
            medians = {q: statistics.median(v) * 1000 for q, v in idle.items()}
            at_load = {q: statistics.median(v) * 1000 for q, v in load.items()}
            out[f"search_{name}_load_ms"] = at_load[QUERIES[0]]
            out[f"search_{name}_idle_ms"] = medians[QUERIES[0]]
            out[f"search_{name}_later_ms"] = statistics.median(later) * 1000
            out[f"search_{name}_kb"] = statistics.median(fetched) / 1024
            out[f"search_{name}_load_blocked_ms"] = max(blocked["load"])
            out[f"search_{name}_blocked_ms"] = max(blocked["idle"])
            if name != "previous":
                out[f"search_{name}_typical_ms"] = statistics.median(medians.values())
                out[f"search_{name}_worst_ms"] = max(medians.values())
                out[f"search_{name}_by_query_ms"] = medians
                out[f"search_{name}_load_typical_ms"] = statistics.median(at_load.values())
                out[f"search_{name}_load_worst_ms"] = max(at_load.values())
                out[f"search_{name}_load_by_query_ms"] = at_load
        browser.close()
    return out


def browse_latency(sites: dict[str, Path], runs: int = 3) -> dict:
    """The browse page on each site ("served", "offline"), freshly opened (nothing cached): ms from
    opening it to its list on screen, and on the idle page from the last keystroke of a keyword
    that every case holds (QUERIES[0]) to its list on screen; with the longest task on the page's
    thread in each (0 if none of 50 ms or more)."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from playwright.sync_api import sync_playwright

    from tests.site_support import CHROMIUM, CHROMIUM_ARGS, serve

    # "on screen": after the next frame is painted, so that laying out a long list counts too
    PAINTED = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now()))))"
    SHOWN = "q => document.getElementById('cb-browse')?.dataset.shown === q"

    def painted(page, since: float) -> tuple[float, float]:
        """ms from since (the page's clock) to the next frame painted, and the longest task between."""
        at = page.evaluate(PAINTED)
        page.evaluate("b => { window.__bench = b; }", {"input": since, "shown": at})
        return at - since, page.evaluate(LONGEST_TASK)

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, site in sites.items():
            url, stop = (site.as_uri() + "/browse.html", None) if name == "offline" else serve(site)
            if name != "offline":
                url += "browse/"
            found: dict[str, list] = {"open": [], "open_task": [], "keyword": [], "keyword_task": []}
            try:
                for _ in range(runs):
                    context = browser.new_context()
                    page = context.new_page()
                    page.add_init_script(WATCH_TASKS)
                    page.goto(url)
                    page.wait_for_function(SHOWN, arg="", timeout=120_000)
                    ms, task = painted(page, 0)  # from the page's opening
                    found["open"].append(ms)
                    found["open_task"].append(task)
                    page.wait_for_load_state("networkidle")
                    page.evaluate(WATCH_INPUT)
                    page.click("#cb-f-q")
                    page.keyboard.type(QUERIES[0])
                    page.wait_for_function(SHOWN, arg=QUERIES[0], timeout=120_000)
                    ms, task = painted(page, page.evaluate("() => window.__bench.input"))
                    found["keyword"].append(ms)
                    found["keyword_task"].append(task)
                    context.close()
            finally:
                if stop:
                    stop()
            out[f"browse_{name}_open_ms"] = statistics.median(found["open"])
            out[f"browse_{name}_open_blocked_ms"] = max(found["open_task"])
            out[f"browse_{name}_keyword_ms"] = statistics.median(found["keyword"])
            out[f"browse_{name}_keyword_blocked_ms"] = max(found["keyword_task"])
        browser.close()
    return out


def index_sizes(site: Path, offline: Path, baseline: Path) -> dict:
    def size(path: Path) -> float:
        files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
        return sum(f.stat().st_size for f in files) / 2**20

    return {
        "index_served_mb": size(site / "pagefind") + size(site / "assets" / "search"),  # with what results show
        "index_offline_mb": size(offline / "assets" / "search"),
        "index_previous_mb": size(baseline / "search" / "search_index.json"),
    }


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 2**20
    import markdown
    import material
    import mkdocs

    return (
        f"{os.cpu_count()} 核 {cpu}，内存 {mem:.0f} GiB；{platform.platform()}；Python {platform.python_version()}；"
        f"MkDocs {mkdocs.__version__}，Material {material.__version__ if hasattr(material, '__version__') else '9.8.1'}，Markdown {markdown.__version__}"
    )


def cpu_reference_ms() -> float:
    """A fixed piece of pure-Python work, timed (median of 5): how fast the machine is at that moment.
    A shared host can run at half speed for a while, so runs are read side by side with it."""

    def once() -> float:
        start, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i
        return (time.perf_counter() - start) * 1000

    return statistics.median(once() for _ in range(5))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    speed = [cpu_reference_ms()]
    rows = {}
    for n in args.sizes:
        corpus = WORK / f"corpus-{n}"
        write_corpus(n, corpus)
        row = {}
        row["validate_s"], row["validate_mb"], _ = median_run(
            [sys.executable, "-m", "casebook", "validate", str(corpus)], args.runs
        )
        site = WORK / f"site-{n}"
        cache = WORK / f"cache-{n}"
        shutil.rmtree(cache, ignore_errors=True)  # the first build starts cold; later ones reuse unchanged files' validation
        env = dict(ENV, CASEBOOK_CASES=str(corpus), CASEBOOK_CACHE=str(cache))
        ours = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)]
        row["build_cold_s"], cold_mb, _ = run_timed(ours, env)
        config = baseline_project(corpus, WORK / f"baseline-{n}")
        baseline = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(WORK / f"baseline-site-{n}")]
        (row["build_s"], build_mb), (row["baseline_s"], row["baseline_mb"]), row["build_ratio"] = paired_runs(
            (ours, env), (baseline, ENV), args.runs
        )
        row["build_mb"] = max(cold_mb, build_mb)
        row.update(sizes(site))
        offline = WORK / f"offline-site-{n}"
        row["build_offline_s"], row["build_offline_mb"], _ = run_timed(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(offline)], dict(env, OFFLINE="true")
        )
        baseline_site = WORK / f"baseline-site-{n}"
        row.update(index_sizes(site, offline, baseline_site))
        row.update(search_latency({"served": site, "offline": offline, "previous": baseline_site}))
        row.update(browse_latency({"served": site, "offline": offline}))
        if n == 1000 or n == args.sizes[0] and 1000 not in args.sizes:
            row.update(pdf_times(corpus))
        rows[n] = row
        print(n, json.dumps(row, ensure_ascii=False), flush=True)
    reprinted = reprinted_on_rebuild()
    speed.append(cpu_reference_ms())
    table = render(rows, args.runs, reprinted, speed)
    print(table)
    if not args.no_write:
        doc = PROJECT_ROOT / "docs" / "performance.md"
        kept = doc.read_text(encoding="utf-8").split("\n## 编辑预览", 1)  # written by preview_benchmark.py
        doc.write_text(table + ("\n## 编辑预览" + kept[1] if len(kept) == 2 else ""), encoding="utf-8")
    return 0


def render(rows: dict, runs: int, reprinted: str, speed: list[float]) -> str:
    ns = sorted(rows)

    def line(label, fmt, key):
        return f"| {label} | " + " | ".join(fmt.format(rows[n][key]) if key in rows[n] else "—" for n in ns) + " |"

    out = [
        "# 性能",
        "",
        "本页由 `scripts/benchmark.py` 生成，数字是同一次运行中测得的；每项取 "
        f"{runs} 次运行的中位数。合成案例由 `scripts/make_corpus.py` 生成（固定随机种子），与真实案例的篇幅相近。",
        "",
        f"测试机器：{machine()}。同一段固定的 Python 计算（三百万次加法）在这次运行开始时用 {speed[0]:.0f} ms，"
        f"结束时用 {speed[1]:.0f} ms：共享的宿主机忙时，它（和下面的数字）会慢到一倍，不同次的运行要对照着它看。",
        "",
        "| 指标 | " + " | ".join(f"N = {n:,}" for n in ns) + " |",
        "|---|" + "---|" * len(ns),
        line("校验全部案例（整个进程，含解释器启动）", "{:.2f} s", "validate_s"),
        line("构建网站：本项目（不含 PDF）", "{:.1f} s", "build_s"),
        line("其中第一次构建（缓存为空）", "{:.1f} s", "build_cold_s"),
        line("构建网站：同样页面写成普通 Markdown，不用本项目插件（基准）", "{:.1f} s", "baseline_s"),
        line("构建时间之比（本项目 / 基准，交替运行的各对之比的中位数）", "{:.2f}", "build_ratio"),
        line("构建的峰值内存：本项目", "{} MB", "build_mb"),
        line("构建的峰值内存：基准", "{} MB", "baseline_mb"),
        line("每个案例页面的 HTML（平均）", "{:.1f} KB", "case_html_mean_kb"),
        line("每个案例页面的 HTML（最大）", "{:.1f} KB", "case_html_max_kb"),
        line("整个网站", "{:.0f} MB", "site_mb"),
        line("离线版构建（一次，没有 Pagefind）", "{:.1f} s", "build_offline_s"),
        line("离线版构建的峰值内存", "{} MB", "build_offline_mb"),
        line("一份讲义 PDF（教师版）", "{:.2f} s", "pdf_one_s"),
        line("十个案例的讲义合集 PDF", "{:.2f} s", "pdf_pack10_s"),
    ]
    out += [
        "",
        "## 检索",
        "",
        "新打开页面（浏览器无缓存），点进检索框、逐字输入检索词，到结果显示出来的时间（含输入停顿后 60 ms 才检索的等待）："
        "一种是页面一加载完就输入，一种是等网络空闲后再输入（读者总要先看一眼页面）。"
        f"两种都测了 {len(QUERIES)} 个检索词（{'、'.join(QUERIES)}）：“问需”每个合成案例都有，"
        "是最费事的情形；其余是做法和问题，命中几十到几百个案例。“之后的检索”是同一页面上接着输入“议事协商”。"
        "检索脚本一运行就开始下载索引的头几个文件（配置、Pagefind 本身、各批索引的元数据；"
        "Material 的检索也是打开页面就下载整份索引），读者还没输入时再做一次预热检索，读者输入时先取已输入的词所在的索引分片；"
        "浏览器缓存后换页不再下载。下载量是从打开页面到第一次结果显示、检索取到的全部文件"
        "（按磁盘上的大小：Pagefind 的分片本身已压缩，在线版每个结果要显示的文字是一个未压缩的 JSON 文件，"
        "服务器一般会压缩传送）。索引大小在线版含这些结果文件。在线版用 Pagefind（本地 HTTP），离线版用脚本分片（从 `file://` 打开），"
        "“原检索”是 Material 自带的检索（lunr + jieba），在基准网站上测。",
        "",
        "| 指标 | " + " | ".join(f"N = {n:,}" for n in ns) + " |",
        "|---|" + "---|" * len(ns),
    ]
    for key, label in (("served", "在线版（Pagefind）"), ("offline", "离线版（脚本分片）"), ("previous", "原检索（Material）")):
        out += [
            line(f"{label}：页面一加载完就检索“问需”", "{:.0f} ms", f"search_{key}_load_ms"),
            line(f"{label}：页面一加载完就检索，{len(QUERIES)} 个检索词的中位数", "{:.0f} ms", f"search_{key}_load_typical_ms"),
            line(f"{label}：页面一加载完就检索，最慢的检索词", "{:.0f} ms", f"search_{key}_load_worst_ms"),
            line(f"{label}：页面空闲后第一次检索“问需”", "{:.0f} ms", f"search_{key}_idle_ms"),
            line(f"{label}：页面空闲后第一次检索，{len(QUERIES)} 个检索词的中位数", "{:.0f} ms", f"search_{key}_typical_ms"),
            line(f"{label}：页面空闲后第一次检索，最慢的检索词", "{:.0f} ms", f"search_{key}_worst_ms"),
            line(f"{label}：之后的检索", "{:.0f} ms", f"search_{key}_later_ms"),
            line(
                f"{label}：从按键到结果之间页面线程最长的一次占用，页面一加载完就检索",
                "{:.0f} ms",
                f"search_{key}_load_blocked_ms",
            ),
            line(f"{label}：从按键到结果之间页面线程最长的一次占用，页面空闲后检索", "{:.0f} ms", f"search_{key}_blocked_ms"),
            line(f"{label}：第一次检索的下载量", "{:.0f} KB", f"search_{key}_kb"),
            line(f"{label}：索引大小", "{:.1f} MB", f"index_{key}_mb"),
        ]
    searched = [n for n in ns if "search_served_by_query_ms" in rows[n]]
    if searched:
        columns = [(key, n) for key in ("served", "offline") for n in searched]
        for when, by_query in (("页面一加载完", "load_by_query_ms"), ("页面空闲后", "by_query_ms")):
            out += [
                "",
                f"{when}的第一次检索，逐个检索词（毫秒）：",
                "",
                "| 检索词 | " + " | ".join(f"{'在线版' if key == 'served' else '离线版'} N = {n:,}" for key, n in columns) + " |",
                "|---|" + "---|" * len(columns),
            ]
            for q in QUERIES:
                out.append(f"| {q} | " + " | ".join(f"{rows[n][f'search_{key}_{by_query}'][q]:.0f}" for key, n in columns) + " |")
    if any("browse_served_open_ms" in rows[n] for n in ns):
        out += [
            "",
            "## 浏览",
            "",
            "浏览页新打开（浏览器无缓存）到案例列表显示出来的时间，和页面空闲后在它的关键词框逐字输入"
            f"“{QUERIES[0]}”（每个合成案例都有）到列表显示出来的时间，都算到下一帧画出为止，长列表的排版也算在内；"
            "“最长的一次占用”同上。列表一次列出 100 个案例，其余由“再显示”按钮接着列出；各筛选项的计数总是全部案例的。",
            "",
            "| 指标 | " + " | ".join(f"N = {n:,}" for n in ns) + " |",
            "|---|" + "---|" * len(ns),
        ]
        for key, label in (("served", "在线版"), ("offline", "离线版")):
            out += [
                line(f"{label}：打开浏览页到列出案例", "{:.0f} ms", f"browse_{key}_open_ms"),
                line(f"{label}：其间页面线程最长的一次占用", "{:.0f} ms", f"browse_{key}_open_blocked_ms"),
                line(f"{label}：关键词“{QUERIES[0]}”到列出它的案例", "{:.0f} ms", f"browse_{key}_keyword_ms"),
                line(f"{label}：其间页面线程最长的一次占用", "{:.0f} ms", f"browse_{key}_keyword_blocked_ms"),
            ]
    if len(ns) > 1 and 1000 in rows and max(ns) > 1000:
        big = max(ns)
        out.append("")
        out.append(
            f"构建时间随案例数的增长：time({big:,}) / time(1,000) = {rows[big]['build_s'] / rows[1000]['build_s']:.2f}"
            f"（案例数之比为 {big / 1000:.0f}）。"
        )
    out += [
        "",
        f"真实案例的网站连续构建两次，第二次新生成的 PDF：{reprinted} 份（内容未变的讲义直接沿用缓存）。",
        "",
        "说明：",
        "",
        "- 构建时间不含 PDF：每个案例两份讲义，逐份计时见上表；网站构建时按内容哈希缓存 PDF，内容不变不重印。",
        "- 本项目的构建会缓存每个案例文件的校验结果（按文件内容和规则版本）和 Pagefind 索引的每一部分（按其页面），"
        "内容没变就不再解析、不再建索引；第一次构建（缓存为空）单独计时，之后本项目和基准交替构建"
        f" {runs} 次（本项目、基准、本项目……），各取中位数，这是 `mkdocs serve` 每次重建、连续构建的常见情形；"
        "比值取各对之比的中位数，机器速度的起伏对两边一样。",
        "- 基准是 `casebook render` 写出的同样页面，用同一主题和同一组 Markdown 扩展构建，没有本项目的插件："
        "没有校验、页面生成和安全过滤；它的检索是 Material 自带的（lunr，装有 jieba 时用 jieba 分词），"
        "本项目的构建则写 Pagefind 索引（在线版）或脚本分片（离线版）。",
        "- 页面一加载完就检索的时间有一部分与案例数无关：Pagefind 在页面加载的同时启动（WebAssembly、"
        "各批索引的元数据），第一次检索时代码还是冷的，这些和页面自身的加载争用两个核，N = 100 一列就是这一部分；"
        "页面空闲后再检索时这些都已就绪。离线版的脚本分片没有这一步。",
        "- Pagefind 在页面自己的线程里检索，不用它的 worker：worker 要单独启动，还要把每个结果复制过来，"
        "页面刚加载时第一次检索因此慢一截。代价是一个匹配大部分案例的检索词（合成案例里的“问需”匹配全部案例）"
        "在大网站上要让页面线程连续忙一阵，Pagefind 为每个匹配的页面算分、生成结果，时间随匹配数增长。"
        "“页面线程最长的一次占用”是从最后一次按键到结果显示之间，页面线程连续忙 50 ms 以上的最长一段（没有则为 0），"
        "这期间读者再按键要等它结束；取所有检索词、所有次运行中最长的。",
        "- 在线版构建的峰值内存取 MkDocs 进程和 Pagefind 建索引进程（MkDocs 之后单独运行）中较大的一个。"
        "Pagefind 建索引时每个词约占 0.4–0.5 KB 内存，所以大网站分批建索引，每批约一百万字（约 900 个合成案例，按页面地址的哈希分批），"
        "浏览器把各批合在一起检索；峰值内存因此不随案例数增长。MkDocs 进程本身的内存看离线版构建（它不运行 Pagefind）。",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
