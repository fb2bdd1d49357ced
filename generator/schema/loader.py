"""Find and load the JSON Schemas shipped with the package (never fetched from the network).

jsonschema (with referencing, rpds and attrs: a tenth of a second to import) is loaded only when an
instance fails the compiled pre-check (``fastcheck.py``) or a schema could not be pre-compiled, so a
pre-commit or PR check of valid entries never pays for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import GeneratorError
from generator.schema.fastcheck import Check, compile_all

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SUFFIX = ".schema.json"
COMMON = "common"
INFO = "info"


def schemas_dir() -> Path:
    """The schemas folder: inside the installed wheel, else the source checkout's top level."""
    packaged = Path(__file__).resolve().parents[1] / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


class _Validators(Mapping[str, "Draft202012Validator"]):
    """jsonschema validators by schema name, compiled (with their shared registry) on first use."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self._documents = documents
        self._compiled: dict[str, Draft202012Validator] | None = None

    def _all(self) -> dict[str, Draft202012Validator]:
        if self._compiled is None:
            self._compiled = _compile(self._documents)
        return self._compiled

    def __getitem__(self, name: str) -> Draft202012Validator:
        return self._all()[name]

    def __iter__(self) -> Any:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, name: object) -> bool:
        return name in self._documents


class SchemaSet:
    """Schemas by name (``program``, ``common``, ``info`` …): documents, compiled pre-checks and
    jsonschema validators (these only when asked for)."""

    def __init__(self, documents: dict[str, dict[str, Any]], fast: dict[str, Check | None] | None = None) -> None:
        self.documents = documents
        self.fast = fast if fast is not None else {}
        self.validators: Mapping[str, Draft202012Validator] = _Validators(documents)

    def for_module(self, module: str) -> tuple[str, Draft202012Validator]:
        """The schema for a module, falling back to the common one for unknown types."""
        name = module if module in self.documents else COMMON
        return name, self.validators[name]

    def schema_name(self, module: str) -> str:
        """The schema a module's entries are checked with (the common one for unknown types)."""
        return module if module in self.documents else COMMON

    def has(self, name: str) -> bool:
        """True when a schema of that name exists."""
        return name in self.documents

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
    """Load every ``*.schema.json`` and pre-compile its quick check; ``$ref`` resolves only among these files."""
    folder = folder or schemas_dir()
    documents = {p.name[: -len(SUFFIX)]: _read_schema(p) for p in sorted(folder.glob(f"*{SUFFIX}"))}
    if COMMON not in documents:
        raise GeneratorError("the common schema is missing", path=folder / f"{COMMON}{SUFFIX}")
    return SchemaSet(documents, compile_all(documents))


def _compile(documents: dict[str, dict[str, Any]]) -> dict[str, Draft202012Validator]:
    """jsonschema validators for every schema, sharing one registry of these documents only."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from generator.schema.messages import worded_validator_class

    resources = []
    for name, doc in documents.items():
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        resources.append((doc.get("$id", f"{name}{SUFFIX}"), resource))
    registry: Registry = Registry().with_resources(resources)
    format_checker = Draft202012Validator.FORMAT_CHECKER
    worded = worded_validator_class(Draft202012Validator)  # messages from the table the portal's forms share
    return {name: worded(doc, registry=registry, format_checker=format_checker)
            for name, doc in documents.items()}  # fmt: skip
