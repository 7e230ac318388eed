"""Every schema field has a reader: it is shown on the case page, in the browse data or in the
teacher's PDF, or the schema marks it internal (x-internal, saying why). The export is not
counted: it carries every field by construction."""

from __future__ import annotations

import copy
import re

import yaml

from casebook.pdf.render import render_html
from casebook.records.catalog import load_catalog
from casebook.text import citation_order, format_number, human_date
from casebook.web.pages import render_site

from .conftest import FIXTURES
from .paths import RULES

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _values(data, path: str) -> list:
    """The values at a field path; `a[].b` collects b from every item of a."""
    values = [data]
    for part in path.split("."):
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        found = []
        for value in values:
            if isinstance(value, dict) and name in value:
                found.extend(value[name] if is_list else [value[name]])
        values = found
    return [item for value in values for item in (value if isinstance(value, list) else [value])]


def _forms(field, value, catalog) -> set[str]:
    """What a reader would see of one value."""
    if field.path == "outcomes[].ref":  # shown as the number of its citation
        return {f"[{citation_order(catalog.cases['every-field'].data, RULES).index(value) + 1}]"}
    if field.path == "related":
        return {catalog.cases[value]["title"]}
    if field.path == "references[].online":
        return {"/OL]"} if value else set()
    if field.path == "references[].type":
        return {f"[{value}]", f"[{value}/OL]"}
    if field.path == "period.ongoing":
        return {"仍在推行"} if value else set()
    forms = {str(value)}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        forms.add(format_number(value))
    if isinstance(value, str) and DATE.match(value):
        forms.add(human_date(value))
    labels = dict(field.labels)
    if value in labels:
        forms.add(labels[value])
    # text with citations is shown with [n] marks in place of them: look for its longest stretch
    return {max(re.split(r"\[\^[^\]]*\]", f), key=len) for f in forms}


def _unread(records: list[dict], shown: str, catalog) -> tuple[list[str], list[str]]:
    """(fields that no output shows and the schema does not mark internal, fields with no test value)"""
    unread, untested = [], []
    for field in RULES.fields():
        if field.type in ("object", "array of object"):
            continue
        values = [v for record in records for v in _values(record, field.path)]
        if not values:
            untested.append(field.path)
        elif not field.internal and not any(form and form in shown for v in values for form in _forms(field, v, catalog)):
            unread.append(field.path)
    return unread, untested


def _render_every_field(cases):
    record = yaml.safe_load((FIXTURES / "every-field.yaml").read_text(encoding="utf-8"))
    # `ongoing` is shown only for a case without an end date: render that variant too
    still_running = copy.deepcopy(record) | {"id": "every-field-ongoing", "title": "字段全览测试案例（进行中）"}
    still_running["period"] = {k: v for k, v in record["period"].items() if k != "end"} | {"ongoing": True}
    cases.write("every-field", yaml.safe_dump(record, allow_unicode=True))
    cases.write("every-field-ongoing", yaml.safe_dump(still_running, allow_unicode=True))
    catalog, result = load_catalog([cases.root], RULES)
    assert result.problems == []
    pages = render_site(catalog, {"terms": [], "references": []})
    outputs = [pages["cases/every-field.md"], pages["cases/every-field-ongoing.md"], pages["assets/casebook/cases.json"]]
    for case_id in ("every-field", "every-field-ongoing"):
        outputs.append(render_html([catalog.cases[case_id]], RULES, "teacher"))
    return [record, still_running], "\n".join(outputs), catalog


def test_every_schema_field_is_shown_somewhere_or_marked_internal(cases):
    records, shown, catalog = _render_every_field(cases)
    unread, untested = _unread(records, shown, catalog)
    assert untested == [], "the fixture every-field.yaml needs a value for these fields"
    assert unread == [], f"shown nowhere and not marked x-internal in the schema: {unread}"


def test_the_check_notices_a_field_that_nothing_shows(cases):
    records, shown, catalog = _render_every_field(cases)
    without_english_title = shown.replace("Every Field Test Case", "")
    assert _unread(records, without_english_title, catalog)[0] == ["title_en"]
