from casebook.catalog import load_catalog


def test_catalog_computes_reverse_links_and_indexes(cases):
    catalog, result = load_catalog([cases.root])
    assert result.problems == []
    # minimal-case names other-case; the reverse link is computed, not typed
    assert catalog.related("other-case") == ["minimal-case"]
    assert catalog.related("minimal-case") == ["other-case"]
    assert catalog.backlinks == {"other-case": ["minimal-case"]}
    assert catalog.by_theme == {"城市更新": ["minimal-case", "other-case"]}
    assert catalog.by_mechanism == {"居民出资共建": ["minimal-case", "other-case"]}
    assert catalog.by_province == {"广东省": ["minimal-case", "other-case"]}
    assert catalog.by_level == {"街道（乡镇）": ["minimal-case", "other-case"]}
    assert catalog.by_year == {2016: ["minimal-case", "other-case"]}


def test_catalog_leaves_out_invalid_records(cases):
    cases.variant("broken", "themes: [城市更新]", "themes: [不存在的主题]")
    catalog, result = load_catalog([cases.root])
    assert "broken" not in catalog.cases
    assert set(catalog.cases) == {"minimal-case", "other-case"}
    assert {p.file for p in result.problems} == {str(cases.root / "broken.yaml")}
