"""The schemas in schemas/: valid draft 2020-12, stable $id, documented, examples valid, pre-check sound."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.schema.fastcheck import compile_all
from generator.schema.loader import load_schemas, schemas_dir

SCHEMAS = sorted(schemas_dir().glob("*.schema.json"))
TYPES = ["common", "info", "module", "repo", "program", "script", "soft", "package", "env", "dataset", "model",
         "platform", "os", "compiler", "experiment", "result", "solution", "paper"]  # fmt: skip


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _properties(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}/properties/{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{index}")


def test_there_is_one_schema_per_component_type() -> None:
    assert sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS) == sorted(TYPES)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_against_the_2020_12_metaschema(path: Path) -> None:
    schema = _load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_identified_by_where_it_is_fetched_from(path: Path) -> None:
    # No $id: a schema's base URI is its own URL, so "$ref": "common.schema.json" finds the sibling
    # file on the portal, in a clone and offline (an absolute $id sends validators to that host;
    # a relative one is taken relative to the working folder by check-jsonschema).
    assert "$id" not in _load(path)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_description(path: Path) -> None:
    schema = _load(path)
    assert schema.get("description")
    missing = [where for where, sub in _properties(schema) if not (isinstance(sub, dict) and sub.get("description"))]
    assert not missing


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_reader_facing_title_and_units_are_words(path: Path) -> None:
    """Portal pages label fields with these titles (never with the raw key)."""
    missing, bad_units = [], []
    for where, sub in _properties(_load(path)):
        if any(f"/{word}/" in where for word in ("if", "then", "else", "not")):
            continue  # conditions on a property, not a field of their own
        if not (isinstance(sub, dict) and isinstance(sub.get("title"), str) and sub["title"].strip()):
            missing.append(where)
        elif "unit" in sub and not (isinstance(sub["unit"], str) and sub["unit"].strip()):
            bad_units.append(where)
    assert not missing
    assert not bad_units


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_examples_are_valid(path: Path) -> None:
    name = path.name.removesuffix(".schema.json")
    schemas = load_schemas()
    examples = _load(path).get("examples", [])
    assert examples, "every schema shows at least one example on its reference page"
    for example in examples:
        assert schemas.iter_errors(name, example) == []


def test_result_schema_keeps_the_shape_importers_write() -> None:
    result = _load(schemas_dir() / "result.schema.json")
    assert result["required"] == ["tags", "benchmark", "platform_uoa", "metrics"]
    assert {"platform_uoa", "model_uoa", "dataset_uoa", "program_uoa", "software", "metrics", "source",
            "scenario", "submitter", "date"} <= set(result["properties"])  # fmt: skip


def test_status_other_than_active_needs_a_reason() -> None:
    schemas = load_schemas()
    assert schemas.iter_errors("common", {"status": {"state": "active"}}) == []
    errors = schemas.iter_errors("common", {"status": {"state": "disputed"}})
    assert [e.message for e in errors] == ["'reason' is a required property"]


def _mutations(rng: random.Random, value: Any) -> Any:
    """Replace a random node with a value of another type, to probe the pre-check."""
    choices = ["x", 1, -5, 1.5, True, None, [], {}, [1], {"a": 1}, "", "ftp://x", "0123456789abcdef"]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        value[key] = _mutations(rng, value[key])
        return value
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        value[index] = _mutations(rng, value[index])
        return value
    return copy.deepcopy(rng.choice(choices))


def test_compiled_pre_check_never_accepts_what_jsonschema_rejects() -> None:
    schemas = load_schemas()
    fast = compile_all(schemas.documents)
    rng = random.Random(5)
    for name, doc in sorted(schemas.documents.items()):
        assert fast[name] is not None, f"{name} uses a keyword the pre-check cannot compile"
        for example in doc.get("examples", []):
            for _ in range(150):
                candidate = _mutations(rng, copy.deepcopy(example))
                if not fast[name](candidate):
                    continue
                assert schemas.validators[name].is_valid(candidate), (name, candidate)


def test_pre_check_refuses_keywords_it_does_not_know() -> None:
    assert compile_all({"x": {"$id": "x", "patternProperties": {"a": {}}}})["x"] is None
    assert compile_all({"x": {"$id": "x", "format": "date"}})["x"] is None


def test_any_of_failures_are_reduced_to_the_best_match() -> None:
    from generator.schema.entry_checks import schema_diagnostics

    schema = {"anyOf": [{"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}},
                        {"type": "string"}, {"type": "integer"}]}  # fmt: skip
    instance = {"url": 5}
    errors = list(Draft202012Validator(schema).iter_errors(instance))
    [diag] = schema_diagnostics(instance, errors, "meta.json", "demo")
    assert diag.json_path == "$.url"
    assert diag.message == "5 is not of type 'string' (2 other alternatives failed too)"
