from casebook.records.catalog import load_catalog

from .paths import RULES


def test_catalog_computes_reverse_links_and_indexes(cases):
    catalog, result = load_catalog([cases.root], RULES)
    assert result.problems == []
    # minimal-case names other-case; the reverse link is computed, not typed
    assert catalog.related("other-case") == ["minimal-case"]
    assert catalog.related("minimal-case") == ["other-case"]
    assert catalog.backlinks == {"other-case": ["minimal-case"]}
    both = ["minimal-case", "other-case"]
    assert catalog.index("theme") == {"城市更新": both}
    assert catalog.index("mechanism") == {"居民出资共建": both}
    assert catalog.index("province") == {"广东省": both}
    assert catalog.index("level") == {"街道（乡镇）": both}
    assert catalog.index("year") == {2016: both}
    # the facets are the ones the schema declares (x-facet), in its order
    assert [f.name for f in RULES.facets] == ["theme", "mechanism", "province", "level", "setting", "completeness", "year"]


def test_catalog_leaves_out_invalid_records(cases):
    cases.variant("broken", "themes: [城市更新]", "themes: [不存在的主题]")
    catalog, result = load_catalog([cases.root], RULES)
    assert "broken" not in catalog.cases
    assert set(catalog.cases) == {"minimal-case", "other-case"}
    assert {p.file for p in result.problems} == {str(cases.root / "broken.yaml")}
