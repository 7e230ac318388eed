"""The records in cases/ are the product: they must all validate."""

from casebook import CASES_DIR
from casebook.catalog import load_catalog


def test_every_record_in_cases_validates():
    catalog, result = load_catalog([CASES_DIR])
    assert [str(p) for p in result.problems] == []
    assert len(catalog.cases) == len(list(CASES_DIR.glob("*.yaml")))
