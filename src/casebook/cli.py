"""casebook: 校验、新建、构建、预览案例。 Validate, create, build and preview case records."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from .project import Project, ProjectError
from .records.problems import os_reason
from .records.validate import case_files, display_path, validate_glossary, validate_paths
from .text import SiteLinks

SITE_URL_VARIABLE = "CASEBOOK_SITE_URL"  # mkdocs.yml: site_url: !ENV [CASEBOOK_SITE_URL, …]


def cmd_validate(args) -> int:
    project = args.project
    paths = [Path(p) for p in args.paths] or [project.cases_dir]
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]  # a link to nothing is reported below
    if missing:
        for p in missing:
            print(f"{p}: 文件或目录不存在", file=sys.stderr)
        return 2
    # Files are checked among their neighbours, so that related ids and duplicates are judged
    # against the whole collection; only the named files' problems are reported. A file anywhere
    # under the cases folder is judged from that folder, so one in a sub-folder is reported as such.
    named = {p.resolve() for p in paths if not p.is_dir()}
    cases_dir = project.cases_dir.resolve()

    def context_of(p: Path) -> Path:
        if p.is_dir():
            return p
        return cases_dir if cases_dir in p.absolute().parents else p.parent

    context = sorted({context_of(p) for p in paths})
    result = validate_paths(context, project.rules)
    if named:
        result.files = [f for f in result.files if f.path.resolve() in named]
        result.problems = [p for p in result.problems if Path(p.file).resolve() in named]
    problems = list(result.problems)
    checked = len(result.files)
    if not args.paths:  # the default run checks the glossary too
        problems += validate_glossary(project.glossary, project.rules)[1]
        checked += 1
    for problem in problems:
        print(problem)
    bad_files = len({p.file for p in problems})
    print(f"检查了 {checked} 个文件：{checked - bad_files} 个通过，{bad_files} 个有问题，共 {len(problems)} 处问题。")
    return 1 if problems else 0


def _ask(args) -> None:
    """Ask for what the flags did not give, when a person is at the terminal."""
    if not sys.stdin.isatty():
        return
    questions = [
        ("title", "案例标题"),
        ("province", "省级名称（如 广东省）"),
        ("city", "地级名称（如 广州市；直辖市可留空）"),
        ("county", "县级名称（如 越秀区；市级案例留空）"),
        ("level", "层级（小区 / 社区（村） / 街道（乡镇） / 县（区） / 市 / 省）"),
    ]
    for name, prompt in questions:
        if getattr(args, name) is None:
            setattr(args, name, input(f"{prompt}：").strip() or None)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_quoted(value) -> str:
    """A value as a YAML double-quoted string, so that whatever an editor typed (#, ": ", a leading
    *, &, !, %, @ or backtick, quotes, line breaks, invisible characters) reads back the same."""
    out = []
    for ch in "" if value is None else str(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def cmd_new(args) -> int:
    rules = args.project.rules
    target = Path(args.dir or args.project.cases_dir) / f"{args.id}.yaml"
    if target.exists():
        print(f"{target}: 文件已存在，不会覆盖。要修改已有案例请直接编辑该文件。", file=sys.stderr)
        return 1
    if not rules.id_pattern.fullmatch(args.id):
        print(f"编号“{args.id}”不合规：只能用小写字母、数字和单个连字符，如 guangzhou-liurong-elevators", file=sys.stderr)
        return 2
    _ask(args)
    levels = rules.vocabularies["levels"].names
    if args.level and args.level not in levels:
        print(f"层级“{args.level}”不在词表中，可选：{'、'.join(levels)}", file=sys.stderr)
        return 2
    adcode = rules.regions.find(args.province, args.city, args.county) if args.province else None
    if args.province and adcode is None:
        print("提示：代码表中找不到这个地点，adcode 需要手工填写（见 schemas/regions.yaml）。", file=sys.stderr)
    env = Environment(loader=PackageLoader("casebook"), undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_quoted
    text = env.get_template("new-case.yaml.j2").render(
        id=args.id,
        title=args.title,
        summary=None,
        province=args.province,
        city=args.city,
        county=args.county,
        adcode=adcode,
        level=args.level,
        today=_dt.date.today().isoformat(),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
            f.write(text)
    except FileExistsError:
        print(f"{target}: 文件已存在，不会覆盖。", file=sys.stderr)
        return 1
    shown = display_path(target)
    print(f"已创建 {shown}。按文件中的注释填写后运行：make validate（或 casebook validate {shown}）")
    return 0


def cmd_pdf(args) -> int:
    from tqdm import tqdm

    from .pdf.render import EDITIONS, PdfError, case_pdf, pack_pdf, render_html, write_pdf
    from .records.catalog import load_catalog
    from .records.packs import PackError, load_pack

    project = args.project
    catalog, result = load_catalog([project.cases_dir], project.rules)
    site = site_links(project)
    build = Path("build")
    jobs: list[tuple[Path, str]] = []  # (target, html)
    try:
        if args.pack:
            for pack_file in args.pack:
                pack = load_pack(Path(pack_file), catalog)
                edition = args.edition or pack.edition
                name = pack_pdf(Path(pack_file).stem, edition)
                if len(args.pack) == 1 and args.output and args.output.endswith(".pdf"):
                    target = Path(args.output)
                elif args.output:  # a folder
                    target = Path(args.output) / Path(name).name
                else:
                    target = build / name
                jobs.append((target, render_html([catalog.cases[i] for i in pack.cases], catalog.rules, edition, pack, site)))
        else:
            if not args.ids:
                print("请给出案例 id，或用 --pack 指定讲义合集文件。", file=sys.stderr)
                return 2
            unknown = [i for i in args.ids if i not in catalog.cases or not catalog.is_shown(i)]
            if unknown:
                bad = {p.file for p in result.problems}
                print(
                    f"找不到案例：{'、'.join(unknown)}" + ("（有案例没有通过校验，请先运行 casebook validate）" if bad else ""),
                    file=sys.stderr,
                )
                return 2
            edition = args.edition or "student"
            single = len(args.ids) == 1 and args.output and args.output.endswith(".pdf")
            for case_id in args.ids:
                if single:
                    target = Path(args.output)
                elif args.output:  # a folder
                    target = Path(args.output) / Path(case_pdf(case_id, edition)).name
                else:
                    target = build / case_pdf(case_id, edition)
                jobs.append((target, render_html([catalog.cases[case_id]], catalog.rules, edition, site=site)))
        for target, document in tqdm(jobs, desc="生成 PDF", unit="份", disable=len(jobs) < 2):
            write_pdf(document, target)
            if len(jobs) == 1:
                print(f"已生成 {target}（{EDITIONS[edition]}）")
    except (PdfError, PackError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_export(args) -> int:
    from .export import export_files
    from .records.catalog import load_catalog

    project = args.project
    catalog, result = load_catalog([project.cases_dir], project.rules)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print("有案例没有通过校验，没有导出。", file=sys.stderr)
        return 1
    folder = _output_folder(project, args.output, "build/data", "codebook.csv")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in export_files(catalog).items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"已写出 {folder / name}")
    return 0


def cmd_fmt(args) -> int:
    from .fmt import FormatError, format_file

    changed, failed = [], 0
    for path in case_files([Path(p) for p in args.paths] or [args.project.cases_dir]):
        try:
            if format_file(path, args.project.rules, check=args.check):
                changed.append(path)
        except FormatError as exc:
            print(f"{display_path(path)}: {exc}", file=sys.stderr)
            failed += 1
        except UnicodeDecodeError:
            print(f"{display_path(path)}: 文件不是 UTF-8 编码，没有整理（先用 casebook validate 查看）", file=sys.stderr)
            failed += 1
        except OSError as exc:
            print(f"{display_path(path)}: 无法读写这个文件（{os_reason(exc)}），没有整理", file=sys.stderr)
            failed += 1
    for path in changed:
        print(f"{display_path(path)}: {'格式需要整理（运行 casebook fmt）' if args.check else '已整理'}")
    if failed:
        return 2
    return 1 if args.check and changed else 0


def cmd_linkcheck(args) -> int:
    from .linkcheck import check, links

    result = validate_paths([Path(p) for p in args.paths] or [args.project.cases_dir], args.project.rules)
    found = links(result.files)
    dead = check(found, timeout=args.timeout)
    for link, reason in dead:
        print(f"{link.where}: {reason}: {link.url}")
    print(f"检查了 {len({l.url for l in found})} 个网址，{len({l.url for l, _ in dead})} 个无法访问。")
    return 1 if dead else 0


def site_links(project: Project) -> SiteLinks:
    """site_url, repo_url and edit_uri from mkdocs.yml, read the way MkDocs reads them (!ENV too)."""
    if project.config_file is None:
        return SiteLinks()
    from mkdocs.config import load_config

    try:
        return SiteLinks.from_config(load_config(str(project.config_file)))
    except Exception as exc:  # a broken mkdocs.yml: say which file, whatever MkDocs raised
        raise ProjectError(f"无法读取 {project.config_file}：{exc}") from exc


def _mkdocs(project: Project, *args: str) -> int:
    config = ["-f", str(project.config_file)] if project.config_file else []
    return subprocess.call([sys.executable, "-m", "mkdocs", *args, *config], cwd=project.root)


class OutputError(Exception):
    pass


def _output_folder(project: Project, given: str | None, default: str, marker: str) -> Path:
    """A folder a command may replace: never the project or its sources, and never a folder with
    other content than a previous output of the same kind (recognised by `marker` inside it)."""
    target = (Path(given) if given else project.root / default).resolve()
    protected = {project.root, project.cases_dir, project.schemas_dir, project.root / "docs", project.root / "src"}
    if target in protected or any(target in p.parents for p in protected if p != project.root) or target in project.root.parents:
        raise OutputError(f"{target} 是项目本身或它的源文件夹，不能作为输出目录")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} 是一个文件，不能作为输出目录")
    if target.is_dir() and any(target.iterdir()) and not (target / marker).exists():
        raise OutputError(f"{target} 不是空文件夹，也不是以前的输出，不会覆盖；请换一个目录或先清空它")
    return target


def cmd_build(args) -> int:
    """Build into a fresh folder beside the target and swap it in only when the build succeeded,
    so a failed build leaves the previous site untouched."""
    import shutil
    import tempfile

    project = args.project
    target = _output_folder(project, args.site_dir, "site", "sitemap.xml")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    status = _mkdocs(project, "build", "--strict", "-d", str(fresh))
    if status != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        print(f"构建失败，{target} 保持原样。", file=sys.stderr)
        return status
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    print(f"网站已构建到 {target}")
    return 0


def cmd_render(args) -> int:
    """The site's pages as plain Markdown with a mkdocs.yml that needs no casebook plugin."""
    from .web.standalone import MARKER, write_standalone

    project = args.project
    target = _output_folder(project, args.output, "build/pages", MARKER)
    try:
        count = write_standalone(project, target, site_links(project))
    except ProjectError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已写出 {count} 个页面到 {target}（用 mkdocs build -f {target / 'mkdocs.yml'} 构建）")
    return 0


