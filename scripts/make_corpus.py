"""Write N synthetic, valid case records for benchmarks and scale tests.

The records are plainly synthetic (title ends with 合成样本 and a number; every reference is
marked as synthetic) and go to a folder of their own, never into cases/.

Usage: .venv/bin/python scripts/make_corpus.py --n 1000 --out build/corpus-1000 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

from casebook.records.rules import Rules

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "cases"
RULES = Rules(ROOT / "schemas")

MODELINE = "# yaml-language-server: $schema=../../schemas/case.schema.json\n"

OPENINGS = [
    "{place}地处{kind}，常住人口约{n}万，{issue}一度是居民反映最集中的问题",
    "{year}年前后，{place}在{theme}方面面临不少新情况，{issue}日益突出",
    "随着城镇化推进，{place}的人口结构和利益诉求发生明显变化，{issue}需要新的应对办法",
    "{place}辖区内既有老旧小区，也有新建商品房和村改居社区，{issue}长期困扰基层干部",
]
PRACTICES = [
    "{actor}牵头建立“{mech}”工作机制，明确议题收集、协商讨论、结果公示三个环节",
    "围绕{theme}，{actor}把辖区划分为{k}个片区，每个片区由一名党员骨干联系",
    "{year}年起，{place}推行“{mech}”，每季度召开一次由居民代表、驻区单位和职能部门参加的联席会",
    "{actor}与{k}家驻区单位签订共建协议，梳理出需求、资源和项目三张清单",
    "对群众反映的问题实行台账管理，一般事项{k}个工作日内答复，复杂事项由{actor}召集相关部门会商",
    "引入专业社会组织，开展{theme}相关的培训和服务，累计组织活动{n}场",
    "把“{mech}”写入村规民约或居民公约，由居民代表全程监督执行情况",
    "建立志愿服务积分制度，积分可在社区服务站兑换生活用品，注册志愿者达到{n}人",
]
RESULTS = [
    "据当地统计，机制运行{k}年来共解决群众诉求{n}件",
    "居民对社区服务的满意度由{p}%提高到{q}%",
    "矛盾纠纷调解成功率保持在{q}%左右，未发生因处置不当引发的群体性事件",
    "参与议事协商的居民从最初的几十人增加到{n}人",
    "这一做法被{level}层面总结推广，先后有{k}个地方前来交流",
]
CHALLENGES = [
    "部分居民参与意愿不高，议事会出席者以老年人为主，年轻居民和流动人口参与较少",
    "机制运行依赖少数骨干，人员变动后存在“人走事停”的风险",
    "基层工作量随诉求数量上升而增加，考核指标与实际效果之间的关系有待检验",
    "成效数据多来自工作总结，缺少第三方评估",
]
LESSONS = [
    "把党组织的组织优势转化为治理效能，关键在于让居民真正参与决策",
    "制度化是经验能够持续的前提，需要把临时性做法固定为规则和流程",
    "治理创新要与当地的人口结构、产业基础和干部力量相适应，不宜简单照搬",
]
ISSUES = ["停车难", "环境卫生", "物业纠纷", "养老服务不足", "邻里矛盾", "公共设施老化", "外来人口管理"]
KINDS = ["城市中心区", "城乡接合部", "山区农村", "新建开发区", "老工业区"]
ACTORS = ["街道党工委", "社区党委", "镇党委", "村党支部", "区委组织部", "县委社会工作部"]
QUESTIONS = [
    "本案例中的“{mech}”与你所在地区的做法相比有哪些异同？哪些条件决定了它能否推广？",
    "如果由你来评估这一机制的实际效果，你会选择哪些指标？为什么？",
    "在{theme}工作中，党组织的引领与居民自治之间应当如何划分边界？",
    "案例提到的问题与挑战中，你认为最需要优先解决的是哪一个？请说明理由。",
]


def _fill(rng, template, ctx):
    return template.format(
        n=rng.randint(2, 900),
        k=rng.randint(2, 12),
        p=rng.randint(60, 80),
        q=rng.randint(85, 99),
        year=ctx["year"],
        **{k: v for k, v in ctx.items() if k != "year"},
    )


def _paragraph(rng, pool, ctx, count, refs, cited):
    sentences = []
    for template in rng.sample(pool, min(count, len(pool))):
        ref = rng.choice(refs)
        cited.add(ref)
        sentences.append(_fill(rng, template, ctx) + f"[^{ref}]。")
    return "".join(sentences)


def _places():
    table = RULES.regions
    places = []
    for code, name in table.names.items():
        if code[2:] == "0000":
            continue
        city = table.city_of(code)
        if code[4:] == "00" and city:
            places.append({"province": table.province_of(code), "city": name, "adcode": code})
    return places


def make_case(rng: random.Random, index: int, ids: list[str], places: list[dict]) -> dict:
    vocab = RULES.vocabularies
    place = rng.choice(places)
    themes = rng.sample([t.term for t in vocab["themes"].terms], rng.randint(1, 3))
    mechanisms = rng.sample([t.term for t in vocab["mechanisms"].terms], rng.randint(1, 4))
    year = rng.randint(2005, 2024)
    ctx = {
        "place": place["city"],
        "kind": rng.choice(KINDS),
        "issue": rng.choice(ISSUES),
        "theme": themes[0],
        "mech": mechanisms[0],
        "actor": rng.choice(ACTORS),
        "level": rng.choice(["市", "省", "全国"]),
        "year": year,
    }
    refs = [f"r{i}" for i in range(1, rng.randint(2, 6) + 1)]
    cited: set[str] = set()
    sections = {
        "background": _paragraph(rng, OPENINGS, ctx, 2, refs, cited),
        "practices": "\n\n".join(_paragraph(rng, PRACTICES, ctx, 3, refs, cited) for _ in range(2)),
        "results": _paragraph(rng, RESULTS, ctx, 3, refs, cited),
        "challenges": _paragraph(rng, CHALLENGES, ctx, 2, refs, cited),
        "lessons": _paragraph(rng, LESSONS, ctx, 2, refs, cited),
    }
    completeness = rng.choice(["stub", "partial", "partial", "complete"])
    outcomes = [
        {
            "indicator": rng.choice(["解决群众诉求", "参与议事居民", "注册志愿者", "协商议题", "共建项目"]),
            "value": rng.randint(10, 5000),
            "unit": rng.choice(["件", "人", "个", "项"]),
            "as_of": str(rng.randint(year, 2025)),
            "ref": (cited.add(r := rng.choice(refs)) or r),
        }
        for _ in range(rng.randint(1, 5))
    ]
    case_id = f"synthetic-{index:05d}"
    record = {
        "id": case_id,
        "title": f"{place['city']}“{mechanisms[0]}”实践（合成样本{index:05d}）",
        "title_en": f"Synthetic sample {index}",
        "aliases": [f"{place['city']}{mechanisms[0]}{index}"],
        "summary": _fill(rng, OPENINGS[0], ctx)
        + f"。当地以“{mechanisms[0]}”为抓手推进{themes[0]}，本记录为基准测试生成的合成样本。",
        "keywords": list(dict.fromkeys([mechanisms[0], themes[0], place["city"], *mechanisms[1:3]]))[:8],
        "status": "published",
        "completeness": completeness,
        "location": {"province": place["province"], "city": place["city"], "adcode": place["adcode"]},
        "level": rng.choice([t.term for t in vocab["levels"].terms]),
        "setting": rng.choice([t.term for t in vocab["settings"].terms]),
        "period": {"start": str(year), "ongoing": True},
        "themes": themes,
        "mechanisms": mechanisms,
        "actors": [
            {"name": f"{place['city']}{a}", "type": "党组织", "role": rng.choice(["牵头", "协同"])} for a in rng.sample(ACTORS, 2)
        ],
        "process": [
            {"step": s, "description": f"{s}环节由{rng.choice(ACTORS)}负责组织。"}
            for s in ["问需", "问计", "问效", "问责"][: rng.randint(2, 4)]
        ],
        "outcomes": outcomes,
        "sections": sections,
        "teaching": {
            "objectives": ["理解案例中的主要机制。"],
            "questions": [_fill(rng, q, ctx) for q in QUESTIONS[: rng.randint(3, 4)]],
            "analysis": "本案例为合成样本，用于基准测试。",
            "suggested_use": "基准测试用，不用于教学。",
        },
        "related": sorted(rng.sample(ids, min(len(ids), rng.randint(0, 3)))),
        "references": [
            {
                "id": r,
                "type": rng.choice(["J", "N", "EB"]),
                "online": True,
                "title": f"合成文献{index:05d}-{r}",
                "container": rng.choice(["合成期刊", "合成日报", "合成网站"]),
                "year": rng.randint(year, 2025),
                "url": f"https://example.org/synthetic/{index}/{r}",
                "note": "合成样本，非真实文献。",
            }
            for r in refs
            if r in cited
        ],
        "meta": {
            "created": "2026-01-01",
            "updated": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "editors": ["合成语料生成器"],
        },
    }
    if completeness != "complete":
        record["gaps"] = ["合成样本：没有真实来源。"]
    return record


def write_corpus(n: int, out: Path, seed: int = 7) -> list[Path]:
    if out.resolve() == CASES_DIR.resolve() or CASES_DIR.resolve() in out.resolve().parents:
        raise SystemExit("合成语料不能写进 cases/")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("synthetic-*.yaml"):
        old.unlink()
    rng = random.Random(seed)
    places = _places()
    ids: list[str] = []
    paths = []
    for index in range(1, n + 1):
        record = make_case(rng, index, ids, places)
        path = out / f"{record['id']}.yaml"
        path.write_text(MODELINE + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
        ids.append(record["id"])
        paths.append(path)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    write_corpus(args.n, args.out, args.seed)
    print(f"已写出 {args.n} 个合成案例到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
