"""Find and load the JSON Schemas shipped with the package (never fetched from the network)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.errors import GeneratorError
from generator.schema.fastcheck import Check, compile_all

SUFFIX = ".schema.json"
COMMON = "common"
INFO = "info"


def schemas_dir() -> Path:
    """The schemas folder: inside the installed wheel, else the source checkout's top level."""
    packaged = Path(__file__).resolve().parents[1] / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True)
class SchemaSet:
    """Compiled validators by schema name (``program``, ``common``, ``info`` …)."""

    validators: dict[str, Draft202012Validator]
    documents: dict[str, dict[str, Any]]
    fast: dict[str, Check | None] = field(default_factory=dict)

    def for_module(self, module: str) -> tuple[str, Draft202012Validator]:
        """The schema for a module, falling back to the common one for unknown types."""
        name = module if module in self.validators else COMMON
        return name, self.validators[name]

    def has(self, name: str) -> bool:
        """True when a schema of that name exists."""
        return name in self.validators

    def iter_errors(self, name: str, instance: Any) -> list[Any]:
        """jsonschema errors of an instance; the compiled pre-check skips valid ones quickly."""
        quick = self.fast.get(name)
        if quick is not None and quick(instance):
            return []
        return list(self.validators[name].iter_errors(instance))


def _read_schema(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"cannot load schema: {exc}", path=path) from None
    if not isinstance(data, dict):
        raise GeneratorError("schema must be a JSON object", path=path)
    return data


@functools.lru_cache(maxsize=4)
def load_schemas(folder: Path | None = None) -> SchemaSet:
    """Load and compile every ``*.schema.json``; ``$ref`` resolves only among these files."""
    folder = folder or schemas_dir()
    documents = {p.name[: -len(SUFFIX)]: _read_schema(p) for p in sorted(folder.glob(f"*{SUFFIX}"))}
    if COMMON not in documents:
        raise GeneratorError("the common schema is missing", path=folder / f"{COMMON}{SUFFIX}")
    resources = []
    for name, doc in documents.items():
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        resources.append((doc.get("$id", f"{name}{SUFFIX}"), resource))
    registry: Registry = Registry().with_resources(resources)
    format_checker = Draft202012Validator.FORMAT_CHECKER
    validators = {name: Draft202012Validator(doc, registry=registry, format_checker=format_checker)
                  for name, doc in documents.items()}  # fmt: skip
    return SchemaSet(validators=validators, documents=documents, fast=compile_all(documents))