def cmd_serve(args) -> int:
    """The preview becomes the MkDocs server process itself, so stopping this command stops it.
    --dirty rebuilds only the changed pages; MkDocs warns about dirty builds, so not strict here."""
    project = args.project
    config = ["-f", str(project.config_file)] if project.config_file else []
    os.chdir(project.root)
    # MkDocs would serve under site_url's path (/casebook/); the preview stays at the root.
    os.environ[SITE_URL_VARIABLE] = ""
    os.execv(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a", args.addr, *config])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="casebook", description="基层治理案例库工具 / case library tool")
    p.add_argument("-f", "--config", help="项目的 mkdocs.yml，默认取当前目录（或其上级）中的 mkdocs.yml")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    v = sub.add_parser("validate", help="校验案例文件 / validate case files")
    v.add_argument("paths", nargs="*", help="文件或目录，默认 cases/")
    v.set_defaults(func=cmd_validate)

    n = sub.add_parser("new", help="从模板新建案例 / create a case from the template")
    n.add_argument("id", help="案例编号，如 guangzhou-liurong-elevators")
    n.add_argument("--title", help="标题")
    n.add_argument("--province", help="省级名称，如 广东省")
    n.add_argument("--city", help="地级名称，如 广州市")
    n.add_argument("--county", help="县级名称，如 越秀区")
    n.add_argument("--level", help="层级，如 街道（乡镇）")
    n.add_argument("--dir", help="写入的目录，默认 cases/")
    n.set_defaults(func=cmd_new)

    b = sub.add_parser("build", help="构建网站（严格模式）/ build the site (strict)")
    b.add_argument("-d", "--site-dir", help="输出目录，默认 site/")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("render", help="把网站页面写成普通 Markdown（不需要本插件即可构建）/ write the pages as plain Markdown")
    r.add_argument("output", nargs="?", help="输出目录，默认 build/pages/")
    r.set_defaults(func=cmd_render)

    pdf = sub.add_parser("pdf", help="生成讲义 PDF / make handout PDFs")
    pdf.add_argument("ids", nargs="*", help="案例 id，可以多个")
    pdf.add_argument("--pack", nargs="+", help="讲义合集文件，可以多个，如 docs/lectures/*.yaml")
    pdf.add_argument("--edition", choices=["student", "teacher"], help="student 学员版（默认）或 teacher 教师版")
    pdf.add_argument("-o", "--output", help="输出文件（一个案例或合集，以 .pdf 结尾）或目录，默认 build/pdf/")
    pdf.set_defaults(func=cmd_pdf)

    f = sub.add_parser("fmt", help="统一案例文件的字段顺序和引号，保留注释 / normalise case files")
    f.add_argument("paths", nargs="*", help="文件或目录，默认 cases/")
    f.add_argument("--check", action="store_true", help="只检查不修改；需要整理时退出码为 1")
    f.set_defaults(func=cmd_fmt)

    lc = sub.add_parser("linkcheck", help="检查参考文献网址是否还能访问（需要联网）/ check reference URLs")
    lc.add_argument("paths", nargs="*", help="文件或目录，默认 cases/")
    lc.add_argument("--timeout", type=float, default=10.0, help="每个网址的超时秒数")
    lc.set_defaults(func=cmd_linkcheck)

    e = sub.add_parser("export", help="导出 cases.json、cases.csv 和字段说明 codebook.csv / export the data")
    e.add_argument("-o", "--output", help="输出目录，默认 build/data/")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="本地预览 / preview at http://127.0.0.1:8000")
    s.add_argument("-a", "--addr", default="127.0.0.1:8000")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.project = Project.find(args.config)
        return args.func(args)
    except (ProjectError, OutputError) as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
