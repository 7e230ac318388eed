"""The records in cases/ are the product: they must all validate."""

from casebook.records.catalog import load_catalog

from .paths import CASES_DIR, PROJECT_ROOT, RULES


def test_every_record_in_cases_validates():
    catalog, result = load_catalog([CASES_DIR], RULES)
    assert [str(p) for p in result.problems] == []
    assert len(catalog.cases) == len(list(CASES_DIR.glob("*.yaml")))


NAMED_CASES = {
    "qingdao-shinan-liulian-gongjian": "六联共建",
    "beijing-chaoyang-gongshang-gongzhi": "党政群共商共治",
    "hunan-huayuan-huzhu-wuxing": "互助五兴",
    "chongqing-nanan-xinglongyuan": "兴隆苑",
    "beijing-jiesu-jiban": "接诉即办",
    "guangzhou-liurong-elevators": "加装电梯",
    "ningbo-1n-regional-party-building": "1+N",
}


def test_named_cases_exist_and_every_outcome_resolves():
    catalog, _ = load_catalog([CASES_DIR], RULES)
    for case_id, word in NAMED_CASES.items():
        assert word in catalog.cases[case_id]["title"], case_id
    for case in catalog.cases.values():
        ref_ids = {r["id"] for r in case["references"]}
        for outcome in case.get("outcomes", []):
            assert outcome["ref"] in ref_ids, (case.id, outcome)


def test_the_stub_is_honest():
    catalog, _ = load_catalog([CASES_DIR], RULES)
    stub = catalog.cases["qingdao-shinan-liulian-gongjian"]
    assert stub["completeness"] == "stub"
    assert "outcomes" not in stub.data  # the district's other programme is context, not this case's result
    assert "这不是“六联共建”" in stub["sections"]["background"]


def test_glossary_validates_and_covers_the_fact_sheet_terms():
    from casebook.records.validate import validate_glossary

    data, problems = validate_glossary(PROJECT_ROOT / "schemas" / "glossary.yaml", RULES)
    assert [str(p) for p in problems] == []
    terms = {t["term"] for t in data["terms"]}
    for term in [
        "共建共治共享",
        "网格化管理",
        "接诉即办",
        "枫桥经验",
        "四议两公开",
        "小微权力清单",
        "三会一课",
        "红色物业",
        "信托制物业",
    ]:
        assert term in terms
