"""A fast yes/no pre-check compiled from our schemas, so valid entries skip jsonschema's slow walk.

jsonschema spends about a millisecond per CK meta; almost every entry is valid, so we compile each
schema into nested Python closures that answer only "valid or not". When the answer is "not valid",
the caller asks jsonschema for the real errors (the messages and paths users see always come from
jsonschema). A keyword this compiler does not know makes the whole schema "not compilable" and the
caller falls back to jsonschema for every instance: the pre-check can be missing, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "unit", "description", "examples",
                         "default", "deprecated", "readOnly", "writeOnly"})  # fmt: skip


# "string"/"object"/"array" map to one isinstance; bool is its own JSON type (never an int here).
_PLAIN_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "object": dict, "array": list, "boolean": bool}


class Unsupported(Exception):
    """The schema uses a keyword the pre-check does not implement."""


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise Unsupported(f"type {name!r}")


def _same(a: Any, b: Any) -> bool:
    """JSON equality: booleans never equal numbers (True != 1 in JSON Schema)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


class Compiler:
    """Compiles schema documents (by name) into predicates, resolving ``$ref`` among them."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self.documents = documents
        self._by_id = {doc["$id"]: name for name, doc in documents.items() if "$id" in doc}
        self._memo: dict[tuple[str, str], Check] = {}

    def compile_document(self, name: str) -> Check | None:
        """The predicate of one document, or None when it uses unsupported keywords."""
        try:
            return self._compile_ref(name, "")
        except Unsupported:
            return None

    def _compile_ref(self, doc_name: str, pointer: str) -> Check:
        key = (doc_name, pointer)
        if key not in self._memo:
            cell: list[Check] = []
            self._memo[key] = lambda value: cell[0](value)  # placeholder for recursive refs
            cell.append(self._compile(self._lookup(doc_name, pointer), doc_name))
            self._memo[key] = cell[0]
        return self._memo[key]

    def _lookup(self, doc_name: str, pointer: str) -> Any:
        node: Any = self.documents[doc_name]
        for part in filter(None, pointer.split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise Unsupported(f"unresolvable pointer {pointer!r}")
            node = node[part]
        return node

    def _resolve(self, ref: str, doc_name: str) -> Check:
        target, _, pointer = ref.partition("#")
        if target:
            name = target[: -len(".schema.json")] if target.endswith(".schema.json") else target
            name = self._by_id.get(target, name).rsplit("/", 1)[-1]
            if name not in self.documents:
                raise Unsupported(f"unknown $ref {ref!r}")
            doc_name = name
        return self._compile_ref(doc_name, pointer)

    def _compile(self, schema: Any, doc: str) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise Unsupported("schema is not an object")
        checks = [self._keyword(key, arg, schema, doc) for key, arg in schema.items() if key not in ANNOTATIONS]
        checks = [c for c in checks if c is not None]
        if len(checks) == 1:
            return checks[0]

        def every(value: Any) -> bool:
            for check in checks:  # noqa: SIM110 (a plain loop is faster than all() over a generator)
                if not check(value):
                    return False
            return True

        return every

    def _keyword(self, key: str, arg: Any, schema: dict[str, Any], doc: str) -> Check | None:
        method = getattr(self, "_kw_" + key.lstrip("$"), None)
        if method is None:
            raise Unsupported(f"keyword {key!r}")
        result: Check | None = method(arg, schema, doc)
        return result

    # -- keywords ---------------------------------------------------------------------------

    def _kw_ref(self, arg: str, schema: dict[str, Any], doc: str) -> Check:
        return self._resolve(arg, doc)

    def _kw_type(self, arg: Any, schema: dict[str, Any], doc: str) -> Check:
        names = [arg] if isinstance(arg, str) else list(arg)
        for name in names:
            _is_type(None, name)  # raises Unsupported for unknown names
        if len(names) == 1 and names[0] in _PLAIN_TYPES:
            plain = _PLAIN_TYPES[names[0]]
            return lambda value: isinstance(value, plain)
        if len(names) == 1 and names[0] == "number":
            return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
        return lambda value: any(_is_type(value, n) for n in names)

    def _kw_properties(self, arg: dict[str, Any], schema: dict[str, Any], doc: str) -> Check:
        table = {name: self._compile(sub, doc) for name, sub in arg.items()}

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                sub = table.get(key)
                if sub is not None and not sub(item):
                    return False
            return True

        return check

    def _kw_additionalProperties(self, arg: Any, schema: dict[str, Any], doc: str) -> Check:
        known = set(schema.get("properties", {}))
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        sub = self._compile(arg, doc)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            return all(sub(v) for k, v in value.items() if k not in known)

        return check

    def _kw_required(self, arg: list[str], schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, dict) or all(k in value for k in arg)

    def _kw_items(self, arg: Any, schema: dict[str, Any], doc: str) -> Check:
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        sub = self._compile(arg, doc)

        def check(value: Any) -> bool:
            if isinstance(value, list):
                for item in value:
                    if not sub(item):
                        return False
            return True

        return check

    def _kw_enum(self, arg: list[Any], schema: dict[str, Any], doc: str) -> Check:
        return lambda value: any(_same(value, e) for e in arg)

    def _kw_const(self, arg: Any, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: _same(value, arg)

    def _kw_pattern(self, arg: str, schema: dict[str, Any], doc: str) -> Check:
        regex = re.compile(arg)
        return lambda value: not isinstance(value, str) or regex.search(value) is not None

    def _kw_minLength(self, arg: int, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, str) or len(value) >= arg

    def _kw_maxLength(self, arg: int, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, str) or len(value) <= arg

    def _kw_minItems(self, arg: int, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, list) or len(value) >= arg

    def _kw_maxItems(self, arg: int, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, list) or len(value) <= arg

    def _kw_minProperties(self, arg: int, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not isinstance(value, dict) or len(value) >= arg

    def _kw_minimum(self, arg: float, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not _is_type(value, "number") or value >= arg

    def _kw_maximum(self, arg: float, schema: dict[str, Any], doc: str) -> Check:
        return lambda value: not _is_type(value, "number") or value <= arg

    def _kw_allOf(self, arg: list[Any], schema: dict[str, Any], doc: str) -> Check:
        subs = [self._compile(s, doc) for s in arg]
        return lambda value: all(s(value) for s in subs)

    def _kw_anyOf(self, arg: list[Any], schema: dict[str, Any], doc: str) -> Check:
        subs = [self._compile(s, doc) for s in arg]
        return lambda value: any(s(value) for s in subs)

    def _kw_if(self, arg: Any, schema: dict[str, Any], doc: str) -> Check | None:
        if "else" in schema:
            raise Unsupported("else")
        condition = self._compile(arg, doc)
        then = self._compile(schema.get("then", True), doc)
        return lambda value: not condition(value) or then(value)

    def _kw_then(self, arg: Any, schema: dict[str, Any], doc: str) -> Check | None:
        return None  # handled together with "if"


def compile_all(documents: dict[str, dict[str, Any]]) -> dict[str, Check | None]:
    """Predicates for every document (None where the pre-check cannot be trusted)."""
    compiler = Compiler(documents)
    return {name: compiler.compile_document(name) for name in documents}
