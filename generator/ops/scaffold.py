"""``kb new``: scaffold an entry from its type's schema, valid before it is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck.ids import Cid
from generator.ck.model import Entry, EntryRef
from generator.ck.resolve import Workspace
from generator.diagnostics import Diagnostic
from generator.errors import GeneratorError, UsageError
from generator.schema.entry_checks import check_entry
from generator.schema.loader import COMMON, load_schemas

Ask = Callable[[str, str, dict[str, Any]], Any]  # (field, description, property schema) -> value


@dataclass(frozen=True)
class Scaffold:
    """What ``kb new`` needs: the type, the target CID and the meta collected so far."""

    module: str
    cid: Cid
    meta: dict[str, Any]
    name: str = ""


def required_fields(module: str) -> list[tuple[str, dict[str, Any]]]:
    """Required meta keys of a type with their property schemas (own schema, else the common one)."""
    schemas = load_schemas()
    name = module if schemas.has(module) else COMMON
    document = schemas.documents[name]
    properties = {**schemas.documents[COMMON].get("properties", {}), **document.get("properties", {})}
    return [(key, properties.get(key, {})) for key in document.get("required", [])]


def coerce(value: str, schema: dict[str, Any]) -> Any:
    """Turn text typed on a terminal or given by a flag into the property's JSON type."""
    kind = schema.get("type")
    if kind == "array" or (schema.get("$ref", "").endswith("/tags")):
        return [part.strip() for part in value.split(",") if part.strip()]
    if kind in ("object", "integer", "number", "boolean"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise UsageError(f"{value!r} is not valid JSON for a field of type {kind}") from None
    return value


def fill_missing(scaffold: Scaffold, ask: Ask | None) -> dict[str, Any]:
    """The meta with every required field present: from flags, else asked, else an error listing them."""
    meta = dict(scaffold.meta)
    missing = [(key, prop) for key, prop in required_fields(scaffold.module) if key not in meta]
    if missing and ask is None:
        names = ", ".join(key for key, _ in missing)
        raise UsageError(f"a {scaffold.module} entry needs: {names}",
                         hint="give them with --set KEY=VALUE (or --tags), or run kb new on a terminal")  # fmt: skip
    for key, prop in missing:
        meta[key] = ask(key, str(prop.get("description", "")), prop)  # type: ignore[misc]
    return meta


def check_meta(module: str, meta: dict[str, Any]) -> list[Diagnostic]:
    """Schema problems the new meta would have (checked before anything is written)."""
    probe = Entry(ref=EntryRef("new", module, "", "new", "", Path("<new entry>")), meta=meta)
    return [d for d in check_entry(probe, load_schemas()) if d.severity.value == "error"]


def create_entry(workspace: Workspace, scaffold: Scaffold, ask: Ask | None = None) -> Entry:
    """Fill, check and write a new entry; refuse with the diagnostics when it would be invalid."""
    meta = fill_missing(scaffold, ask)
    problems = check_meta(scaffold.module, meta)
    if problems:
        lines = "; ".join(f"{d.json_path}: {d.message}" for d in problems)
        raise GeneratorError(f"the new {scaffold.module} entry would be invalid: {lines}",
                             hint="fix the values and run kb new again; nothing was written")  # fmt: skip
    repo = workspace.repo(scaffold.cid.repo)
    return repo.add(scaffold.module, scaffold.cid.entry, meta=meta, name=scaffold.name)
