"""Validate one entry's meta and info against their schemas, as diagnostics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from generator.ck import layout
from generator.ck.model import Entry
from generator.diagnostics import Diagnostic, Severity
from generator.schema.loader import COMMON, INFO, SchemaSet

if TYPE_CHECKING:  # jsonschema loads only when an instance fails the pre-check (see loader.py)
    from jsonschema import ValidationError

REPO = "repo"


MAX_MESSAGE = 300


def _short(error: ValidationError) -> str:
    """jsonschema quotes the whole value; a 10 MB string must not become a 10 MB message."""
    message = error.message
    if len(message) <= MAX_MESSAGE:
        return message
    shown = repr(error.instance)
    if shown in message:
        size = len(error.instance) if isinstance(error.instance, (str, list, dict)) else len(shown)
        message = message.replace(shown, f"{shown[:60]}… ({size} long)")
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def _best_alternative(error: ValidationError) -> ValidationError:
    """The anyOf/oneOf branch the author most likely meant: one whose type fits, failing deepest."""
    fitting = [e for e in error.context or [] if not (e.validator == "type" and not e.relative_path)]
    candidates = fitting or list(error.context or [])
    deepest = max(len(e.absolute_path) for e in candidates)
    from jsonschema.exceptions import best_match

    return best_match([e for e in candidates if len(e.absolute_path) == deepest])


def _message(error: ValidationError) -> tuple[str, str]:
    if error.context:
        best = _best_alternative(error)
        extra = len(error.context) - 1
        more = f" ({extra} other alternatives failed too)" if extra > 0 else ""
        return _short(best) + more, best.json_path
    return _short(error), error.json_path


def _hint(error: ValidationError, schema_name: str) -> str:
    if error.validator == "required":
        return f"add the missing key (see the {schema_name} schema)"
    if error.validator == "type":
        return f"change the value to {error.validator_value}"
    if error.validator in ("enum", "const"):
        return f"use one of: {error.validator_value}"
    return f"see the {schema_name} schema for what is allowed here"


def schema_diagnostics(data: Any, validator_errors: Iterable[ValidationError], path: str,
                       schema_name: str, *, advisory: str = "") -> list[Diagnostic]:  # fmt: skip
    """One diagnostic per schema error, each with its file and JSON path; with ``advisory`` (why the
    schema does not bind here) they are notes saying so, not errors."""
    found = []
    for error in validator_errors:
        message, json_path = _message(error)
        hint = _hint(error, schema_name)
        found.append(Diagnostic(code="schema", severity=Severity.NOTE if advisory else Severity.ERROR, path=path,
                                json_path=json_path, message=message,
                                hint=f"{advisory}; under it: {hint}" if advisory else hint))  # fmt: skip
    return found


def info_diagnostics(entry: Entry, schemas: SchemaSet) -> list[Diagnostic]:
    """CK layer: the entry's info.json against the info schema (CK's own format, every repository)."""
    if not entry.info or not schemas.has(INFO):
        return []
    errors = schemas.iter_errors(INFO, entry.info)
    if not errors:
        return []
    return schema_diagnostics(entry.info, errors, str(layout.cm_file(entry.ref.path, layout.INFO)), INFO)


def type_diagnostics(entry: Entry, schemas: SchemaSet, *, reef: bool) -> list[Diagnostic]:
    """Reef layer: the meta against Reef KB's schema of its module (the common one for other modules):
    errors in a Reef-profile repository, notes in a plain CK one (CK's own ``result`` module, for
    one, is not Reef's result type)."""
    name = schemas.schema_name(entry.ref.module)
    errors = schemas.iter_errors(name, entry.meta)
    if not errors:
        return []
    advisory = "" if reef else (f"repository {entry.ref.repo!r} does not follow the Reef profile, so Reef KB's "
                                f"{name} schema gives notes here")  # fmt: skip
    return schema_diagnostics(entry.meta, errors, str(layout.cm_file(entry.ref.path, layout.META)), name,
                              advisory=advisory)  # fmt: skip


def check_entry(entry: Entry, schemas: SchemaSet) -> list[Diagnostic]:
    """Both schema checks as a Reef-profile repository gets them (``kb new``, importers' self-checks)."""
    return type_diagnostics(entry, schemas, reef=True) + info_diagnostics(entry, schemas)


def check_repo_file(data: dict[str, Any], path: str, schemas: SchemaSet) -> list[Diagnostic]:
    """Schema problems of a repository's .ckr.json (the repo schema)."""
    if not schemas.has(REPO):
        return []
    return schema_diagnostics(data, schemas.iter_errors(REPO, data), path, REPO)


def no_schema_diagnostics(counts: dict[str, tuple[str, int]], schemas: SchemaSet) -> list[Diagnostic]:
    """One note per module folder without a schema of its own: module folder → (module, entries)."""
    found = []
    for module_dir, (module, count) in sorted(counts.items()):
        if schemas.has(module) or module == COMMON:
            continue
        entries = f"entr{'y was' if count == 1 else 'ies were'}"
        found.append(Diagnostic(code="no-schema", severity=Severity.NOTE, path=module_dir,
                                message=f"module {module!r} has no schema of its own; its {count} {entries} "
                                        "checked against the common schema",
                                hint=f"CK is open to new types; add schemas/{module}.schema.json"))  # fmt: skip
    return found
