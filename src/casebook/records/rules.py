"""The Rules: everything the schema folder says, read once and asked by every part.

`schemas/` is the single source of every rule: the JSON Schemas (case, glossary, lecture pack)
with their annotations (`x-facet`, `x-labels`, `x-internal`, `x-message`), the vocabularies, the
region table and the list of hosts a reference may not link to. Validation, labels, section
order, the id pattern, facets, export columns, the field reference page and the codebook all come
from one `Rules` object, built from the folder the project configures. All `$ref`s go through one
resolver, the `referencing` registry that the validator uses too.

The schema files are written for editors as well, so their `pattern`s are ECMA-262 regular
expressions (as JSON Schema says), with `\\u{…}` for characters beyond the BMP. Python reads them
through `python_pattern`: the same expression in Python's dialect, where `$` also matches before a
final line break (`\\Z` does not) and astral characters are written `\\U0001…`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

CASE_SCHEMA = "case.schema.json"
# keywords that constrain a value (the rest are annotations: title, description, x-…)
_ASSERTIONS = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "items",
        "prefixItems",
        "contains",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "dependentSchemas",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
GLOSSARY_SCHEMA = "glossary.schema.json"
PACK_SCHEMA = "lecture-pack.schema.json"
GLOSSARY = "glossary.yaml"
VOCAB_DIR = "vocab"
REGIONS = "regions.yaml"
DENIED_HOSTS = "denied-hosts.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True)
class Vocabulary:
    name: str  # file stem, e.g. themes
    title: str  # e.g. 主题
    description: str
    terms: tuple[Term, ...]

    def __contains__(self, term) -> bool:
        return any(t.term == term for t in self.terms)

    @property
    def names(self) -> list[str]:
        return [t.term for t in self.terms]


@dataclass(frozen=True)
class RegionTable:
    source: str
    year: int
    names: dict  # six-digit code -> name

    def province_of(self, code: str) -> str | None:
        return self.names.get(code[:2] + "0000")

    def city_of(self, code: str) -> str | None:
        """The prefecture name, or None where the code has no named prefecture (直辖市, 省直辖)."""
        name = self.names.get(code[:4] + "00")
        if code[2:4] == "00" or name in (None, "市辖区", "县") or "直辖" in (name or ""):
            return None
        return name

    def levels(self, code: str) -> dict[str, str | None]:
        """The names a code stands for, by level: a province code has no city or county, a
        prefecture code no county, and a county in a municipality or under a province has no city."""
        name = self.names.get(code)
        if code[2:] == "0000":
            return {"province": name, "city": None, "county": None}
        if code[4:] == "00":
            return {"province": self.province_of(code), "city": name, "county": None}
        return {"province": self.province_of(code), "city": self.city_of(code), "county": name}

    def find(self, province: str | None, city: str | None, county: str | None) -> str | None:
        """The code whose names match the deepest level given."""
        want = county or city or province
        for code, name in self.names.items():
            if name != want or self.province_of(code) != province:
                continue
            if county and (code[4:] == "00" or (city and self.city_of(code) not in (None, city))):
                continue
            if not county and city and (code[4:] != "00" or code[2:4] == "00"):
                continue
            return code
        return None


@dataclass(frozen=True)
class Field:
    """One field of a schema, as the reference page, the codebook and the renderers see it."""

    path: str  # e.g. location.adcode, outcomes[].ref
    type: str  # JSON type, or "array of object" …
    required: bool
    title: str
    description: str
    terms: tuple[str, ...] = ()  # allowed values (vocabulary or enum)
    vocabulary: str | None = None  # vocab file stem when the terms come from one
    internal: str | None = None  # why no reader shows it (x-internal), or None
    labels: tuple[tuple[str, str], ...] = ()  # x-labels: value → reader's word
    facet: dict | None = field(default=None, compare=False)  # x-facet, if the field is one


@dataclass(frozen=True)
class Facet:
    """A way to narrow the collection, declared in the schema with x-facet."""

    name: str  # e.g. theme
    path: str  # field path, e.g. themes, location.province, period.start
    label: str  # e.g. 主题
    page: str | None  # index page stem (themes → themes.md), if there is one
    page_title: str | None
    vocabulary: str | None  # terms in vocabulary order, or None (values sorted)
    labels: dict  # value → label (e.g. completeness)
    year: bool  # the facet groups dates by year
    order: int = 0

    def values(self, data: dict) -> list:
        """The facet's values for one record (a list: a case can have several themes)."""
        value: Any = data
        for part in self.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        return [int(v[:4]) for v in values] if self.year else values


