"""The JSON Schema and vocabularies in schemas/: the single source of every field rule."""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from . import SCHEMA_DIR

CASE_SCHEMA = "case.schema.json"
GLOSSARY_SCHEMA = "glossary.schema.json"
GLOSSARY = "glossary.yaml"
PACK_SCHEMA = "lecture-pack.schema.json"
VOCAB_DIR = "vocab"


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


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def read_schema(name: str = CASE_SCHEMA, schema_dir: Path = SCHEMA_DIR) -> dict:
    return _read_json(schema_dir / name)


@cache
def vocabularies(schema_dir: Path = SCHEMA_DIR) -> dict[str, Vocabulary]:
    out = {}
    for path in sorted((schema_dir / VOCAB_DIR).glob("*.json")):
        doc = _read_json(path)
        terms = tuple(Term(alt["const"], alt.get("description", "")) for alt in doc["oneOf"])
        out[path.stem] = Vocabulary(path.stem, doc["title"], doc.get("description", ""), terms)
    return out


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


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # the standard formats (date, uri …) plus ours
    checker.checks("partial-date")(lambda value: not isinstance(value, str) or partial_date(value) is not None)
    return checker


def _as_enum(vocabulary: dict) -> dict:
    """A vocabulary as the validator reads it: its terms as an enum. The file keeps one
    const + description per term for editors' hover help; an enum checks the same values
    many times faster than oneOf, which builds an error for every term that does not match."""
    terms = [alt["const"] for alt in vocabulary["oneOf"]]
    return {k: v for k, v in vocabulary.items() if k != "oneOf"} | {"enum": terms, "x-vocabulary": True}


@cache
def validator(name: str = CASE_SCHEMA, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
    # Schemas refer to each other by relative path, as editors' tools resolve them.
    resources = [(CASE_SCHEMA, _read_json(schema_dir / CASE_SCHEMA))]
    resources += [(f"{VOCAB_DIR}/{p.name}", _as_enum(_read_json(p))) for p in sorted((schema_dir / VOCAB_DIR).glob("*.json"))]
    registry = Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in resources)
    return Draft202012Validator(read_schema(name, schema_dir), registry=registry, format_checker=_format_checker())


def _inlined(name: str, schema_dir: Path) -> dict:
    """The schema with every $ref replaced by what it points to (vocabularies as enums)."""
    root = read_schema(name, schema_dir)
    case = read_schema(CASE_SCHEMA, schema_dir)

    def resolve(node):
        if isinstance(node, list):
            return [resolve(n) for n in node]
        if not isinstance(node, dict):
            return node
        node = {k: resolve(v) for k, v in node.items()}
        ref = node.pop("$ref", None)
        if ref is None:
            return node
        if ref.startswith(VOCAB_DIR + "/"):
            target = _as_enum(_read_json(schema_dir / ref))
        else:  # "#/$defs/x" in this schema, or "case.schema.json#/$defs/x"
            doc = case if ref.startswith(CASE_SCHEMA) else root
            target = doc
            for part in ref.split("#/", 1)[1].split("/"):
                target = target[part]
            target = resolve(target)
        return target | node

    out = resolve(root)
    out.pop("$schema", None)
    out.pop("$defs", None)
    return out


@cache
def fast_check(name: str = CASE_SCHEMA, schema_dir: Path = SCHEMA_DIR):
    """A compiled yes/no check of the same schema. Most records are valid; only a record it
    rejects goes through jsonschema, which explains every problem. jsonschema stays the
    authority: this check is at least as strict (dates are checked on the calendar here too)."""
    import fastjsonschema

    dates = {
        "date": lambda v: partial_date(v) is not None and len(v) == 10,
        "partial-date": lambda v: partial_date(v) is not None,
    }
    check = fastjsonschema.compile(_inlined(name, schema_dir), formats=dates)

    def is_valid(instance) -> bool:
        try:
            check(instance)
            return True
        except fastjsonschema.JsonSchemaException:
            return False

    return is_valid


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


@cache
def denied_hosts(schema_dir: Path = SCHEMA_DIR) -> frozenset[str]:
    """Mirror and spam hosts that a reference may not link to (schemas/denied-hosts.yaml)."""
    doc = yaml.safe_load((schema_dir / "denied-hosts.yaml").read_text(encoding="utf-8"))
    return frozenset(h.lower() for h in doc["hosts"])


@cache
def regions(schema_dir: Path = SCHEMA_DIR) -> RegionTable:
    doc = yaml.safe_load((schema_dir / "regions.yaml").read_text(encoding="utf-8"))
    return RegionTable(doc["source"], doc["year"], {str(k): v for k, v in doc["regions"].items()})


@dataclass(frozen=True)
class Field:
    """One field of the case schema, as the reference page and the codebook describe it."""

    path: str  # e.g. location.adcode, outcomes[].ref
    type: str  # JSON type, or "array of object" …
    required: bool
    title: str
    description: str
    terms: tuple[str, ...] = ()  # allowed values (vocabulary or enum)
    vocabulary: str | None = None  # vocab file stem when the terms come from one


def _resolve(node: dict, root: dict, schema_dir: Path) -> tuple[dict, str | None]:
    """Follow a $ref to #/$defs/… or to a vocabulary file, keeping the referring node's own words."""
    ref = node.get("$ref")
    if not ref:
        return node, None
    if ref.startswith("#/"):
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}, None
    target = _read_json(schema_dir / ref)
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}, Path(ref).stem


def schema_fields(name: str = CASE_SCHEMA, schema_dir: Path = SCHEMA_DIR) -> list[Field]:
    """Every field of a schema in document order, nested objects and list items included."""
    root = read_schema(name, schema_dir)
    out: list[Field] = []

    def walk(node: dict, prefix: str, required: set):
        for key, child in node.get("properties", {}).items():
            child, vocab = _resolve(child, root, schema_dir)
            path = f"{prefix}{key}"
            kind = child.get("type", "string" if ("enum" in child or "oneOf" in child) else "")
            item = None
            if kind == "array":
                item, item_vocab = _resolve(child.get("items", {}), root, schema_dir)
                vocab = vocab or item_vocab
                kind = f"array of {item.get('type', 'string')}"
            source = item if item is not None else child
            terms = tuple(alt["const"] for alt in source.get("oneOf", []) if "const" in alt) or tuple(
                str(v) for v in source.get("enum", [])
            )
            out.append(Field(path, kind, key in required, child.get("title", ""), child.get("description", ""), terms, vocab))
            if child.get("type") == "object":
                walk(child, path + ".", set(child.get("required", [])))
            if item is not None and item.get("type") == "object":
                walk(item, path + "[].", set(item.get("required", [])))

    walk(root, "", set(root.get("required", [])))
    return out