def partial_date(value: str) -> tuple[int, ...] | None:
    """(year[, month[, day]]) for YYYY, YYYY-MM or YYYY-MM-DD that exist in the calendar."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return None
    parts = tuple(int(p) for p in m.groups() if p)
    try:
        _dt.date(parts[0], *(parts[1:] + (1, 1))[:2])
    except ValueError:
        return None
    return parts


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


_ASTRAL = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}")


def python_pattern(pattern: str) -> str:
    """An ECMA-262 pattern (as schemas and editors write it) in Python's dialect: `\\u{1D173}` becomes
    `\\U0001D173`, and `$` outside a character class becomes `\\Z`, since Python's `$` also
    matches before a final line break (a title ending in a newline would pass `^[^\\n]*$`)."""
    pattern = _ASTRAL.sub(lambda m: f"\\U{int(m.group(1), 16):08X}", pattern)
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "$" and not in_class:
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


def _for_python(node):
    """A schema document with every pattern in Python's dialect."""
    if isinstance(node, list):
        return [_for_python(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {k: python_pattern(v) if k == "pattern" and isinstance(v, str) else _for_python(v) for k, v in node.items()}


def _frozen(value):
    """A hashable stand-in that is equal exactly when JSON Schema calls two values equal
    (1 and 1.0 are; true and 1 are not)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_frozen(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _frozen(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def _unique_items(validator, unique, instance, schema):
    """uniqueItems in linear time: jsonschema compares every pair when items do not sort
    (mappings, or numbers mixed with text), which takes minutes for a list of 20,000 items."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen = set()
    for item in instance:
        key = _frozen(item)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


def _read_yaml(path: Path):
    # LibYAML when present: the region table has thousands of lines
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _as_enum(vocabulary: dict) -> dict:
    """A vocabulary as the validator reads it: its terms as an enum. The file keeps one
    const + description per term for editors' hover help; an enum checks the same values
    many times faster than oneOf, which builds an error for every term that does not match."""
    terms = [alt["const"] for alt in vocabulary["oneOf"]]
    return {k: v for k, v in vocabulary.items() if k != "oneOf"} | {"enum": terms, "x-vocabulary": True}


class Rules:
    """What `schemas/` says, read once per build or command."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        # in Python's dialect of regular expressions (see python_pattern)
        self.schemas = {name: _for_python(_read_json(self.folder / name)) for name in (CASE_SCHEMA, GLOSSARY_SCHEMA, PACK_SCHEMA)}
        vocab_docs = {p.stem: _read_json(p) for p in sorted((self.folder / VOCAB_DIR).glob("*.json"))}
        self.vocabularies = {
            stem: Vocabulary(
                stem,
                doc["title"],
                doc.get("description", ""),
                tuple(Term(a["const"], a.get("description", "")) for a in doc["oneOf"]),
            )
            for stem, doc in vocab_docs.items()
        }
        # Schemas refer to each other by relative path, as editors' tools resolve them.
        resources = [(name, doc) for name, doc in self.schemas.items()]
        resources += [(f"{VOCAB_DIR}/{stem}.json", _as_enum(doc)) for stem, doc in vocab_docs.items()]
        self.registry = Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in resources)
        regions = _read_yaml(self.folder / REGIONS)
        self.regions = RegionTable(regions["source"], regions["year"], {str(k): v for k, v in regions["regions"].items()})
        denied = _read_yaml(self.folder / DENIED_HOSTS)
        self.denied_hosts = frozenset(h.lower() for h in denied["hosts"])

    # $ref -------------------------------------------------------------------------------

    def resolve(self, node: dict, base: str = CASE_SCHEMA) -> tuple[dict, str]:
        """Follow a $ref (in the document `base`), keeping the referring node's own keywords.
        Returns the node and the document it now belongs to, for the $refs inside it."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not ref:
            return node, base
        resolved = self.registry.resolver(base_uri=base).lookup(ref)
        target_base = ref.split("#", 1)[0] or base
        target, target_base = self.resolve(resolved.contents, target_base)
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}, target_base

    def inlined(self, name: str = CASE_SCHEMA) -> dict:
        """The schema with every $ref replaced by what it points to (for the compiled check).
        A $ref with keywords beside it becomes allOf [target, the keywords], as JSON Schema
        evaluates it: merging the two would let one `pattern` or `allOf` hide the other."""

        def walk(node, base):
            if isinstance(node, list):
                return [walk(n, base) for n in node]
            if not isinstance(node, dict):
                return node
            if "$ref" in node:
                ref = node["$ref"]
                target = self.registry.resolver(base_uri=base).lookup(ref).contents
                target = walk(target, ref.split("#", 1)[0] or base)
                rest = {k: v for k, v in node.items() if k != "$ref"}
                if not any(k in _ASSERTIONS for k in rest):
                    return target
                return {"allOf": [target, walk(rest, base)]}
            return {k: walk(v, base) for k, v in node.items() if k not in ("$defs", "$schema")}

        return walk(self.schemas[name], name)

    # validation ---------------------------------------------------------------------------

    @staticmethod
    def _format_checker() -> FormatChecker:
        checker = FormatChecker()  # the standard formats (date, uri …) plus ours
        checker.checks("partial-date")(lambda value: not isinstance(value, str) or partial_date(value) is not None)
        return checker

    def validator(self, name: str = CASE_SCHEMA) -> Draft202012Validator:
        return self._validators[name]

    @cached_property
    def _validators(self) -> dict[str, Draft202012Validator]:
        checker = self._format_checker()
        linear = validators.extend(Draft202012Validator, {"uniqueItems": _unique_items})
        return {name: linear(doc, registry=self.registry, format_checker=checker) for name, doc in self.schemas.items()}

    def fast_check(self, name: str = CASE_SCHEMA):
        return self._fast_checks[name]

    @cached_property
    def _fast_checks(self) -> dict:
        """Compiled yes/no checks of the same schemas. Most records are valid; only a record a check
        rejects goes through jsonschema, which explains every problem. jsonschema stays the
        authority: these checks are at least as strict (dates are checked on the calendar too)."""
        import fastjsonschema

        dates = {
            "date": lambda v: partial_date(v) is not None and len(v) == 10,
            "partial-date": lambda v: partial_date(v) is not None,
        }

        def compiled(name):
            check = fastjsonschema.compile(self.inlined(name), formats=dates)

            def is_valid(instance) -> bool:
                try:
                    check(instance)
                    return True
                except fastjsonschema.JsonSchemaException:
                    return False

            return is_valid

        return {name: compiled(name) for name in self.schemas}

    # what the schema says about the fields ---------------------------------------------------

    def fields(self, name: str = CASE_SCHEMA) -> list[Field]:
        return self._fields[name]

    @cached_property
    def _fields(self) -> dict[str, list[Field]]:
        return {name: self._walk_fields(name) for name in self.schemas}

    def _walk_fields(self, name: str) -> list[Field]:
        """Every field of a schema in document order, nested objects and list items included."""
        out: list[Field] = []

        def walk(node: dict, base: str, prefix: str, required: set):
            for key, child in node.get("properties", {}).items():
                vocab = Path(child["$ref"]).stem if str(child.get("$ref", "")).startswith(VOCAB_DIR) else None
                child, child_base = self.resolve(child, base)
                path = f"{prefix}{key}"
                kind = child.get("type", "string" if "enum" in child else "")
                item, item_base = None, child_base
                if kind == "array":
                    raw_item = child.get("items", {})
                    if str(raw_item.get("$ref", "")).startswith(VOCAB_DIR):
                        vocab = Path(raw_item["$ref"]).stem
                    item, item_base = self.resolve(raw_item, child_base)
                    kind = f"array of {item.get('type', 'string')}"
                source = item if item is not None else child
                terms = tuple(str(v) for v in source.get("enum", []))
                labels = tuple((child.get("x-labels") or {}).items())
                out.append(
                    Field(
                        path,
                        kind,
                        key in required,
                        child.get("title", ""),
                        child.get("description", ""),
                        terms,
                        vocab,
                        child.get("x-internal"),
                        labels,
                        child.get("x-facet"),
                    )
                )
                if child.get("type") == "object":
                    walk(child, child_base, path + ".", set(child.get("required", [])))
                if item is not None and item.get("type") == "object":
                    walk(item, item_base, path + "[].", set(item.get("required", [])))

        root = self.schemas[name]
        walk(root, name, "", set(root.get("required", [])))
        return out

    def field(self, path: str, name: str = CASE_SCHEMA) -> Field:
        return next(f for f in self.fields(name) if f.path == path)

    def labels(self, path: str) -> dict[str, str]:
        """value → the word a reader sees, from the field's x-labels (e.g. completeness)."""
        return dict(self.field(path).labels)

    @cached_property
    def sections(self) -> list[tuple[str, str]]:
        """(key, heading) of the case text, in the schema's order: 背景, 主要做法 …"""
        sections = self.schemas[CASE_SCHEMA]["properties"]["sections"]["properties"]
        return [(key, node["title"]) for key, node in sections.items()]

    @cached_property
    def id_pattern(self) -> re.Pattern:
        return re.compile(self.schemas[CASE_SCHEMA]["properties"]["id"]["pattern"])

    @cached_property
    def reserved_ids(self) -> frozenset[str]:
        """Ids a case may not take: the names of the site's own pages (the id's `x-reserved` in the
        schema) and the index page of every facet (`x-facet.page`)."""
        reserved = self.schemas[CASE_SCHEMA]["properties"]["id"].get("x-reserved", [])
        return frozenset(reserved) | {f.page for f in self.facets if f.page}

    @cached_property
    def facets(self) -> list[Facet]:
        """The facets declared in the case schema (x-facet), in their declared order."""
        found = []
        for f in self.fields():
            spec = f.facet
            if spec:
                found.append(
                    Facet(
                        spec["name"],
                        f.path,
                        spec.get("label", f.title),
                        spec.get("page"),
                        spec.get("page_title"),
                        f.vocabulary,
                        dict(f.labels),
                        bool(spec.get("year")),
                        spec.get("order", 0),
                    )
                )
        return sorted(found, key=lambda facet: facet.order)

    def facet(self, name: str) -> Facet:
        return next(f for f in self.facets if f.name == name)

    @cached_property
    def version(self) -> str:
        """A digest of everything in the schema folder: results computed under other rules are stale."""
        return self.digest(self.folder)

    @staticmethod
    def digest(folder: Path) -> str:
        digest = hashlib.sha256()
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()[:16]
